import { describe, expect, it } from 'vitest';
import { ConfigError, databaseUrl, DEV_GATEWAY_SECRET, duration, eventsRetentionConfig, flag, loadConfigs, LOCAL_REDIS_URL, parseConfig, parseDurationSeconds, port, redisUrl, secret, z } from './index';

const problemsOf = (parse: () => unknown): readonly string[] => {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('parseConfig', () => {
  const schema = z.object({ PORT: port(4001), DATABASE_URL: databaseUrl, NAME: z.string().min(1) });

  it('applies defaults and coerces values', () => {
    expect(parseConfig(schema, { NAME: 'x' })).toEqual({ PORT: 4001, DATABASE_URL: undefined, NAME: 'x' });
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(() => parseConfig(schema, { PORT: 'abc', DATABASE_URL: 'postgres://x' }));
    expect(problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'DATABASE_URL', 'NAME']);
  });

  it('adds what production refuses to the same report, naming a variable once', () => {
    const withSecret = z.object({ PORT: port(4001), GATEWAY_SECRET: secret(DEV_GATEWAY_SECRET) });
    const rules = { secrets: ['GATEWAY_SECRET'] };
    expect(parseConfig(withSecret, {}, rules).GATEWAY_SECRET).toBe(DEV_GATEWAY_SECRET);
    expect(problemsOf(() => parseConfig(withSecret, { NODE_ENV: 'production', PORT: 'x' }, rules))).toEqual([
      'PORT: Invalid input: expected number, received NaN',
      'GATEWAY_SECRET: must be set in production',
    ]);
    expect(problemsOf(() => parseConfig(withSecret, { NODE_ENV: 'production', GATEWAY_SECRET: 'short' }, rules))).toEqual([
      'GATEWAY_SECRET: must be at least 32 characters',
    ]);
  });
});

describe('loadConfigs', () => {
  const first = z.object({ PORT: port(4000) });
  const second = z.object({ NAME: z.string().min(1) });

  it('returns each part when all load', () => {
    expect(loadConfigs(() => parseConfig(first, {}), () => parseConfig(second, { NAME: 'hub' }))).toEqual([{ PORT: 4000 }, { NAME: 'hub' }]);
  });

  it('reports the problems of every part in one error', () => {
    expect(problemsOf(() => loadConfigs(() => parseConfig(first, { PORT: 'x' }), () => parseConfig(second, {}))).map((p) => p.split(':')[0])).toEqual([
      'PORT',
      'NAME',
    ]);
  });
});

describe('flag', () => {
  const schema = z.object({ ON: flag(true), OFF: flag(false) });

  it('takes true or false and falls back when unset or blank', () => {
    expect(parseConfig(schema, {})).toEqual({ ON: true, OFF: false });
    expect(parseConfig(schema, { ON: 'false', OFF: 'true' })).toEqual({ ON: false, OFF: true });
    expect(parseConfig(schema, { ON: '', OFF: '' })).toEqual({ ON: true, OFF: false });
  });

  it('refuses anything else rather than guessing', () => {
    expect(problemsOf(() => parseConfig(schema, { ON: 'yes', OFF: '1' }))).toEqual(['ON: must be true or false', 'OFF: must be true or false']);
  });
});

describe('duration', () => {
  it('reads bare seconds and s, m, h, d units', () => {
    expect(['90', '90s', '15m', '24h', '7d'].map(parseDurationSeconds)).toEqual([90, 90, 900, 86_400, 604_800]);
    expect(['', '1w', '-5', '1.5h', 'h'].map(parseDurationSeconds)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('falls back when unset and refuses zero or junk', () => {
    const schema = z.object({ TTL: duration(86_400) });
    expect(parseConfig(schema, {}).TTL).toBe(86_400);
    expect(parseConfig(schema, { TTL: '' }).TTL).toBe(86_400);
    expect(parseConfig(schema, { TTL: '2h' }).TTL).toBe(7200);
    expect(problemsOf(() => parseConfig(schema, { TTL: '0' }))).toEqual(['TTL: must be a positive number of seconds or like 15m, 24h, 7d']);
    expect(problemsOf(() => parseConfig(schema, { TTL: 'a day' })).length).toBe(1);
  });
});

describe('redisUrl', () => {
  const schema = z.object({ REDIS_URL: redisUrl.default(LOCAL_REDIS_URL) });

  it('takes redis:// and rediss:// URLs and falls back to the local Redis when unset', () => {
    expect(parseConfig(schema, {}).REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(parseConfig(schema, { REDIS_URL: 'rediss://cache.internal:6380/2' }).REDIS_URL).toBe('rediss://cache.internal:6380/2');
  });

  it('refuses any other scheme, naming the variable', () => {
    expect(problemsOf(() => parseConfig(schema, { REDIS_URL: 'http://cache.internal' }))).toEqual(['REDIS_URL: must be a redis:// URL']);
  });
});

describe('eventsRetentionConfig', () => {
  // As checkRetentions of @hub/events: the processed-event retention must be the longer.
  const longerProcessed = (outboxMs: number, processedMs: number) => (processedMs > outboxMs ? null : 'processed must outlive outbox');
  const { variables, inOrder, eventsRetention, loadEventsRetention } = eventsRetentionConfig(longerProcessed);

  it('keeps published outbox rows 7 days and processed-event ids 30 days by default', () => {
    expect(loadEventsRetention({})).toEqual({ outboxRetentionMs: 7 * 86_400_000, processedEventRetentionMs: 30 * 86_400_000 });
  });

  it('gives the same settings from a subgraph schema that spreads the variables', () => {
    const schema = z.object({ PORT: port(4001), ...variables }).superRefine(inOrder);
    const env = { OUTBOX_RETENTION: '36h', PROCESSED_EVENT_RETENTION: '14d' };
    expect(eventsRetention(parseConfig(schema, env))).toEqual({ outboxRetentionMs: 36 * 3_600_000, processedEventRetentionMs: 14 * 86_400_000 });
    expect(eventsRetention(parseConfig(schema, env))).toEqual(loadEventsRetention(env));
  });

  it("reports the check's problem on PROCESSED_EVENT_RETENTION and a malformed duration by its variable", () => {
    expect(problemsOf(() => loadEventsRetention({ OUTBOX_RETENTION: '30d', PROCESSED_EVENT_RETENTION: '7d' }))).toEqual([
      'PROCESSED_EVENT_RETENTION: processed must outlive outbox',
    ]);
    expect(problemsOf(() => loadEventsRetention({ OUTBOX_RETENTION: 'soon' }))).toEqual(['OUTBOX_RETENTION: must be a positive number of seconds or like 15m, 24h, 7d']);
  });
});
