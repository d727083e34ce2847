import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEAL_EVENT_KINDS, EVENT_TYPES } from '@hub/contracts';
import { fixedClock } from '@hub/domain';
import { webhooksConsumer } from '../services/webhooks.consumer';
import {
  redactedWebhookUrl,
  afterWebhookAttempt,
  eventTypeNames,
  statementDistributor,
  subscribedEventTypes,
  WEBHOOK_EVENT_TYPES,
  defaultWebhookRetry,
  validateWebhookUrl,
  verifyWebhookSignature,
  webhookBody,
  webhookRetryDelayMs,
  webhookSignature,
} from './webhooks';

const SECRET = 'whsec_test-secret';
const NOW = new Date('2026-06-15T10:00:00.000Z');
const TS = Math.floor(NOW.getTime() / 1000);

describe('validateWebhookUrl', () => {
  it('accepts http and https URLs and trims them', () => {
    expect(validateWebhookUrl(' https://hooks.distri.example/deals?x=1 ')).toBe('https://hooks.distri.example/deals?x=1');
    expect(validateWebhookUrl('http://127.0.0.1:8080/in')).toBe('http://127.0.0.1:8080/in');
  });

  it.each([
    ['', 'must not be empty'],
    ['not a url', 'is not an absolute URL'],
    ['/relative/path', 'is not an absolute URL'],
    ['ftp://files.example/in', 'must be http or https'],
    ['javascript:alert(1)', 'must be http or https'],
    ['https://user:pass@hooks.example/in', 'must not contain credentials'],
    ['https://token@hooks.example/in', 'must not contain credentials'],
  ])('refuses %j as BAD_USER_INPUT on url (%s)', (url, reason) => {
    expect(() => validateWebhookUrl(url)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'url', message: expect.stringContaining(reason) }));
  });

  it('accepts exactly 2,000 characters and refuses 2,001', () => {
    const prefix = 'https://hooks.example/';
    expect(validateWebhookUrl(prefix + 'a'.repeat(2000 - prefix.length))).toHaveLength(2000);
    expect(() => validateWebhookUrl(prefix + 'a'.repeat(2001 - prefix.length))).toThrow(expect.objectContaining({ field: 'url', message: expect.stringContaining('at most 2000') }));
  });
});

describe('webhook body', () => {
  it('carries the event id, type, payload version, time and data, in that order', () => {
    const body = webhookBody({ id: 'evt-1', type: 'license.expiring', version: 1, occurredAt: NOW.toISOString(), data: { daysLeft: 30 } });
    expect(body).toBe(`{"id":"evt-1","type":"license.expiring","version":1,"occurredAt":"${NOW.toISOString()}","data":{"daysLeft":30}}`);
  });
});

describe('webhook signature', () => {
  const body = webhookBody({ id: 'evt-1', type: 'deal.won', version: 1, occurredAt: NOW.toISOString(), data: { dealId: 'd-1', amountMinor: '1999' } });

  it('is the hex HMAC-SHA256 of "<timestamp>.<body>" with the secret', () => {
    const expected = createHmac('sha256', SECRET).update(`${TS}.${body}`).digest('hex');
    expect(webhookSignature(SECRET, TS, body)).toBe(`sha256=${expected}`);
  });

  it('verifies a genuine delivery at the edge of the tolerance window', () => {
    const header = webhookSignature(SECRET, TS, body);
    expect(verifyWebhookSignature(SECRET, String(TS), body, header, 300, NOW)).toBe(true);
    expect(verifyWebhookSignature(SECRET, TS, Buffer.from(body), header, 300, new Date(NOW.getTime() + 300_000))).toBe(true);
  });

  it('refuses a delivery one second older than the tolerance (a replay)', () => {
    const header = webhookSignature(SECRET, TS, body);
    expect(verifyWebhookSignature(SECRET, TS, body, header, 300, new Date(NOW.getTime() + 301_000))).toBe(false);
  });

  it('refuses a changed body, another secret, a moved timestamp and missing or malformed headers', () => {
    const header = webhookSignature(SECRET, TS, body);
    expect(verifyWebhookSignature(SECRET, TS, body.replace('1999', '9999'), header, 300, NOW)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', TS, body, header, 300, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS + 1, body, header, 300, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, body, undefined, 300, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, null, body, header, 300, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, '12abc', body, header, 300, NOW)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TS, body, header.slice(0, -1), 300, NOW)).toBe(false);
  });
});

describe('webhook retry schedule', () => {
  it('waits 10 s after the first failure, doubling each time, with up to 20 % jitter', () => {
    expect([1, 2, 3, 4].map((n) => webhookRetryDelayMs(n, defaultWebhookRetry, 0))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(webhookRetryDelayMs(1, defaultWebhookRetry, 0.999_999)).toBe(12_000);
  });

  it('never waits more than an hour', () => {
    expect(webhookRetryDelayMs(9, defaultWebhookRetry, 0)).toBe(2_560_000);
    expect(webhookRetryDelayMs(10, defaultWebhookRetry, 0)).toBe(3_600_000);
    expect(webhookRetryDelayMs(50, defaultWebhookRetry, 0.999)).toBe(3_600_000);
  });

  it('delivers on any 2xx and not on a redirect', () => {
    expect(afterWebhookAttempt(1, 204, defaultWebhookRetry, NOW, 0)).toEqual({ status: 'DELIVERED' });
    expect(afterWebhookAttempt(1, 302, defaultWebhookRetry, NOW, 0)).toEqual({ status: 'PENDING', nextAttemptAt: new Date(NOW.getTime() + 10_000) });
  });

  it('retries a failure before the 8th attempt and gives up after it', () => {
    expect(afterWebhookAttempt(7, null, defaultWebhookRetry, NOW, 0)).toEqual({ status: 'PENDING', nextAttemptAt: new Date(NOW.getTime() + 640_000) });
    expect(afterWebhookAttempt(8, 500, defaultWebhookRetry, NOW, 0)).toEqual({ status: 'FAILED' });
  });
});

describe('webhook event types', () => {
  it('offers every deal event deals publishes, under its dotted type', () => {
    const dealTypes = Object.values(WEBHOOK_EVENT_TYPES).filter((type) => type.startsWith('deal.'));
    expect(dealTypes.sort()).toEqual(DEAL_EVENT_KINDS.map((kind) => `deal.${kind.toLowerCase()}`).sort());
  });

  it('offers the licence, usage statement and incentive statement events distributors act on, each a catalogued type', () => {
    expect(Object.entries(WEBHOOK_EVENT_TYPES).filter(([, type]) => !type.startsWith('deal.'))).toEqual([
      ['LICENSE_ISSUED', 'license.issued'],
      ['LICENSE_RENEWED', 'license.renewed'],
      ['LICENSE_EXPIRING', 'license.expiring'],
      ['USAGE_STATEMENT_ISSUED', 'usage.statement_issued'],
      ['STATEMENT_APPROVED', 'statement.approved'],
      ['STATEMENT_PAID', 'statement.paid'],
    ]);
    for (const type of Object.values(WEBHOOK_EVENT_TYPES)) expect(EVENT_TYPES).toContain(type);
  });

  it('sends an incentive statement to its payee when that is a distributor, and a partner\'s to no one', () => {
    expect(statementDistributor({ payeeKind: 'DISTRIBUTOR', payeeId: 'dist-1' })).toBe('dist-1');
    expect(statementDistributor({ payeeKind: 'PARTNER', payeeId: 'partner-1' })).toBeNull();
  });

  it('keeps a subscription sorted and once each, every type when none is named, and refuses an empty list', () => {
    expect(subscribedEventTypes(['DEAL_WON', 'DEAL_APPROVED', 'DEAL_WON'])).toEqual(['deal.approved', 'deal.won']);
    expect(subscribedEventTypes(undefined)).toBeNull();
    expect(() => subscribedEventTypes([])).toThrow(/eventTypes/);
    expect(eventTypeNames(['deal.won'])).toEqual(['DEAL_WON']);
    expect(eventTypeNames(null)).toHaveLength(DEAL_EVENT_KINDS.length + 6);
  });
});

describe('a webhook URL shown to a reader who is not its owner', () => {
  it('keeps the host and path, and hides the user, the password and every query value', () => {
    expect(redactedWebhookUrl('https://svc:pa55@hooks.example.com/in/42?token=abc&token=def&x=1')).toBe('https://hooks.example.com/in/42?token=REDACTED&x=REDACTED');
    expect(redactedWebhookUrl('https://hooks.example.com/in')).toBe('https://hooks.example.com/in');
    expect(redactedWebhookUrl('not a url')).toBe('(unreadable URL)');
  });
});

describe('the webhooks consumer', () => {
  it('consumes exactly the types an endpoint can subscribe to', () => {
    expect([...webhooksConsumer(fixedClock('2026-06-15T10:00:00Z')).types].sort()).toEqual(Object.values(WEBHOOK_EVENT_TYPES).sort());
  });
});
