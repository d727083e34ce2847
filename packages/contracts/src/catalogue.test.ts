import { describe, expect, it } from 'vitest';
import type { EntityManager } from 'typeorm';
import { InvalidEventError, type DomainEvent } from '@hub/events';
import { catalogue, contractOf, EVENT_TYPES, type EventContract } from './catalogue';
import { defineConsumer } from './consumer';
import { fixtureEnvelope, fixtureFile, fixtureFiles } from './fixtures';
import { recordContractEvent } from './publish';
import { payloadOf } from './validate';

const pairs = Object.entries(catalogue as Record<string, Record<number, EventContract>>).flatMap(([type, versions]) => Object.keys(versions).map((version) => [type, Number(version)] as const));

/** A transaction manager that must not be reached: a refused event never gets as far as the outbox. */
const untouchable = new Proxy({} as EntityManager, {
  get() {
    throw new Error('the outbox was written');
  },
});

describe('the event catalogue', () => {
  it('has exactly one recorded fixture per type and version', () => {
    expect(fixtureFiles()).toEqual(pairs.map(([type, version]) => fixtureFile(type, version)).sort());
  });

  it.each(pairs)('reads the %s v%i fixture whole: its schema accepts it and drops nothing', (type, version) => {
    const envelope = fixtureEnvelope(type, version);
    expect([envelope.type, envelope.version]).toEqual([type, version]);
    const parsed = contractOf(type, version)!.payload.safeParse(envelope.payload);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual(envelope.payload);
  });

  it('knows no version it was not given', () => {
    expect(contractOf('deal.won', 2)).toBeUndefined();
    expect(contractOf('deal.unheard_of', 1)).toBeUndefined();
    expect(EVENT_TYPES).toContain('deal.won');
  });

  it('refuses to publish a payload its schema refuses, naming the field, before the outbox', async () => {
    const payload = { ...payloadOf(fixtureEnvelope('partner.tier_assigned', 1), 'partner.tier_assigned', 1), effectiveFrom: '2026-13-01' };
    await expect(recordContractEvent(untouchable, { type: 'partner.tier_assigned', version: 1, source: 'partners', aggregateId: payload.partnerId, payload }, new Date())).rejects.toThrow(
      new InvalidEventError('partner.tier_assigned v1: effectiveFrom: Invalid ISO date'),
    );
  });

  it('reads amounts as strings of minor units, never as numbers', () => {
    const deal = fixtureEnvelope('deal.won', 1);
    const asNumber = { ...payloadOf(deal, 'deal.won', 1), amountMinor: 11243.25 };
    expect(contractOf('deal.won', 1)!.payload.safeParse(asNumber).success).toBe(false);
  });
});

describe('a consumer declared against the catalogue', () => {
  const applied: string[] = [];
  const consumer = defineConsumer('test.partners', {
    'partner.created': {
      1: async (partner) => {
        applied.push(partner.name);
      },
    },
  });

  it('derives its types from its handlers', () => {
    expect(consumer.types).toEqual(['partner.created']);
  });

  it('hands its handler the parsed payload of a known version', async () => {
    const route = consumer.dispatch(fixtureEnvelope('partner.created', 1));
    expect(route?.ok).toBe(true);
    if (route?.ok) await route.apply(untouchable);
    expect(applied).toEqual(['Alpha Sécurité SARL']);
  });

  it('routes to parking a payload that fails the schema, and a version it has no handler for', () => {
    const created = fixtureEnvelope('partner.created', 1);
    const bad: DomainEvent = { ...created, payload: { ...payloadOf(created, 'partner.created', 1), segmentFocus: 'GALACTIC' } };
    expect(consumer.dispatch(bad)).toEqual({ ok: false, reason: expect.stringContaining('segmentFocus') });
    expect(consumer.dispatch({ ...created, version: 2 })).toEqual({ ok: false, reason: expect.stringContaining('unknown version 2 of partner.created') });
  });

  it('leaves alone the types it does not handle', () => {
    expect(consumer.dispatch(fixtureEnvelope('deal.won', 1))).toBeNull();
  });

  it('cannot be declared for a version the catalogue does not have', () => {
    // The handler table is typed by the catalogue; the cast stands for a handler written against a version that does not exist.
    const handlers = { 'partner.created': { 2: async () => undefined } } as unknown as Parameters<typeof defineConsumer>[1];
    expect(() => defineConsumer('test.future', handlers)).toThrow('test.future: partner.created v2 is not in the event catalogue');
  });
});
