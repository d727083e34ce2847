import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_GATEWAY_SECRET, DEV_JWT_SECRET } from '@hub/config';
import { DEFAULT_SUPERGRAPH_PATH, loadEmbeddedConfig, loadGatewayConfig, subgraphDatabaseUrl } from './config';

const problemsOf = (load: () => unknown): string[] => {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.split(':')[0]!);
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadGatewayConfig', () => {
  it('runs with development defaults and the committed supergraph when nothing is set', () => {
    expect(loadGatewayConfig({}, ['partners'])).toEqual({
      port: 4000,
      host: '0.0.0.0',
      supergraphPath: DEFAULT_SUPERGRAPH_PATH,
      jwt: { secret: DEV_JWT_SECRET, jwksUrl: undefined, issuer: undefined, audience: undefined, maxTtlSeconds: 24 * 3600 },
      gatewaySecret: DEV_GATEWAY_SECRET,
      subgraphUrls: { partners: undefined },
      redisUrl: undefined,
      queryPlanner: 'rust',
      shutdownTimeoutMs: 25_000,
      production: false,
      ide: true,
      introspection: true,
      metrics: true,
    });
  });

  it('takes a location override per subgraph and treats an empty variable as unset', () => {
    const config = loadGatewayConfig({ PARTNERS_URL: 'http://partners:4001/graphql', DEALS_URL: '', JWKS_URL: '' }, ['partners', 'deals']);
    expect(config.subgraphUrls).toEqual({ partners: 'http://partners:4001/graphql', deals: undefined });
    expect(config.jwt.jwksUrl).toBeUndefined();
  });

  it('reports every bad variable at once', () => {
    const env = { PORT: 'eighty', JWT_SECRET: 'short', GATEWAY_SECRET: 'short', JWKS_URL: 'not a url', PARTNERS_URL: 'partners:4001' };
    expect(problemsOf(() => loadGatewayConfig(env, ['partners'])).sort()).toEqual([
      'GATEWAY_SECRET',
      'JWKS_URL',
      'JWT_AUDIENCE',
      'JWT_ISSUER',
      'JWT_SECRET',
      'PARTNERS_URL',
      'PORT',
    ]);
  });
});

describe('production mode', () => {
  const strong = { JWT_SECRET: 'p'.repeat(40), GATEWAY_SECRET: 'g'.repeat(40) };
  const production = { NODE_ENV: 'production', ...strong };

  it('refuses the development secrets and names both variables in one report', () => {
    const env = { NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET, GATEWAY_SECRET: DEV_GATEWAY_SECRET };
    expect(problemsOf(() => loadGatewayConfig(env, ['partners'])).sort()).toEqual(['GATEWAY_SECRET', 'JWT_SECRET']);
    // The embedded hub runs deals too, so deals' webhook key is in the same report.
    expect(problemsOf(() => loadEmbeddedConfig(env, [])).sort()).toEqual(['GATEWAY_SECRET', 'JWT_SECRET', 'WEBHOOK_SECRET_KEY']);
  });

  it('refuses unset secrets rather than falling back to the development ones', () => {
    expect(problemsOf(() => loadGatewayConfig({ NODE_ENV: 'production' }, [])).sort()).toEqual(['GATEWAY_SECRET', 'JWT_SECRET']);
  });

  it('starts on a JWKS with issuer and audience and no JWT secret', () => {
    const env = { NODE_ENV: 'production', GATEWAY_SECRET: strong.GATEWAY_SECRET, JWKS_URL: 'https://id.example/jwks', JWT_ISSUER: 'https://id.example/', JWT_AUDIENCE: 'hub' };
    expect(loadGatewayConfig(env, []).jwt.jwksUrl).toBe('https://id.example/jwks');
    expect(problemsOf(() => loadGatewayConfig({ ...env, JWT_AUDIENCE: '' }, []))).toEqual(['JWT_AUDIENCE']);
  });

  it('turns the IDE and introspection off by default, and lets each be switched on', () => {
    expect(loadGatewayConfig(production, [])).toMatchObject({ production: true, ide: false, introspection: false });
    expect(loadEmbeddedConfig({ ...production, WEBHOOK_SECRET_KEY: 'k'.repeat(44), GRAPHQL_IDE: 'true' }, [])).toMatchObject({ ide: true, introspection: false });
    expect(loadGatewayConfig({ GRAPHQL_IDE: 'false', INTROSPECTION: 'false' }, [])).toMatchObject({ production: false, ide: false, introspection: false });
  });

  it('serves metrics on the gateway port outside production, not in production unless asked, and on METRICS_PORT alone when set', () => {
    expect(loadGatewayConfig({}, []).metrics).toBe(true);
    expect(loadGatewayConfig(production, []).metrics).toBe(false);
    expect(loadGatewayConfig({ ...production, METRICS: 'true' }, []).metrics).toBe(true);
    expect(loadGatewayConfig({ METRICS: 'false' }, []).metrics).toBe(false);
    expect(loadGatewayConfig({ ...production, METRICS_PORT: '9464' }, []).metrics).toEqual({ port: 9464 });
    expect(loadEmbeddedConfig({ METRICS_PORT: '' }, []).metrics).toBe(true);
    expect(problemsOf(() => loadGatewayConfig({ METRICS_PORT: 'ninety' }, []))).toEqual(['METRICS_PORT']);
    expect(problemsOf(() => loadGatewayConfig({ METRICS: 'yes' }, []))).toEqual(['METRICS']);
  });

  it('reads JWT_MAX_TTL as seconds or with a unit', () => {
    expect(loadGatewayConfig({ JWT_MAX_TTL: '3600' }, []).jwt.maxTtlSeconds).toBe(3600);
    expect(loadEmbeddedConfig({ JWT_MAX_TTL: '8h' }, []).jwt.maxTtlSeconds).toBe(8 * 3600);
    expect(problemsOf(() => loadGatewayConfig({ JWT_MAX_TTL: 'forever' }, []))).toEqual(['JWT_MAX_TTL']);
  });
});

describe('loadEmbeddedConfig', () => {
  const modules = [
    { name: 'partners', defaultPort: 4001 },
    { name: 'deals', defaultPort: 4002 },
  ];

  it('puts each subgraph on its default port unless <NAME>_PORT says otherwise', () => {
    const config = loadEmbeddedConfig({ DEALS_PORT: '0', PORT: '0' }, modules);
    expect(config.subgraphPorts).toEqual({ partners: 4001, deals: 0 });
    expect(config.port).toBe(0);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('runs the demo activity unless DEMO_ACTIVITY is false, and refuses anything else', () => {
    expect(loadEmbeddedConfig({}, modules).demoActivity).toBe(true);
    expect(loadEmbeddedConfig({ DEMO_ACTIVITY: '' }, modules).demoActivity).toBe(true);
    expect(loadEmbeddedConfig({ DEMO_ACTIVITY: 'false' }, modules).demoActivity).toBe(false);
    expect(problemsOf(() => loadEmbeddedConfig({ DEMO_ACTIVITY: 'no' }, modules))).toEqual(['DEMO_ACTIVITY']);
  });

  it('reports a non-MySQL DATABASE_URL and a bad port together', () => {
    expect(problemsOf(() => loadEmbeddedConfig({ DATABASE_URL: 'postgres://db/hub', PARTNERS_PORT: '70000' }, modules)).sort()).toEqual([
      'DATABASE_URL',
      'PARTNERS_PORT',
    ]);
  });
});

describe('subgraphDatabaseUrl', () => {
  it('gives each subgraph its own database next to the configured one', () => {
    expect(subgraphDatabaseUrl('mysql://hub:secret@db:3306/hub', 'partners')).toBe('mysql://hub:secret@db:3306/hub_partners');
  });

  it('keeps credentials, port and options and uses "hub" when the URL names no database', () => {
    expect(subgraphDatabaseUrl('mysql://root:p%40ss@127.0.0.1:3307?connectionLimit=5', 'deals')).toBe(
      'mysql://root:p%40ss@127.0.0.1:3307/hub_deals?connectionLimit=5',
    );
    expect(subgraphDatabaseUrl('mysql://root@localhost/', 'licenses')).toBe('mysql://root@localhost/hub_licenses');
  });
});

describe('production start', () => {
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  /** Runs an entry point as `pnpm start` / docker would, with only the given environment. */
  const start = (entry: string, env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', entry], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
      );
    });
  const withDevelopmentSecrets = { NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET, GATEWAY_SECRET: DEV_GATEWAY_SECRET };

  it('refuses to start the gateway, the embedded hub and a subgraph on development secrets, naming each variable once', async () => {
    // Should the embedded hub start after all, its files go here rather than into the repository.
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-prod-'));
    const [gateway, embedded, partners] = await Promise.all([
      start('gateway/src/index.ts', withDevelopmentSecrets),
      start('gateway/src/embedded.ts', { ...withDevelopmentSecrets, DATA_DIR: dataDir }),
      start('subgraphs/partners/src/main.ts', withDevelopmentSecrets),
    ]).finally(() => rmSync(dataDir, { recursive: true, force: true }));
    for (const refused of [gateway, embedded]) {
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('Invalid configuration:');
      expect(refused.stderr).toContain('  - JWT_SECRET: is a published development secret');
      expect(refused.stderr).toContain('  - GATEWAY_SECRET: is a published development secret');
      // One report, not a stack trace.
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    }
    expect(partners.code).toBe(1);
    expect(partners.stderr).toContain('  - GATEWAY_SECRET: is a published development secret');
    expect(partners.stderr).not.toContain('JWT_SECRET');
  }, 90_000);
});
