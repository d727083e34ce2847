import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/**
 * Where webhook deliveries may go. The hub POSTs to URLs its callers chose, so without these
 * checks a distributor could make it call its own subgraphs, the database or the cloud
 * metadata service (SSRF). The same rules run when an endpoint is registered and on every
 * address a delivery connects to, because a host name may resolve elsewhere by then (DNS
 * rebinding).
 */
export interface EgressPolicy {
  /** Loopback, private, link-local, unique-local and CGNAT receivers: local development and tests only. */
  allowPrivate: boolean;
  /** Production delivers over TLS only: signed deal events must not cross the network in clear. */
  httpsOnly: boolean;
}

/** Resolves a host name to every address it has, as the delivery's connection would. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const resolveWithDns: ResolveHost = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/**
 * Cloud instance metadata services hand out credentials to whoever asks from inside. Refused by
 * name and by address even where private receivers are allowed, since no local receiver lives there.
 */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.internal']);
const METADATA_ADDRESSES = ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200'];
const METADATA_PARSED = new Set(METADATA_ADDRESSES.map((address) => ipaddr.parse(address).toNormalizedString()));

/** The ipaddr.js ranges `allowPrivate` opens: what a receiver on a laptop or a private network has. */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'linkLocal', 'uniqueLocal', 'carrierGradeNat']);

const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  carrierGradeNat: 'carrier-grade NAT',
  multicast: 'multicast',
  broadcast: 'broadcast',
  unspecified: 'unspecified',
  reserved: 'reserved',
  ipv4Mapped: 'IPv4-mapped IPv6',
  rfc6052: 'NAT64 (IPv4-embedded IPv6)',
  rfc6145: 'IPv4-translated IPv6',
  '6to4': '6to4 (IPv4-embedded IPv6)',
  teredo: 'Teredo (IPv4-embedded IPv6)',
};

/**
 * Why a delivery may not connect to `address`, or null when it may. Only ipaddr.js's "unicast"
 * (public) range passes — the rule request-filtering-agent applies — plus, with `allowPrivate`,
 * the private ranges. Our own additions are the gaps of both libraries: metadata addresses,
 * which stay refused with `allowPrivate`, and IPv4-compatible IPv6 (::a.b.c.d), which ipaddr.js
 * calls unicast.
 */
export function refusedAddress(address: string, allowPrivate: boolean): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const ip = ipaddr.parse(address);
  if (METADATA_PARSED.has(ip.toNormalizedString())) return `${address} is a cloud metadata address`;
  const range = ip.range();
  if (range === 'unicast') {
    const ipv4Compatible = ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0);
    return ipv4Compatible ? `${address} is IPv4-compatible IPv6 (deprecated, may reach an IPv4 host)` : null;
  }
  if (allowPrivate && PRIVATE_RANGES.has(range)) return null;
  const embedded = ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? ` (${(ip as ipaddr.IPv6).toIPv4Address().toString()})` : '';
  return `${address}${embedded} is ${RANGE_NAMES[range] ?? range}`;
}

/**
 * What can be told from the URL alone, without DNS: the scheme, a metadata host name, and a
 * literal IP address (WHATWG URL parsing has already turned 2130706433, 0x7f000001, 0177.0.0.1
 * and 127.1 into 127.0.0.1). Null when the URL may be used.
 */
export function refusedUrl(url: URL, policy: EgressPolicy): string | null {
  if (policy.httpsOnly && url.protocol !== 'https:') return 'must be https in production';
  const host = hostOf(url);
  if (METADATA_HOSTS.has(host)) return `${host} is a cloud metadata host`;
  return isIP(host) ? refusedAddress(host, policy.allowPrivate) : null;
}

/**
 * The registration check: the URL, then every address its host resolves to now. Null when the
 * endpoint may be registered; deliveries are checked again on each connection.
 */
export async function refusedTarget(url: URL, policy: EgressPolicy, resolve: ResolveHost): Promise<string | null> {
  const refused = refusedUrl(url, policy);
  const host = hostOf(url);
  if (refused || isIP(host)) return refused;
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    return `${host} does not resolve`;
  }
  if (addresses.length === 0) return `${host} does not resolve`;
  for (const { address } of addresses) {
    const reason = refusedAddress(address, policy.allowPrivate);
    if (reason) return `${host} resolves to ${reason}`;
  }
  return null;
}

/** A delivery's connection was refused by the egress rules; the reason is logged with the attempt. */
export class EgressRefusedError extends Error {
  readonly code = 'EGRESS_REFUSED';
}

/**
 * The `lookup` a delivery connects with: resolves as `resolve` does and refuses the connection
 * when any address is refused (the one Node picks is not known here). request-filtering-agent
 * checks the address it gets from here once more.
 */
export function guardedLookup(allowPrivate: boolean, resolve: ResolveHost): LookupFunction {
  return (hostname, options, callback) => {
    const done = callback as (error: Error | null, address?: string | LookupAddress[], family?: number) => void;
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.map(({ address }) => refusedAddress(address, allowPrivate)).find((reason) => reason !== null);
        if (refused) return done(new EgressRefusedError(`${hostname} resolves to ${refused}`));
        const usable = options.family === 4 || options.family === 6 ? addresses.filter((one) => one.family === options.family) : addresses;
        if (usable.length === 0) return done(Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: 'ENOTFOUND' }));
        if (options.all) return done(null, usable);
        done(null, usable[0]!.address, usable[0]!.family);
      },
      (error: Error) => done(error),
    );
  };
}

/**
 * The agents deliveries are made through: request-filtering-agent refuses, on the address
 * actually connected to, anything but public unicast (and, with `allowPrivate`, still the
 * unspecified and the metadata addresses); it also covers URLs with a literal IP, which never
 * go through `lookup`. No keep-alive: every attempt resolves and is checked afresh.
 */
export function deliveryAgents(allowPrivate: boolean) {
  const options = { allowPrivateIPAddress: allowPrivate, allowMetaIPAddress: false, denyIPAddressList: METADATA_ADDRESSES, keepAlive: false };
  return { http: new RequestFilteringHttpAgent(options), https: new RequestFilteringHttpsAgent(options) };
}

/** The host as connections see it: lower case, without IPv6 brackets or the root's trailing dot. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}
