import { describe, expect, it } from 'vitest';
import { ConfigError, databaseUrl, DEV_GATEWAY_SECRET, duration, flag, loadConfigs, parseConfig, parseDurationSeconds, port, secret, z } from './index';

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
