import { describe, expect, it } from 'vitest';
import type { DomainEvent } from './envelope';
import { MalformedEntryError, entriesOfReadReply, parseAutoclaimReply, parseStreamFields, toStreamFields } from './stream-entry';

const event: DomainEvent<{ seats: number; amount: string; lines: { sku: string }[] }> = {
  id: '01900000-0000-7000-8000-000000000001',
  type: 'deal.won',
  version: 2,
  occurredAt: '2026-06-15T10:00:00.123Z',
  source: 'deals',
  aggregateId: 'deal-1',
  payload: { seats: 501, amount: '1234500', lines: [{ sku: 'EDR-ENT' }] },
};

describe('stream entry layout', () => {
  it('reads back exactly the envelope it wrote', () => {
    expect(parseStreamFields('1-0', toStreamFields(event))).toEqual(event);
  });

  it('reads fields in any order', () => {
    const fields = toStreamFields(event);
    const pairs: string[][] = [];
    for (let i = 0; i < fields.length; i += 2) pairs.push([fields[i]!, fields[i + 1]!]);
    expect(parseStreamFields('1-0', pairs.reverse().flat())).toEqual(event);
  });

  it.each([
    ['a missing id', (f: string[]) => f.slice(2), 'missing id'],
    ['a version of 0', (f: string[]) => f.map((v, i) => (f[i - 1] === 'version' ? '0' : v)), 'version 0'],
    ['a payload that is not JSON', (f: string[]) => f.map((v, i) => (f[i - 1] === 'payload' ? '{oops' : v)), 'payload is not JSON'],
  ])('refuses an entry with %s, naming the stream id', (_case, mangle, reason) => {
    const parse = () => parseStreamFields('42-7', mangle(toStreamFields(event)));
    expect(parse).toThrow(MalformedEntryError);
    expect(parse).toThrow(`stream entry 42-7 is not an event: ${reason}`);
  });
});

describe('stream replies', () => {
  it('flattens an XREADGROUP reply and marks entries trimmed while pending', () => {
    const reply = [['hub:events', [['1-0', ['id', 'a']], ['2-0', null]]]];
    expect(entriesOfReadReply(reply)).toEqual([
      { streamId: '1-0', fields: ['id', 'a'] },
      { streamId: '2-0', fields: null },
    ]);
  });

  it('treats a timed-out XREADGROUP (null) as no entries', () => {
    expect(entriesOfReadReply(null)).toEqual([]);
  });

  it('reads the cursor and the claimed entries of an XAUTOCLAIM reply', () => {
    expect(parseAutoclaimReply(['5-0', [['3-0', ['id', 'b']]], ['4-0']])).toEqual({ nextCursor: '5-0', entries: [{ streamId: '3-0', fields: ['id', 'b'] }] });
    expect(parseAutoclaimReply(['0-0', [], []])).toEqual({ nextCursor: '0-0', entries: [] });
  });
});
