import { describe, expect, it } from 'vitest';
import { InvalidEventError, checkNewEvent } from './envelope';

const base = { type: 'deal.won', source: 'deals', aggregateId: 'deal-1' };

describe('checkNewEvent', () => {
  it('defaults the version to 1', () => {
    expect(checkNewEvent({ ...base, payload: {} }).version).toBe(1);
  });

  it('returns the payload that consumers will see, a JSON copy', () => {
    const closedOn = new Date('2026-06-15T00:00:00Z');
    const payload = { closedOn, note: undefined, seats: 5 };
    expect(checkNewEvent({ ...base, payload }).payload).toEqual({ closedOn: '2026-06-15T00:00:00.000Z', seats: 5 });
  });

  it('refuses a bigint amount, saying to send it as a string', () => {
    expect(() => checkNewEvent({ ...base, payload: { amount: 100n } })).toThrow(/send bigint amounts as strings/);
  });

  it.each([
    ['an empty type', { ...base, type: ' ' }],
    ['an empty source', { ...base, source: '' }],
    ['an empty aggregate id', { ...base, aggregateId: '' }],
    ['version 0', { ...base, version: 0 }],
    ['a fractional version', { ...base, version: 1.5 }],
  ])('refuses %s', (_case, event) => {
    expect(() => checkNewEvent({ ...event, payload: {} })).toThrow(InvalidEventError);
  });

  it('refuses a payload JSON cannot express at all', () => {
    expect(() => checkNewEvent({ ...base, payload: undefined })).toThrow(InvalidEventError);
  });
});
