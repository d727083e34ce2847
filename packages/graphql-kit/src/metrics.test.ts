import { describe, expect, it } from 'vitest';
import { utcDate } from './domain-metrics';
import { BoundedLabels, createSubgraphMetrics, operationLabel } from './metrics';

describe('operation name labels', () => {
  it('keeps the first 3 distinct names, then answers other, while known names stay themselves', () => {
    const names = new BoundedLabels(3);
    expect(['a', 'b', 'a', 'c', 'd', 'e'].map((name) => names.label(name))).toEqual(['a', 'b', 'a', 'c', 'other', 'other']);
    expect(names.label('b')).toBe('b');
  });

  it('labels an unnamed operation anonymous and cuts a name at 100 characters', () => {
    const names = new BoundedLabels(10);
    expect(operationLabel(names, null)).toBe('anonymous');
    expect(operationLabel(names, '')).toBe('anonymous');
    // The client's JSON decides the type: an object or a number is no name, not a crash.
    expect(operationLabel(names, { name: 'x' })).toBe('anonymous');
    expect(operationLabel(names, 42)).toBe('anonymous');
    expect(operationLabel(names, 'x'.repeat(500))).toHaveLength(100);
  });
});

describe('scrape-time collectors', () => {
  it('shows each sample with its labels and the subgraph label', async () => {
    const metrics = createSubgraphMetrics({
      subgraph: 'deals',
      defaultMetrics: false,
      collectors: [
        {
          name: 'hub_webhook_deliveries',
          help: 'by status',
          labelNames: ['status'],
          collect: async () => [
            { labels: { status: 'PENDING' }, value: 2 },
            { labels: { status: 'FAILED' }, value: 1 },
          ],
        },
      ],
    });
    const { body } = await metrics.scrape();
    expect(body).toContain('hub_webhook_deliveries{status="PENDING",subgraph="deals"} 2');
    expect(body).toContain('hub_webhook_deliveries{status="FAILED",subgraph="deals"} 1');
  });

  it('shows NaN for a collect slower than its time bound, counts the failure and still answers the scrape', async () => {
    const metrics = createSubgraphMetrics({
      subgraph: 'deals',
      defaultMetrics: false,
      collectTimeoutMs: 20,
      collectors: [{ name: 'hub_slow', help: 'never answers in time', collect: () => new Promise(() => undefined) }],
    });
    const { body } = await metrics.scrape();
    // prom-client writes NaN as `Nan`, which Prometheus reads case-insensitively.
    expect(body).toMatch(/^hub_slow\{subgraph="deals"\} nan$/im);
    // A scrape reads the counter while the gauges collect, so it shows the failures of the scrapes before it.
    expect((await metrics.scrape()).body).toContain('hub_metrics_collect_failures_total{metric="hub_slow",subgraph="deals"} 1');
  });

  it('keeps two registries apart, so two subgraphs in one process never share series', async () => {
    const deals = createSubgraphMetrics({ subgraph: 'deals' });
    const licenses = createSubgraphMetrics({ subgraph: 'licenses' });
    deals.refused('UNAUTHENTICATED');
    expect((await deals.scrape()).body).toContain('hub_subgraph_refused_requests_total{code="UNAUTHENTICATED",subgraph="deals"} 1');
    expect((await licenses.scrape()).body).not.toContain('hub_subgraph_refused_requests_total{');
    expect((await licenses.scrape()).body).toContain('process_cpu_user_seconds_total{subgraph="licenses"}');
  });
});

describe('datetimes read by the collectors', () => {
  it('reads SQLite text as UTC and passes a mysql2 Date through', () => {
    expect(utcDate('2026-03-01 10:00:00.250')?.toISOString()).toBe('2026-03-01T10:00:00.250Z');
    const date = new Date('2026-03-01T10:00:00Z');
    expect(utcDate(date)).toBe(date);
    expect(utcDate(null)).toBeUndefined();
  });
});
