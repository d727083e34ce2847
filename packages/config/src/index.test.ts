import { describe, expect, it } from 'vitest';
import { ConfigError, databaseUrl, parseConfig, port, z } from './index';

describe('parseConfig', () => {
  const schema = z.object({ PORT: port(4001), DATABASE_URL: databaseUrl, NAME: z.string().min(1) });

  it('applies defaults and coerces values', () => {
    expect(parseConfig(schema, { NAME: 'x' })).toEqual({ PORT: 4001, DATABASE_URL: undefined, NAME: 'x' });
  });

  it('reports every problem at once', () => {
    try {
      parseConfig(schema, { PORT: 'abc', DATABASE_URL: 'postgres://x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'DATABASE_URL', 'NAME']);
    }
  });
});
