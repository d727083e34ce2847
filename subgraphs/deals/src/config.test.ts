import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventsRetention, loadDealFeedSettings, loadDealsConfig, loadEventsRetention, loadWebhookSecurity } from './config';
import { DEV_WEBHOOK_SECRET_KEY } from './services/webhook-secrets';

describe('deals webhook configuration', () => {
  it('defaults to public receivers only, the development key and a 24 h overlap outside production', () => {
    expect(loadWebhookSecurity({})).toEqual({ allowPrivate: false, httpsOnly: false, secretKey: DEV_WEBHOOK_SECRET_KEY, secretOverlapMs: 86_400_000 });
  });

  it('reads the switch, the key and the overlap', () => {
    const key = randomBytes(32);
    expect(loadWebhookSecurity({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_SECRET_KEY: key.toString('base64'), WEBHOOK_SECRET_OVERLAP: '30m' })).toEqual({
      allowPrivate: true,
      httpsOnly: false,
      secretKey: key,
      secretOverlapMs: 1_800_000,
    });
  });

  it('refuses to load in production without WEBHOOK_SECRET_KEY, naming it with the other problems', () => {
    expect(() => loadDealsConfig({ NODE_ENV: 'production', PORT: 'abc' })).toThrow(/PORT[\s\S]*WEBHOOK_SECRET_KEY: must be set in production/);
    expect(() => loadWebhookSecurity({ NODE_ENV: 'production' })).toThrow('WEBHOOK_SECRET_KEY: must be set in production');
  });

  it('delivers over https only in production', () => {
    expect(loadWebhookSecurity({ NODE_ENV: 'production', WEBHOOK_SECRET_KEY: randomBytes(32).toString('hex') }).httpsOnly).toBe(true);
  });

  it('refuses a key that is not 32 bytes and an overlap that is not a duration', () => {
    expect(() => loadWebhookSecurity({ WEBHOOK_SECRET_KEY: randomBytes(16).toString('hex'), WEBHOOK_SECRET_OVERLAP: 'soon', WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(
      /WEBHOOK_ALLOW_PRIVATE[\s\S]*WEBHOOK_SECRET_KEY: must be 32 bytes[\s\S]*WEBHOOK_SECRET_OVERLAP/,
    );
  });
});

describe('deals events retention', () => {
  it('keeps published outbox rows 7 days and processed-event ids 30 days by default', () => {
    expect(loadEventsRetention({})).toEqual({ outboxRetentionMs: 7 * 86_400_000, processedEventRetentionMs: 30 * 86_400_000 });
    expect(eventsRetention(loadDealsConfig({}))).toEqual(loadEventsRetention({}));
  });

  it('reads durations with units', () => {
    expect(loadEventsRetention({ OUTBOX_RETENTION: '36h', PROCESSED_EVENT_RETENTION: '14d' })).toEqual({ outboxRetentionMs: 36 * 3_600_000, processedEventRetentionMs: 14 * 86_400_000 });
  });

  it('refuses a processed-event retention not longer than the outbox retention, naming the variable', () => {
    expect(() => loadEventsRetention({ OUTBOX_RETENTION: '30d', PROCESSED_EVENT_RETENTION: '7d' })).toThrow(/PROCESSED_EVENT_RETENTION: the processed-event retention must be longer/);
    expect(() => loadDealsConfig({ OUTBOX_RETENTION: '30d' })).toThrow(/PROCESSED_EVENT_RETENTION/);
    expect(() => loadEventsRetention({ OUTBOX_RETENTION: 'soon' })).toThrow(/OUTBOX_RETENTION/);
  });
});

describe('deal feed configuration', () => {
  it('keeps 30 days and polls every second by default', () => {
    expect(loadDealFeedSettings({})).toEqual({ retentionMs: 30 * 86_400_000, pollMs: 1_000 });
  });

  it('reads a retention as a duration and refuses a poll interval out of bounds, naming the variable', () => {
    expect(loadDealFeedSettings({ DEAL_FEED_RETENTION: '90d', DEAL_FEED_POLL_MS: '250' })).toEqual({ retentionMs: 90 * 86_400_000, pollMs: 250 });
    expect(() => loadDealFeedSettings({ DEAL_FEED_POLL_MS: '10' })).toThrow(/DEAL_FEED_POLL_MS/);
    expect(() => loadDealFeedSettings({ DEAL_FEED_RETENTION: 'a month' })).toThrow(/DEAL_FEED_RETENTION/);
  });
});
