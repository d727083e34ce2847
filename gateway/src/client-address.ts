import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';

type Ip = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * TRUSTED_PROXIES entries: IP addresses, CIDR ranges and the keywords below, as written in the
 * setting (see `parseTrustedProxies`). Empty: the TCP peer is the client.
 */
export type TrustedProxies = readonly string[];

/** Keywords for the ranges a load balancer or ingress usually sits in, by ipaddr.js's range names. */
const KEYWORD_RANGES = new Map<string, readonly string[]>([
  ['loopback', ['loopback']], // 127.0.0.0/8, ::1
  ['private', ['private', 'uniqueLocal']], // 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7
  ['linklocal', ['linkLocal']], // 169.254.0.0/16, fe80::/10
]);
export const TRUSTED_PROXY_KEYWORDS = [...KEYWORD_RANGES.keys()];

/**
 * An address in the dotted-quad or IPv6 form only: ipaddr.js also reads `127.1` or `0x7f000001`
 * as IPv4, which no proxy writes. IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack socket
 * reports) becomes the IPv4 address, so one client has one bucket on either stack.
 */
function parseAddress(text: string): Ip | undefined {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text) && !ipaddr.IPv6.isValid(text)) return undefined;
  return ipaddr.process(text);
}

/** An X-Forwarded-For entry: an address, or one with a port as some balancers write it (`1.2.3.4:5678`, `[2001:db8::1]:5678`). */
function parseForwardedEntry(entry: string): Ip | undefined {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) return ipaddr.IPv6.isValid(bracketed[1]!) ? ipaddr.process(bracketed[1]!) : undefined;
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  return parseAddress(withPort ? withPort[1]! : text);
}

/** A range an entry names; an IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) becomes the IPv4 one. */
function parseRange(entry: string): [Ip, number] | undefined {
  const slash = entry.indexOf('/');
  const address = parseAddress(slash === -1 ? entry : entry.slice(0, slash));
  if (!address) return undefined;
  const mappedFrom = slash !== -1 && ipaddr.IPv6.isValid(entry.slice(0, slash)) && address.kind() === 'ipv4';
  const bits = address.kind() === 'ipv4' ? 32 : 128;
  if (slash === -1) return [address, bits];
  const prefix = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return undefined;
  const length = Number(prefix) - (mappedFrom ? 96 : 0);
  return length >= 0 && length <= bits ? [address, length] : undefined;
}

const splitEntries = (text: string) =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

const isValidEntry = (entry: string) => KEYWORD_RANGES.has(entry.toLowerCase()) || parseRange(entry) !== undefined;

/** A TRUSTED_PROXIES value's entries, and those that are neither an address, a CIDR range nor a keyword. */
export function parseTrustedProxies(text: string): { proxies: TrustedProxies; invalid: string[] } {
  const entries = splitEntries(text);
  return { proxies: entries.filter(isValidEntry), invalid: entries.filter((entry) => !isValidEntry(entry)) };
}

/** Whether an address is one of the trusted proxies. */
export function proxyTrust(proxies: TrustedProxies): (address: Ip) => boolean {
  const names = new Set<string>();
  const ranges: [Ip, number][] = [];
  for (const entry of proxies) {
    const keyword = KEYWORD_RANGES.get(entry.toLowerCase());
    if (keyword) {
      for (const name of keyword) names.add(name);
      continue;
    }
    const range = parseRange(entry);
    if (!range) throw new Error(`"${entry}" is not a trusted proxy entry`);
    ranges.push(range);
  }
  return (address) => names.has(address.range()) || ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

/**
 * The client a request is counted and logged against. X-Forwarded-For is read from the right,
 * starting at the TCP peer, and only while the address in hand is a trusted proxy: each proxy
 * appends the peer it saw, so everything left of the first untrusted address is what that
 * address claimed, and a client can write anything there. The first untrusted address is the
 * client.
 *
 * An entry that is not an address stops the walk at its right neighbour, the last hop reached
 * (a trusted proxy): taking the entry itself, or anything left of it, would let whoever wrote it
 * choose their own bucket. A trusted proxy writes the addresses of its peers, so a malformed
 * entry is the client's own text passed through, or a proxy misconfigured; either way the
 * request stays with a hop the gateway saw vouched for.
 */
export function resolveClientAddress(peer: string | undefined, forwardedFor: string | undefined, trusted: (address: Ip) => boolean): string {
  if (peer === undefined) return 'unknown';
  let client = parseAddress(peer);
  if (!client) return peer;
  const hops = forwardedFor === undefined ? [] : forwardedFor.split(',').reverse();
  for (const hop of hops) {
    if (!trusted(client)) break;
    const next = parseForwardedEntry(hop);
    if (!next) break;
    client = next;
  }
  return client.toString();
}

/** The client address of an HTTP request or a graphql-ws upgrade, given the trusted proxies. */
export function createClientAddress(proxies: TrustedProxies): (req: Pick<IncomingMessage, 'headers' | 'socket'>) => string {
  const trusted = proxyTrust(proxies);
  return (req) => {
    const header = proxies.length > 0 ? req.headers['x-forwarded-for'] : undefined;
    // Repeated headers are one list, in order (Node joins them already; this is for the type).
    return resolveClientAddress(req.socket.remoteAddress, Array.isArray(header) ? header.join(',') : header, trusted);
  };
}
