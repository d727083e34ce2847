import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Webhook signing secrets at rest. Deliveries need the secret itself (to sign), so it cannot be
 * hashed like a password; it is sealed with AES-256-GCM instead, and a copy of the database
 * without the key tells nothing. A sealed value reads
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts): the format version, then which key
 * sealed it — the first 8 hex digits of the key's SHA-256 — so a deployment that changed
 * WEBHOOK_SECRET_KEY gets a clear error rather than a failed authentication tag. The endpoint
 * id is the additional authenticated data: a sealed secret copied onto another endpoint's row
 * does not open.
 */
export class WebhookSecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`a webhook secret key is ${KEY_BYTES} bytes, got ${key.length}`);
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  seal(secret: string, endpointId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(endpointId));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [FORMAT, this.keyId, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  open(sealed: string, endpointId: string): string {
    const [format, keyId, iv, tag, ciphertext, ...rest] = sealed.split('.');
    if (format !== FORMAT || !keyId || !iv || !tag || ciphertext === undefined || rest.length > 0) throw new Error('not a sealed webhook secret');
    if (keyId !== this.keyId) throw new Error(`webhook secret sealed with key ${keyId}, but WEBHOOK_SECRET_KEY is key ${this.keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(endpointId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

const FORMAT = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** Whether a stored secret is sealed; rows written before encryption hold it in clear until startup seals them. */
export function isSealedSecret(stored: string): boolean {
  return stored.startsWith(`${FORMAT}.`);
}

/** WEBHOOK_SECRET_KEY: 32 bytes written as 64 hex digits or as base64 (either alphabet); null when it is neither. */
export function parseSecretKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) return null;
  const key = Buffer.from(trimmed, 'base64url');
  return key.length === KEY_BYTES ? key : null;
}

/**
 * Development and tests only: a fixed key derived from a published phrase, so a laptop needs no
 * set-up and its database survives restarts. It protects nothing, which is why the deals config
 * refuses to load without WEBHOOK_SECRET_KEY when NODE_ENV=production.
 */
export const DEV_WEBHOOK_SECRET_KEY: Buffer = createHash('sha256').update('partner-program-hub development webhook secret key').digest();
