import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_WEBHOOK_SECRET_KEY, isSealedSecret, parseSecretKey, WebhookSecretBox } from './webhook-secrets';

const SECRET = 'whsec_k8b2bY0q1mYbXv8v7yW3hT1sGf0aZp4cQx9eR2dN5uL';
const ENDPOINT = '0193b0f6-7f3c-7a11-9b2e-5d0c8e1f2a3b';

describe('WebhookSecretBox', () => {
  const box = new WebhookSecretBox(randomBytes(32));

  it('seals a secret so that neither it nor its encodings appear, and opens it again', () => {
    const sealed = box.seal(SECRET, ENDPOINT);
    expect(isSealedSecret(sealed)).toBe(true);
    expect(sealed).toMatch(new RegExp(`^v1\\.${box.keyId}\\.[\\w-]{16}\\.[\\w-]{22}\\.[\\w-]+$`));
    for (const encoding of [SECRET, Buffer.from(SECRET).toString('base64url'), Buffer.from(SECRET).toString('hex')]) expect(sealed).not.toContain(encoding);
    expect(sealed.length).toBeLessThanOrEqual(255);
    expect(box.open(sealed, ENDPOINT)).toBe(SECRET);
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal(SECRET, ENDPOINT)).not.toBe(box.seal(SECRET, ENDPOINT));
  });

  it('does not open a secret moved to another endpoint, altered, or sealed with another key', () => {
    const sealed = box.seal(SECRET, ENDPOINT);
    expect(() => box.open(sealed, 'another-endpoint')).toThrow();
    const parts = sealed.split('.');
    const flipped = [...parts.slice(0, 4), `${parts[4]!.slice(0, -2)}${parts[4]!.endsWith('AA') ? 'BB' : 'AA'}`].join('.');
    expect(() => box.open(flipped, ENDPOINT)).toThrow();
    const other = new WebhookSecretBox(randomBytes(32));
    expect(() => other.open(sealed, ENDPOINT)).toThrow(`sealed with key ${box.keyId}, but WEBHOOK_SECRET_KEY is key ${other.keyId}`);
    expect(() => box.open(SECRET, ENDPOINT)).toThrow('not a sealed webhook secret');
  });

  it('wants a 32-byte key', () => {
    expect(() => new WebhookSecretBox(randomBytes(16))).toThrow('32 bytes');
    expect(new WebhookSecretBox(DEV_WEBHOOK_SECRET_KEY).keyId).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('parseSecretKey', () => {
  const key = randomBytes(32);

  it('reads 32 bytes as hex, base64 or base64url', () => {
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64url'))).toEqual(key);
    expect(parseSecretKey(` ${key.toString('base64')}\n`)).toEqual(key);
  });

  it('refuses anything else', () => {
    for (const text of ['', 'short', key.subarray(0, 31).toString('hex'), randomBytes(33).toString('base64'), randomBytes(24).toString('base64'), 'z'.repeat(64)]) {
      expect(parseSecretKey(text), text).toBeNull();
    }
  });
});
