import { describe, expect, it } from 'vitest';
import { jwksProblems, productionProblems, secretProblem } from './production';
import { DEV_GATEWAY_SECRET, DEV_JWT_SECRET } from './secrets';

const strong = 'a-production-secret-of-32-bytes!';
const gateway = { secrets: ['GATEWAY_SECRET'], verifiesTokens: true } as const;
const subgraph = { secrets: ['GATEWAY_SECRET'] } as const;
const variables = (problems: string[]) => problems.map((p) => p.split(':')[0]);

describe('secretProblem', () => {
  it('refuses both published development secrets whatever their length', () => {
    expect(secretProblem(DEV_JWT_SECRET)).toMatch(/development secret/);
    expect(secretProblem(DEV_GATEWAY_SECRET)).toMatch(/development secret/);
  });

  it('counts bytes, not characters: 31 bytes fail and 32 pass', () => {
    expect(secretProblem('x'.repeat(31))).toBe('must be at least 32 bytes (has 31)');
    expect(secretProblem('x'.repeat(32))).toBeUndefined();
    // 16 two-byte characters are 32 bytes.
    expect(secretProblem('é'.repeat(16))).toBeUndefined();
  });
});

describe('productionProblems', () => {
  it('asks nothing outside production, even of development secrets', () => {
    expect(productionProblems({}, gateway)).toEqual([]);
    expect(productionProblems({ NODE_ENV: 'development', GATEWAY_SECRET: DEV_GATEWAY_SECRET }, gateway)).toEqual([]);
  });

  it('names every offending variable of a gateway at once', () => {
    const problems = productionProblems({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET, GATEWAY_SECRET: 'short' }, gateway);
    expect(problems).toEqual(['GATEWAY_SECRET: must be at least 32 bytes (has 5)', 'JWT_SECRET: is a published development secret']);
  });

  it('needs JWT_SECRET or JWKS_URL and a gateway secret', () => {
    expect(variables(productionProblems({ NODE_ENV: 'production' }, gateway))).toEqual(['GATEWAY_SECRET', 'JWT_SECRET']);
    expect(productionProblems({ NODE_ENV: 'production', JWKS_URL: 'https://id.example/jwks', GATEWAY_SECRET: strong }, gateway)).toEqual([]);
    expect(productionProblems({ NODE_ENV: 'production', JWT_SECRET: strong, GATEWAY_SECRET: strong }, gateway)).toEqual([]);
  });

  it('treats a blank secret as unset', () => {
    expect(variables(productionProblems({ NODE_ENV: 'production', JWT_SECRET: '', GATEWAY_SECRET: '' }, gateway))).toEqual(['GATEWAY_SECRET', 'JWT_SECRET']);
  });

  it('holds a subgraph to its gateway secret only', () => {
    expect(productionProblems({ NODE_ENV: 'production', GATEWAY_SECRET: DEV_GATEWAY_SECRET }, subgraph)).toEqual([
      'GATEWAY_SECRET: is a published development secret',
    ]);
    expect(productionProblems({ NODE_ENV: 'production', GATEWAY_SECRET: strong }, subgraph)).toEqual([]);
  });
});

describe('jwksProblems', () => {
  it('requires issuer and audience with a JWKS in every mode', () => {
    expect(jwksProblems({ JWKS_URL: 'https://id.example/jwks' })).toEqual(['JWT_ISSUER: is required with JWKS_URL', 'JWT_AUDIENCE: is required with JWKS_URL']);
    expect(jwksProblems({ JWKS_URL: 'https://id.example/jwks', JWT_ISSUER: 'https://id.example/', JWT_AUDIENCE: 'hub' })).toEqual([]);
    expect(jwksProblems({ JWT_SECRET: strong })).toEqual([]);
  });
});
