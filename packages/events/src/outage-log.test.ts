import { describe, expect, it } from 'vitest';
import { OutageLog } from './outage-log';

function capture() {
  const lines: string[] = [];
  return { lines, logger: { info: (m: string) => lines.push(`info: ${m}`), error: (m: string) => lines.push(`error: ${m}`) } };
}

describe('OutageLog', () => {
  it('logs an outage once however many attempts fail, and its end once', () => {
    const { lines, logger } = capture();
    const outage = new OutageLog(logger, 'outbox relay');
    outage.succeeded();
    for (let i = 0; i < 5; i += 1) outage.failed(new Error('ECONNREFUSED'));
    outage.succeeded();
    outage.succeeded();
    expect(lines).toEqual(['error: outbox relay failed; retrying quietly until it recovers', 'info: outbox relay recovered']);
  });

  it('logs a second outage after a recovery', () => {
    const { lines, logger } = capture();
    const outage = new OutageLog(logger, 'bus');
    outage.failed(new Error('a'));
    outage.succeeded();
    outage.failed(new Error('b'));
    expect(lines.filter((line) => line.startsWith('error'))).toHaveLength(2);
    expect(outage.isDown).toBe(true);
  });
});
