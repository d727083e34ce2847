import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, mintToken } from '@hub/auth';
import { createDealsServer, dealsSubgraph, openDealsDatabase } from '@hub/deals';
import { InProcessBus } from '@hub/events';
import { incentivesSubgraph } from '@hub/incentives';
import { licensesSubgraph } from '@hub/licenses';
import { partnersSubgraph } from '@hub/partners';
import { createGateway, type Gateway } from '@hub/gateway';
import { composeSupergraph, printSubgraphs } from '@hub/gateway/compose';
import type { RunningSubgraph } from '@hub/graphql-kit';
import { createTestDatabase, type TestDatabase } from '@hub/testing';
import { GATEWAY_SECRET, JWT_SECRET, testEdgeConfig } from './support/hub';

type Database = Awaited<ReturnType<typeof openDealsDatabase>>;

const ROWS = 100_000;
const BATCH = 1_000;
/** A long customer name makes each CSV row ~350 bytes, so the whole export is ~35 MB. */
const NAME = `Export Memory Customer ${'x'.repeat(160)}`;

// The heap is measured after a full collection: what the stream still holds, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** 100,000 deals written straight into the table in multi-row INSERTs (the API would take minutes). */
async function insertDeals(database: Database): Promise<void> {
  const columns = [
    'id', 'partnerId', 'distributorId', 'referringPartnerId', 'programCode', 'customerName', 'customerKey', 'customerCountry', 'customerDomain', 'type', 'productLine', 'segment',
    'seats', 'amount', 'currency', 'status', 'expectedCloseDate', 'registeredAt', 'approvedAt', 'expiresAt', 'closedAt', 'reason', 'conflictWithId', 'registeredBy', 'updatedAt',
  ];
  const partner = '00000000-0000-7000-8000-0000000000aa';
  // Ids in the UUID shape, in insertion order, as UUIDv7s are.
  const idOf = (i: number) => `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`;
  for (let start = 0; start < ROWS; start += BATCH) {
    const values: unknown[] = [];
    for (let i = start; i < start + BATCH; i += 1) {
      values.push(idOf(i), partner, null, null, 'GLOBAL', `${NAME} ${i}`, `export memory customer ${i}`, 'FR', null, 'NEW_CUSTOMER', 'ENDPOINT', 'SMB',
        10, String(100_000 + i), 'EUR', 'SUBMITTED', '2026-03-31', '2026-02-15 10:00:00', null, null, null, null, null, 'memory-test', '2026-02-15 10:00:00');
    }
    const row = `(${columns.map(() => '?').join(', ')})`;
    await database.dataSource.query(`INSERT INTO deal (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ${Array.from({ length: BATCH }, () => row).join(', ')}`, values);
  }
}

/**
 * The export streams: exporting 100,000 deals (~35 MB of CSV) through the gateway, with the
 * deals subgraph and the client in this same process, the heap stays within a few MB of where
 * it started, and a client that hangs up stops the subgraph's page reads. Not a timing test.
 */
describe('deals export memory (MariaDB, 100,000 rows)', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let subgraph: RunningSubgraph;
  let gateway: Gateway;
  let origin: string;
  let token: string;
  const bus = new InProcessBus();

  beforeAll(async () => {
    testDatabase = await createTestDatabase('e2e_exports_memory');
    database = await openDealsDatabase({ url: testDatabase.url });
    await insertDeals(database);
    const deals = await createDealsServer({ database, bus, gatewaySecret: GATEWAY_SECRET });
    subgraph = await deals.start(0);
    gateway = createGateway({
      // The whole supergraph (deals alone does not compose); only deals runs, and only it is asked.
      supergraphSdl: composeSupergraph(await printSubgraphs([partnersSubgraph, dealsSubgraph, licensesSubgraph, incentivesSubgraph], (m) => (m.name === 'deals' ? subgraph.url : 'http://127.0.0.1:9/graphql'))),
      subgraphs: [{ name: 'deals', url: subgraph.url }],
      verifyToken: createJwtVerifier({ secret: JWT_SECRET }),
      gatewaySecret: GATEWAY_SECRET,
      logging: 'error',
      edge: testEdgeConfig(),
    });
    origin = new URL(await gateway.listen(0)).origin;
    token = await mintToken({ sub: 'memory-bi', role: 'bi' }, { secret: JWT_SECRET, expiresIn: '10m' });
  });

  afterAll(async () => {
    await gateway?.close();
    await subgraph?.close();
    await bus.close();
    await database?.dataSource.destroy();
    await testDatabase?.drop();
  });

  const pageQueries = () => database.queries.statements.filter((sql) => /FROM `deal` `deal`/.test(sql)).length;

  it('streams 100,000 rows as CSV with a flat heap', async () => {
    const before = heapAfterGc();
    const response = await fetch(`${origin}/exports/deals?period=2026-Q1`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let bytes = 0;
    let newlines = 0;
    let chunks = 0;
    let peak = 0;
    let sumMinor = 0n;
    let tail = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      chunks += 1;
      const text = tail + decoder.decode(value, { stream: true });
      const lines = text.split('\n');
      tail = lines.pop()!;
      for (const line of lines) {
        newlines += 1;
        // The amount column, "1234.56" (the customer name holds no comma).
        const amount = /,(\d+\.\d{2}),EUR,/.exec(line)?.[1];
        if (amount) sumMinor += BigInt(amount.replace('.', ''));
      }
      if (chunks % 200 === 0) {
        peak = Math.max(peak, heapAfterGc() - before);
        // Fall behind now and then, so the producer runs ahead and backpressure has to hold it.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    expect(newlines).toBe(ROWS + 1);
    // 100,000 + 100,001 + … + 199,999 minor units.
    expect(sumMinor).toBe(BigInt(ROWS) * 100_000n + (BigInt(ROWS) * BigInt(ROWS - 1)) / 2n);
    expect(bytes).toBeGreaterThan(30 * 1024 * 1024);
    console.log(`exported ${bytes} bytes of CSV; heap growth peaked at ${(peak / 1024 / 1024).toFixed(1)} MB`);
    // Buffering the export, or a good part of it, would show here (a page of rows is well under 1 MB).
    expect(peak).toBeLessThan(bytes / 4);
  });

  it('stops reading pages when the client hangs up', async () => {
    database.queries.reset();
    const controller = new AbortController();
    const response = await fetch(`${origin}/exports/deals?period=2026-Q1&format=ndjson`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    controller.abort();
    // Let the cancellation reach the gateway, the subgraph and its row source.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const afterHangUp = pageQueries();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(pageQueries()).toBe(afterHangUp);
    // It had started (the pages are counted), and a whole export reads 100 pages of 1,000.
    expect(afterHangUp).toBeGreaterThan(0);
    expect(afterHangUp).toBeLessThan(20);
  });
});
