import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '@hub/domain';
import { claimsFromPayload, type Claims } from './claims';
import type { NonceStore } from './nonce-store';

/**
 * The gateway forwards the caller's verified claims to subgraphs and signs them (HMAC-SHA256
 * with a secret only the gateway and the subgraphs hold) together with the exact request body,
 * the subgraph the request is for, a timestamp and a random nonce. A subgraph refuses any
 * request without a valid signature, signed for another subgraph, older than the window, or
 * whose nonce it has already seen: a caller who reaches a subgraph directly can neither skip the
 * gateway nor forge claims, and a captured request cannot be sent again, here or elsewhere.
 */
export const CLAIMS_HEADER = 'x-hub-claims';
export const SUBGRAPH_HEADER = 'x-hub-subgraph';
export const TIMESTAMP_HEADER = 'x-hub-timestamp';
export const NONCE_HEADER = 'x-hub-nonce';
export const SIGNATURE_HEADER = 'x-hub-signature';

/** How long a signature is accepted (either way, for clock skew); a shorter one may be asked for, never a longer one. */
export const SIGNATURE_WINDOW_SECONDS = 60;

export interface SignedHeaders {
  [CLAIMS_HEADER]: string;
  [SUBGRAPH_HEADER]: string;
  [TIMESTAMP_HEADER]: string;
  [NONCE_HEADER]: string;
  [SIGNATURE_HEADER]: string;
}

export interface SignOptions {
  secret: string;
  /** The subgraph that will receive the request; no other accepts it. */
  subgraph: string;
  claims: Claims | null;
  /** The exact bytes sent: the POST body, or the query string of a GET. */
  body: string;
  nowSeconds?: number;
  /** Random unless given (tests). */
  nonce?: string;
}

const SUBGRAPH_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP = /^\d{1,12}$/;

const nowInSeconds = () => Math.floor(Date.now() / 1000);

const NONCE_BYTES = 18;
const NONCES_PER_DRAW = 512;
let randomPool = Buffer.alloc(0);
let poolOffset = 0;

/**
 * A fresh random nonce. The gateway signs every subgraph request: drawing random bytes for 512
 * nonces at a time costs far less than one draw each, and no byte is used twice.
 */
function freshNonce(): string {
  if (poolOffset + NONCE_BYTES > randomPool.length) {
    randomPool = randomBytes(NONCE_BYTES * NONCES_PER_DRAW);
    poolOffset = 0;
  }
  poolOffset += NONCE_BYTES;
  return randomPool.toString('base64url', poolOffset - NONCE_BYTES, poolOffset);
}

// The gateway's claims objects are frozen and shared by every request of a caller: their
// encoding is kept rather than redone for each subgraph request.
const encodedFrozenClaims = new WeakMap<Claims, string>();

function encodeClaims(claims: Claims | null): string {
  const known = claims && encodedFrozenClaims.get(claims);
  if (known) return known;
  const encoded = Buffer.from(JSON.stringify(claims)).toString('base64url');
  if (claims && Object.isFrozen(claims)) encodedFrozenClaims.set(claims, encoded);
  return encoded;
}

// Every field but the body has a fixed alphabet without newlines, so the parts cannot be shifted.
function hmac(secret: string, fields: { subgraph: string; timestamp: string; nonce: string; encodedClaims: string; body: string }): string {
  const { subgraph, timestamp, nonce, encodedClaims, body } = fields;
  return createHmac('sha256', secret).update(`hub-v2\n${subgraph}\n${timestamp}\n${nonce}\n${encodedClaims}\n${body}`).digest('hex');
}

export function signGatewayRequest(options: SignOptions): SignedHeaders {
  if (!SUBGRAPH_NAME.test(options.subgraph)) throw new Error(`Cannot sign for subgraph "${options.subgraph}"`);
  const fields = {
    subgraph: options.subgraph,
    timestamp: String(options.nowSeconds ?? nowInSeconds()),
    nonce: options.nonce ?? freshNonce(),
    encodedClaims: encodeClaims(options.claims),
    body: options.body,
  };
  return {
    [CLAIMS_HEADER]: fields.encodedClaims,
    [SUBGRAPH_HEADER]: fields.subgraph,
    [TIMESTAMP_HEADER]: fields.timestamp,
    [NONCE_HEADER]: fields.nonce,
    [SIGNATURE_HEADER]: hmac(options.secret, fields),
  };
}

export interface VerifyOptions {
  secret: string;
  /** This subgraph's name: a request signed for another is refused. */
  subgraph: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** Where accepted nonces are remembered for the window. */
  nonces: NonceStore;
  nowSeconds?: number;
  /** At most SIGNATURE_WINDOW_SECONDS. */
  windowSeconds?: number;
}

/** Returns the forwarded claims (null for an anonymous internal call), or throws UNAUTHENTICATED. */
export async function verifyGatewayRequest(options: VerifyOptions): Promise<Claims | null> {
  const header = (name: string) => {
    const value = options.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const encodedClaims = header(CLAIMS_HEADER);
  const subgraph = header(SUBGRAPH_HEADER);
  const timestamp = header(TIMESTAMP_HEADER);
  const nonce = header(NONCE_HEADER);
  const signature = header(SIGNATURE_HEADER);
  if (encodedClaims === undefined || subgraph === undefined || timestamp === undefined || nonce === undefined || signature === undefined) {
    throw new UnauthenticatedError('request did not come through the gateway');
  }
  if (subgraph !== options.subgraph) throw new UnauthenticatedError(`gateway signature is for another subgraph, not ${options.subgraph}`);
  if (!TIMESTAMP.test(timestamp) || !NONCE.test(nonce)) throw new UnauthenticatedError('gateway signature is malformed');

  const window = Math.min(options.windowSeconds ?? SIGNATURE_WINDOW_SECONDS, SIGNATURE_WINDOW_SECONDS);
  const now = options.nowSeconds ?? nowInSeconds();
  if (Math.abs(now - Number(timestamp)) > window) throw new UnauthenticatedError('gateway signature has expired');

  const expected = Buffer.from(hmac(options.secret, { subgraph, timestamp, nonce, encodedClaims, body: options.body }), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnauthenticatedError('gateway signature does not match');
  }
  // Only a signature that matched is remembered, so nobody without the secret can fill the store.
  // It must be remembered for as long as its timestamp stays inside the window.
  if (!(await options.nonces.remember(`${subgraph}:${nonce}`, Number(timestamp) + window - now + 1))) {
    throw new UnauthenticatedError('gateway signature has already been used');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8'));
  } catch {
    throw new UnauthenticatedError('forwarded claims are not JSON');
  }
  return payload === null ? null : claimsFromPayload(payload);
}

/**
 * Subscriptions reach a subgraph over graphql-ws, where there are no per-request headers; the
 * gateway puts the same signed fields into the subscribe message's `extensions` instead. There
 * is no exact body to bind to (the gateway prints the query itself), so the signature covers
 * this fixed scope in its place: a stolen value is good for one subscription, as that caller, on
 * that subgraph, within the window, and nothing else.
 */
export const SUBSCRIPTION_AUTH_EXTENSION = 'hubAuth';
const SUBSCRIPTION_SCOPE = 'graphql-ws:subscribe';

export function signSubscription(options: Omit<SignOptions, 'body'>): SignedHeaders {
  return signGatewayRequest({ ...options, body: SUBSCRIPTION_SCOPE });
}

export interface VerifySubscriptionOptions extends Omit<VerifyOptions, 'body' | 'headers'> {
  extensions: Record<string, unknown> | undefined | null;
}

export async function verifySubscription(options: VerifySubscriptionOptions): Promise<Claims | null> {
  const { extensions, ...rest } = options;
  const signed = extensions?.[SUBSCRIPTION_AUTH_EXTENSION];
  if (typeof signed !== 'object' || signed === null) throw new UnauthenticatedError('subscription did not come through the gateway');
  const headers = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name, typeof value === 'string' ? value : undefined]));
  return verifyGatewayRequest({ ...rest, body: SUBSCRIPTION_SCOPE, headers });
}
