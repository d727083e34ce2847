import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '@hub/domain';
import { claimsFromPayload, type Claims } from './claims';

/**
 * The gateway forwards the caller's verified claims to subgraphs and signs them together with
 * the exact request body and a timestamp (HMAC-SHA256 with a secret only the gateway and the
 * subgraphs hold). A subgraph refuses any request without a valid signature, so a caller who
 * reaches a subgraph directly can neither skip the gateway nor forge claims, and a captured
 * request cannot be replayed with another body or, after the tolerance, at all.
 */
export const CLAIMS_HEADER = 'x-hub-claims';
export const TIMESTAMP_HEADER = 'x-hub-timestamp';
export const SIGNATURE_HEADER = 'x-hub-signature';

const DEFAULT_TOLERANCE_SECONDS = 300;

export interface SignedHeaders {
  [CLAIMS_HEADER]: string;
  [TIMESTAMP_HEADER]: string;
  [SIGNATURE_HEADER]: string;
}

function hmac(secret: string, timestamp: string, encodedClaims: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${encodedClaims}.${body}`).digest('hex');
}

export function signGatewayRequest(secret: string, claims: Claims | null, body: string, nowSeconds = Math.floor(Date.now() / 1000)): SignedHeaders {
  const encodedClaims = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const timestamp = String(nowSeconds);
  return {
    [CLAIMS_HEADER]: encodedClaims,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: hmac(secret, timestamp, encodedClaims, body),
  };
}

export interface VerifyOptions {
  secret: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  nowSeconds?: number;
  toleranceSeconds?: number;
}

/** Returns the forwarded claims (null for an anonymous internal call), or throws UNAUTHENTICATED. */
export function verifyGatewayRequest(options: VerifyOptions): Claims | null {
  const header = (name: string) => {
    const value = options.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const encodedClaims = header(CLAIMS_HEADER);
  const timestamp = header(TIMESTAMP_HEADER);
  const signature = header(SIGNATURE_HEADER);
  if (!encodedClaims || !timestamp || !signature) throw new UnauthenticatedError('request did not come through the gateway');

  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const age = Math.abs(now - Number(timestamp));
  if (!Number.isFinite(age) || age > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    throw new UnauthenticatedError('gateway signature has expired');
  }
  const expected = Buffer.from(hmac(options.secret, timestamp, encodedClaims, options.body), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnauthenticatedError('gateway signature does not match');
  }
  const payload: unknown = JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8'));
  return payload === null ? null : claimsFromPayload(payload as Record<string, unknown>);
}

/**
 * Subscriptions reach a subgraph over graphql-ws, where there are no per-request headers; the
 * gateway puts the same signed claims into the subscribe message's `extensions` instead. There
 * is no exact body to bind to (the gateway prints the query itself), so the signature covers the
 * claims, the timestamp and this fixed scope: a stolen value is good for subscribing, as that
 * caller, within the tolerance, and nothing else.
 */
export const SUBSCRIPTION_AUTH_EXTENSION = 'hubAuth';
const SUBSCRIPTION_SCOPE = 'graphql-ws:subscribe';

export function signSubscription(secret: string, claims: Claims | null, nowSeconds?: number): SignedHeaders {
  return signGatewayRequest(secret, claims, SUBSCRIPTION_SCOPE, nowSeconds);
}

export function verifySubscription(secret: string, extensions: Record<string, unknown> | undefined, nowSeconds?: number): Claims | null {
  const signed = extensions?.[SUBSCRIPTION_AUTH_EXTENSION];
  if (!signed || typeof signed !== 'object') throw new UnauthenticatedError('subscription did not come through the gateway');
  return verifyGatewayRequest({ secret, body: SUBSCRIPTION_SCOPE, headers: signed as Record<string, string>, nowSeconds });
}
