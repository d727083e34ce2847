import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealsSubgraph } from '@hub/deals';
import { incentivesSubgraph } from '@hub/incentives';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { post, startHub, type RunningHub } from './support/hub';

const admin = { sub: 'admin@vendor', role: 'vendor_admin' } as const;

/** The value of one series, by its name and labels in any order (prom-client's order differs by metric type). */
function valueOf(body: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of body.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] === name && match[2]!.split(',').sort().join(',') === wanted) return Number(match[3]);
  }
  return undefined;
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

describe('metrics after traffic through the gateway', () => {
  let hub: RunningHub;

  beforeAll(async () => {
    hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph, incentivesSubgraph]);
  });
  afterAll(() => hub?.close());

  it('shows operations per name with status, errors by code, subgraph fetch latency and refusals on the gateway', async () => {
    const token = await hub.token(admin);
    for (let i = 0; i < 2; i += 1) {
      const answer = await post(hub.url, { query: 'query Programs { programs { code } }' }, token);
      expect(answer.json.errors).toBeUndefined();
    }
    await post(hub.url, { query: '{ programs { code } }' }, token);
    const invalid = await post(hub.url, { query: 'query Broken { programs { noSuchField } }' }, token);
    expect(invalid.json.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await post(hub.url, { query: 'query Programs { programs { code } }' })).status).toBe(401);

    expect(hub.metricsUrl).toBe(`${hub.origin}/metrics`);
    const body = await scrape(hub.metricsUrl!);
    expect(valueOf(body, 'hub_gateway_operations_total', { operation: 'Programs', type: 'query', status: '200', service: 'gateway' })).toBe(2);
    expect(valueOf(body, 'hub_gateway_operations_total', { operation: 'anonymous', type: 'query', status: '200', service: 'gateway' })).toBe(1);
    expect(valueOf(body, 'hub_gateway_operation_errors_total', { operation: 'Broken', code: 'GRAPHQL_VALIDATION_FAILED', service: 'gateway' })).toBe(1);
    expect(valueOf(body, 'hub_gateway_operation_duration_seconds_count', { operation: 'Programs', service: 'gateway' })).toBe(2);
    expect(valueOf(body, 'hub_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'partners', status: '200', service: 'gateway' })).toBe(3);
    expect(valueOf(body, 'hub_gateway_refused_requests_total', { code: 'UNAUTHENTICATED', service: 'gateway' })).toBe(1);
    expect(body).toMatch(/^process_resident_memory_bytes\{service="gateway"\} \d+/m);

    // The subgraph counts the operation under the caller's name, which the gateway forwards.
    const partners = await scrape(new URL('/metrics', hub.subgraphs.find((s) => s.name === 'partners')!.url).href);
    expect(valueOf(partners, 'hub_subgraph_operations_total', { operation: 'Programs', type: 'query', subgraph: 'partners' })).toBe(2);
  });

  it('shows every subgraph\'s domain gauges, each collected without failure', async () => {
    for (const subgraph of hub.subgraphs) {
      const url = new URL('/metrics', subgraph.url).href;
      await scrape(url);
      // A scrape reads the failure counter while the gauges collect: the second shows the first's failures.
      const body = await scrape(url);
      const labels = { subgraph: subgraph.name };
      expect(valueOf(body, 'hub_outbox_backlog', labels), subgraph.name).toBeGreaterThanOrEqual(0);
      expect(valueOf(body, 'hub_outbox_oldest_unpublished_age_seconds', labels), subgraph.name).toBeGreaterThanOrEqual(0);
      expect(body, subgraph.name).toContain('# TYPE hub_parked_events gauge');
      expect(body, subgraph.name).not.toMatch(/^hub_metrics_collect_failures_total\{/m);
    }
    const deals = await scrape(new URL('/metrics', hub.subgraphs.find((s) => s.name === 'deals')!.url).href);
    expect(deals).toContain('# TYPE hub_webhook_deliveries gauge');
    // Each subgraph reports the lag of its own consumer groups only.
    expect(valueOf(deals, 'hub_consumer_lag', { subgraph: 'deals', group: 'deals.webhooks' })).toBeGreaterThanOrEqual(0);
    expect(deals).not.toMatch(/^hub_consumer_lag\{[^}]*group="incentives\./m);
    for (const name of ['licenses', 'incentives']) {
      expect(await scrape(new URL('/metrics', hub.subgraphs.find((s) => s.name === name)!.url).href)).toContain('# TYPE hub_jobs_active gauge');
    }
  });
});

describe('the dashboard and alerts in deploy/monitoring', () => {
  const files = ['deploy/monitoring/grafana/dashboards/hub.json', 'deploy/monitoring/alerts.yml'];
  const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

  it('query only series the hub serves', async () => {
    const hub = await startHub([partnersSubgraph, dealsSubgraph, licensesSubgraph, incentivesSubgraph]);
    try {
      // Every family each process declares (`# TYPE name kind`), with a histogram's series.
      const served = new Set<string>();
      for (const url of [hub.metricsUrl!, ...hub.subgraphs.map((s) => new URL('/metrics', s.url).href)]) {
        for (const [, name, kind] of (await scrape(url)).matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
          served.add(name!);
          if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) served.add(`${name}${suffix}`);
        }
      }
      for (const file of files) {
        const queried = [...new Set(read(file).match(/\b(?:hub|process)_[a-z_]+\b/g) ?? [])];
        expect(queried.length, file).toBeGreaterThan(5);
        expect(queried.filter((name) => !served.has(name)), file).toEqual([]);
      }
    } finally {
      await hub.close();
    }
  });

  it('is a dashboard Grafana can load: unique panel ids, each with a query, on the provisioned data source', () => {
    const dashboard = JSON.parse(read(files[0]!)) as { uid: string; panels: { id: number; datasource: { uid: string }; targets: { expr: string }[] }[] };
    const datasources = readFileSync(new URL('../deploy/monitoring/grafana/provisioning/datasources/prometheus.yml', import.meta.url), 'utf8');
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(panel.targets[0]?.expr).toBeTruthy();
      expect(datasources).toContain(`uid: ${panel.datasource.uid}`);
    }
  });
});

describe('where the gateway serves /metrics', () => {
  it('serves them on their own port only, when given one', async () => {
    const hub = await startHub([partnersSubgraph], { gateway: { metrics: { port: 0 } } });
    try {
      expect(new URL(hub.metricsUrl!).port).not.toBe(new URL(hub.origin).port);
      expect(await scrape(hub.metricsUrl!)).toContain('# TYPE hub_gateway_operations_total counter');
      expect((await fetch(`${hub.origin}/metrics`)).status).toBe(404);
      expect((await fetch(new URL('/graphql', hub.metricsUrl)).then((r) => r.status))).toBe(404);
    } finally {
      await hub.close();
    }
  });

  it('does not serve them when switched off', async () => {
    const hub = await startHub([partnersSubgraph], { gateway: { metrics: false } });
    try {
      expect(hub.metricsUrl).toBeUndefined();
      expect((await fetch(`${hub.origin}/metrics`)).status).toBe(404);
    } finally {
      await hub.close();
    }
  });
});
