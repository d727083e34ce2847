import { GraphQLError } from 'graphql';
import { MemoryLogWriter } from '@graphql-hive/logger';
import { describe, expect, it } from 'vitest';
import { BoundedLogWriter, MAX_LOG_LINE } from './logging';

describe('gateway log lines', () => {
  it('never carry request bodies, variables or tokens, and stay bounded', () => {
    const memory = new MemoryLogWriter();
    const writer = new BoundedLogWriter(memory);
    const upstream = new GraphQLError('Subgraph answered 500', {
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', request: { body: '{"query":"mutation","variables":{"email":"jane@example.com"}}' } },
    });
    writer.write('error', { error: upstream, headers: { authorization: 'Bearer eyJhbGciOi' }, variables: { email: 'jane@example.com' }, note: 'x'.repeat(10_000) }, 'm'.repeat(50_000));
    const [line] = memory.logs;
    const text = JSON.stringify(line);
    expect(text).not.toContain('jane@example.com');
    expect(text).not.toContain('eyJhbGciOi');
    expect(text).toContain('DOWNSTREAM_SERVICE_ERROR');
    expect(line!.msg!.length).toBeLessThan(MAX_LOG_LINE + 50);
    expect(JSON.stringify(line!.attrs).length).toBeLessThan(MAX_LOG_LINE + 50);
  });

  it('cuts a huge attribute object down to a note', () => {
    const memory = new MemoryLogWriter();
    new BoundedLogWriter(memory).write('info', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v'.repeat(290)])), 'many attributes');
    expect(memory.logs[0]!.attrs).toEqual({ truncated: expect.stringMatching(/attributes of \d+ characters left out/) });
  });
});
