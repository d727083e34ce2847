import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import { startHub, type RunningHub } from './support/hub';
import { whoamiSubgraph } from './support/whoami-subgraph';

// The GraphQL over HTTP spec's conformance audits (MUST, SHOULD and MAY), run against the
// gateway as an authenticated client: every audit must pass outright, warnings included.
let hub: RunningHub;
let token: string;

const audits = serverAudits({
  url: () => hub.url,
  fetchFn: (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  },
});

describe('GraphQL over HTTP conformance of the gateway', () => {
  beforeAll(async () => {
    hub = await startHub([whoamiSubgraph]);
    token = await hub.token({ sub: 'auditor', role: 'bi' });
  });
  afterAll(() => hub?.close());

  it.each(audits.map((audit) => [audit.name, audit] as const))('%s', async (_, audit) => {
    const result = await audit.fn();
    expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
  });
});
