import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnersSubgraph } from '@hub/partners';
import { startHub, type RunningHub } from './support/hub';

const CALLS = 100;

describe('/readyz under a flood', () => {
  let hub: RunningHub;
  /** Stands in for partners' /readyz: counts the checks and answers them when told. */
  const checks: ServerResponse[] = [];
  let release = false;
  const subgraph = createServer((req, res) => {
    if (!req.url?.startsWith('/readyz')) return void res.writeHead(404).end();
    checks.push(res);
    if (release) res.end('{"ready":true}');
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => subgraph.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(subgraph.address() as AddressInfo).port}/graphql`;
    hub = await startHub([partnersSubgraph], { subgraphUrl: () => url });
  });
  afterAll(async () => {
    await hub?.close();
    subgraph.closeAllConnections();
    subgraph.close();
  });

  it('checks each subgraph once for many anonymous probes at once, not once per probe', async () => {
    let arrived = 0;
    hub.server.on('request', () => (arrived += 1));
    const probes = Array.from({ length: CALLS }, () => fetch(`${hub.origin}/readyz`).then((response) => response.status));
    const deadline = Date.now() + 20_000;
    while (arrived < CALLS || checks.length === 0) {
      if (Date.now() > deadline) throw new Error(`${arrived} probes arrived, ${checks.length} checks`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release = true;
    for (const res of checks) res.end('{"ready":true}');
    expect(await Promise.all(probes)).toEqual(Array.from({ length: CALLS }, () => 200));
    // Each probe used to fetch every subgraph's /readyz (and so its database): an unauthenticated,
    // unlimited amplifier. A few late probes may start a second check; a hundred may not.
    expect(checks.length).toBeLessThanOrEqual(5);
  });
});
