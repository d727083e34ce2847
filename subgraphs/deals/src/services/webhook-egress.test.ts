import { createServer, request, type Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryAgents, guardedLookup, refusedAddress, refusedTarget, refusedUrl } from './webhook-egress';
import { fakeDns, SSRF_CASES, TEST_DNS as dns } from './webhook-egress.fixtures';

const PUBLIC_ONLY = { allowPrivate: false, httpsOnly: false };
const LOCAL_ALLOWED = { allowPrivate: true, httpsOnly: false };

describe('webhook targets at registration', () => {
  it.each(SSRF_CASES)('refuses %s: %s', async (_class, url, reason) => {
    expect(await refusedTarget(new URL(url), PUBLIC_ONLY, dns)).toContain(reason);
  });

  it('accepts a name whose every address is public, and public literals', async () => {
    expect(await refusedTarget(new URL('https://hooks.distri.example/deals'), PUBLIC_ONLY, dns)).toBeNull();
    expect(await refusedTarget(new URL('http://93.184.216.34/in'), PUBLIC_ONLY, dns)).toBeNull();
    expect(await refusedTarget(new URL('http://[2606:4700::1111]/in'), PUBLIC_ONLY, dns)).toBeNull();
  });

  it('lets WEBHOOK_ALLOW_PRIVATE open loopback and private networks, but never metadata, multicast or unspecified', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://[::1]/', 'https://10.0.0.5/', 'http://169.254.10.1/', 'http://[fd12::1]/', 'http://100.64.0.1/', 'https://internal.distri.example/']) {
      expect(await refusedTarget(new URL(url), LOCAL_ALLOWED, dns), url).toBeNull();
    }
    for (const url of ['http://169.254.169.254/', 'http://metadata.google.internal/', 'http://224.0.0.1/', 'http://0.0.0.0/', 'http://[::ffff:127.0.0.1]/']) {
      expect(await refusedTarget(new URL(url), LOCAL_ALLOWED, dns), url).not.toBeNull();
    }
  });

  it('refuses plain http in production, before any lookup', () => {
    const production = { allowPrivate: false, httpsOnly: true };
    expect(refusedUrl(new URL('http://hooks.distri.example/in'), production)).toBe('must be https in production');
    expect(refusedUrl(new URL('https://hooks.distri.example/in'), production)).toBeNull();
  });

  it('calls only unicast addresses public, as request-filtering-agent does', () => {
    expect(refusedAddress('8.8.8.8', false)).toBeNull();
    expect(refusedAddress('2001:4860:4860::8888', false)).toBeNull();
    expect(refusedAddress('not-an-ip', true)).toContain('not an IP address');
  });
});

describe('webhook connections at delivery', () => {
  let server: ReturnType<typeof createServer>;
  let port: number;
  const received: string[] = [];

  beforeAll(async () => {
    server = createServer((incoming, response) => {
      received.push(incoming.url ?? '');
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function get(url: string, agent: Agent, lookup?: ReturnType<typeof guardedLookup>): Promise<number> {
    return new Promise((resolve, reject) => {
      const outgoing = request(url, { agent, lookup }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  it('has request-filtering-agent refuse a loopback address it is handed, literal or looked up', async () => {
    const { http } = deliveryAgents(false);
    await expect(get(`http://127.0.0.1:${port}/literal`, http)).rejects.toThrow(/is not allowed/);
    // A lookup that does not check, as though DNS had been rebound after our own check.
    const rebound = (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
      options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4);
    await expect(get(`http://rebound.example:${port}/named`, http, rebound as never)).rejects.toThrow(/is not allowed/);
    expect(received).toEqual([]);
  });

  it('refuses in our lookup a name resolving to a private address, whatever the agent', async () => {
    const { http } = deliveryAgents(true);
    const lookup = guardedLookup(false, fakeDns({ 'rebound.example': ['127.0.0.1'] }));
    await expect(get(`http://rebound.example:${port}/guarded`, http, lookup)).rejects.toThrow('rebound.example resolves to 127.0.0.1 is loopback');
    expect(received).toEqual([]);
  });

  it('connects to a local receiver when private receivers are allowed', async () => {
    const { http } = deliveryAgents(true);
    const lookup = guardedLookup(true, fakeDns({ 'receiver.test': ['127.0.0.1'] }));
    expect(await get(`http://receiver.test:${port}/allowed`, http, lookup)).toBe(200);
    expect(await get(`http://127.0.0.1:${port}/allowed-literal`, http)).toBe(200);
    expect(received).toEqual(['/allowed', '/allowed-literal']);
  });

  it('keeps metadata addresses refused at connect time even when private receivers are allowed', async () => {
    const { http } = deliveryAgents(true);
    await expect(get('http://169.254.169.254/latest/meta-data/', http)).rejects.toThrow(/is not allowed/);
  });
});
