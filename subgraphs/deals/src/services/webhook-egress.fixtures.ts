import type { ResolveHost } from './webhook-egress';

/** A DNS that answers from a table, so no test depends on the network. */
export function fakeDns(table: Record<string, string[]>): ResolveHost {
  return async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

/** Names the SSRF cases resolve; nothing here reaches a real DNS. */
export const TEST_DNS = fakeDns({
  localhost: ['127.0.0.1', '::1'],
  'hooks.distri.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.distri.example': ['10.1.2.3'],
  'mixed.distri.example': ['93.184.216.34', '192.168.1.10'],
  'v6-loopback.distri.example': ['::1'],
  'metadata.google.internal': ['169.254.169.254'],
});

/**
 * Every address class a webhook must not reach, written as a distributor might register it,
 * with what the refusal says. Resolved with TEST_DNS.
 */
export const SSRF_CASES: [kind: string, url: string, reason: string][] = [
  ['loopback', 'http://127.0.0.1:4002/graphql', 'loopback'],
  ['loopback by name', 'http://localhost:4002/', 'localhost resolves to 127.0.0.1 is loopback'],
  ['loopback, IPv6', 'http://[::1]/', 'loopback'],
  ['private 10/8', 'https://10.0.0.5/in', 'private'],
  ['private 172.16/12', 'https://172.31.255.1/in', 'private'],
  ['private 192.168/16', 'https://192.168.0.1/in', 'private'],
  ['link-local', 'http://169.254.10.1/', 'link-local'],
  ['link-local, IPv6', 'http://[fe80::1]/', 'link-local'],
  ['unique-local', 'http://[fc00::1]/', 'unique-local'],
  ['unique-local fd00::/8', 'http://[fd12:3456::1]/', 'unique-local'],
  ['carrier-grade NAT', 'http://100.64.0.1/', 'carrier-grade NAT'],
  ['multicast', 'http://224.0.0.1/', 'multicast'],
  ['multicast, IPv6', 'http://[ff02::1]/', 'multicast'],
  ['broadcast', 'http://255.255.255.255/', 'broadcast'],
  ['unspecified', 'http://0.0.0.0/', 'unspecified'],
  ['unspecified, short', 'http://0/', 'unspecified'],
  ['unspecified, IPv6', 'http://[::]/', 'unspecified'],
  ['reserved (documentation)', 'http://192.0.2.10/', 'reserved'],
  ['reserved (240/4)', 'http://240.0.0.1/', 'reserved'],
  ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]/', '(127.0.0.1) is IPv4-mapped IPv6'],
  ['IPv4-mapped IPv6, hex', 'http://[::ffff:7f00:1]/', '(127.0.0.1) is IPv4-mapped IPv6'],
  ['IPv4-compatible IPv6', 'http://[::127.0.0.1]/', 'IPv4-compatible'],
  ['NAT64', 'http://[64:ff9b::10.0.0.1]/', 'NAT64'],
  ['6to4', 'http://[2002:c0a8:101::1]/', '6to4'],
  ['Teredo', 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'Teredo'],
  ['decimal', 'http://2130706433/', '127.0.0.1 is loopback'],
  ['hex', 'http://0x7f000001/', '127.0.0.1 is loopback'],
  ['octal', 'http://0177.0.0.1/', '127.0.0.1 is loopback'],
  ['short', 'http://127.1/', '127.0.0.1 is loopback'],
  ['dotted hex', 'http://0x7f.0.0.1/', '127.0.0.1 is loopback'],
  ['metadata address', 'http://169.254.169.254/latest/meta-data/', 'cloud metadata address'],
  ['metadata address, IPv6', 'http://[fd00:ec2::254]/', 'cloud metadata address'],
  ['metadata host', 'http://metadata.google.internal/computeMetadata/v1/', 'cloud metadata host'],
  ['metadata host, trailing dot', 'http://metadata.google.internal./', 'cloud metadata host'],
  ['metadata host, short', 'http://metadata/', 'cloud metadata host'],
  ['metadata host, AWS', 'http://instance-data/latest/', 'cloud metadata host'],
  ['name resolving to a private address', 'https://internal.distri.example/in', 'internal.distri.example resolves to 10.1.2.3 is private'],
  ['name with one private address among public ones', 'https://mixed.distri.example/in', '192.168.1.10 is private'],
  ['name resolving to IPv6 loopback', 'https://v6-loopback.distri.example/in', '::1 is loopback'],
  ['name that does not resolve', 'https://nowhere.distri.example/in', 'does not resolve'],
];
