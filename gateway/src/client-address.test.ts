import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hub/config';
import { parseTrustedProxies, proxyTrust, resolveClientAddress } from './client-address';
import { loadEdgeConfig } from './edge-config';

const clientOf = (peer: string | undefined, forwardedFor: string | undefined, proxies: readonly string[]) =>
  resolveClientAddress(peer, forwardedFor, proxyTrust(proxies));

describe('client address', () => {
  it('is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientOf('198.51.100.7', '203.0.113.1', [])).toBe('198.51.100.7');
    expect(clientOf(undefined, '203.0.113.1', [])).toBe('unknown');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientOf('198.51.100.7', '203.0.113.1', ['10.0.0.1'])).toBe('198.51.100.7');
  });

  it('takes the address a trusted proxy appended, not the one its client wrote before it', () => {
    expect(clientOf('10.0.0.1', '203.0.113.1', ['10.0.0.1'])).toBe('203.0.113.1');
    expect(clientOf('10.0.0.1', '1.1.1.1, 203.0.113.1', ['10.0.0.1'])).toBe('203.0.113.1');
  });

  it('walks two trusted hops and stops at the first untrusted address', () => {
    // client 203.0.113.1 → edge balancer 10.0.0.2 → ingress 10.0.0.1 → gateway
    expect(clientOf('10.0.0.1', '6.6.6.6, 203.0.113.1, 10.0.0.2', ['10.0.0.1', '10.0.0.2'])).toBe('203.0.113.1');
    // with only the ingress trusted, the balancer is the client
    expect(clientOf('10.0.0.1', '6.6.6.6, 203.0.113.1, 10.0.0.2', ['10.0.0.1'])).toBe('10.0.0.2');
  });

  it('stays at the last trusted hop when every address is a trusted proxy', () => {
    expect(clientOf('10.0.0.1', '10.0.0.3, 10.0.0.2', ['10.0.0.0/8'])).toBe('10.0.0.3');
  });

  it('matches CIDR ranges at their boundaries', () => {
    const proxies = ['172.16.0.0/12'];
    expect(clientOf('172.31.255.255', '203.0.113.1', proxies)).toBe('203.0.113.1');
    expect(clientOf('172.16.0.0', '203.0.113.1', proxies)).toBe('203.0.113.1');
    expect(clientOf('172.32.0.0', '203.0.113.1', proxies)).toBe('172.32.0.0');
    expect(clientOf('172.15.255.255', '203.0.113.1', proxies)).toBe('172.15.255.255');
  });

  it('handles IPv6 peers, ranges and forwarded addresses, with or without brackets and port', () => {
    expect(clientOf('fd00::1', '2001:db8::7', ['fd00::/8'])).toBe('2001:db8::7');
    expect(clientOf('fd00::1', '[2001:db8::7]:51234', ['fd00::/8'])).toBe('2001:db8::7');
    expect(clientOf('fe00::1', '2001:db8::7', ['fd00::/8'])).toBe('fe00::1');
    expect(clientOf('::1', '2001:DB8:0:0:0:0:0:7', ['loopback'])).toBe('2001:db8::7');
  });

  it('reads IPv4-mapped IPv6 as IPv4, for the peer, the ranges and the forwarded addresses', () => {
    expect(clientOf('::ffff:127.0.0.1', '::ffff:203.0.113.1', ['127.0.0.1'])).toBe('203.0.113.1');
    expect(clientOf('127.0.0.1', '203.0.113.1', ['::ffff:127.0.0.0/104'])).toBe('203.0.113.1');
    expect(clientOf('::ffff:198.51.100.7', undefined, [])).toBe('198.51.100.7');
  });

  it('stops at the right neighbour of a malformed entry, so a client cannot name its own bucket', () => {
    const proxies = ['10.0.0.0/8'];
    expect(clientOf('10.0.0.1', 'anything-i-like, 10.0.0.2', proxies)).toBe('10.0.0.2');
    expect(clientOf('10.0.0.1', '203.0.113.1, unknown', proxies)).toBe('10.0.0.1');
    expect(clientOf('10.0.0.1', '203.0.113.1,, 10.0.0.2', proxies)).toBe('10.0.0.2');
    expect(clientOf('10.0.0.1', '', proxies)).toBe('10.0.0.1');
    // Shorthand IPv4 that no proxy writes is not read as 127.0.0.1.
    expect(clientOf('10.0.0.1', '127.1', proxies)).toBe('10.0.0.1');
  });

  it('takes an IPv4 address with the port some balancers append', () => {
    expect(clientOf('10.0.0.1', '203.0.113.1:40000', ['10.0.0.1'])).toBe('203.0.113.1');
  });

  it('trusts whole ranges by keyword', () => {
    expect(clientOf('127.0.0.5', '203.0.113.1', ['loopback'])).toBe('203.0.113.1');
    expect(clientOf('192.168.1.1', '203.0.113.1', ['private'])).toBe('203.0.113.1');
    expect(clientOf('fd12::1', '203.0.113.1', ['private'])).toBe('203.0.113.1');
    expect(clientOf('169.254.1.1', '203.0.113.1', ['linklocal'])).toBe('203.0.113.1');
    expect(clientOf('8.8.8.8', '203.0.113.1', ['loopback', 'private', 'linklocal'])).toBe('8.8.8.8');
  });
});

describe('TRUSTED_PROXIES', () => {
  it('accepts addresses, CIDR ranges and keywords, separated by commas', () => {
    expect(parseTrustedProxies(' 10.0.0.1, 10.0.0.0/8 ,fd00::/8,::1, Loopback,private,linklocal,')).toEqual({
      proxies: ['10.0.0.1', '10.0.0.0/8', 'fd00::/8', '::1', 'Loopback', 'private', 'linklocal'],
      invalid: [],
    });
  });

  it('names what is not an address, a range or a keyword', () => {
    expect(parseTrustedProxies('10.0.0.0/33, 300.0.0.1, lb.internal, 127.1, fd00::/129, ::ffff:10.0.0.0/95, 10.0.0.0/, toString').invalid).toEqual([
      '10.0.0.0/33',
      '300.0.0.1',
      'lb.internal',
      '127.1',
      'fd00::/129',
      '::ffff:10.0.0.0/95',
      '10.0.0.0/',
      'toString',
    ]);
  });

  it('is empty by default, and an invalid entry fails config loading naming the variable', () => {
    expect(loadEdgeConfig({}).trustedProxies).toEqual([]);
    expect(loadEdgeConfig({ TRUSTED_PROXIES: '' }).trustedProxies).toEqual([]);
    expect(loadEdgeConfig({ TRUSTED_PROXIES: '10.0.0.0/8,loopback' }).trustedProxies).toEqual(['10.0.0.0/8', 'loopback']);
    let error: unknown;
    try {
      loadEdgeConfig({ TRUSTED_PROXIES: '10.0.0.0/8, balancer' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^TRUSTED_PROXIES: "balancer" must be an IP address/)]);
  });
});
