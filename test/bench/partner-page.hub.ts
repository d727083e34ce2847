import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeOnSignal } from '@hub/gateway/shutdown';
import { InProcessBus } from '@hub/events';
import { partnersSubgraph } from '@hub/partners';
import { subgraphClient } from '@hub/testing';
import { BENCH_GATEWAY_SECRET } from './secrets';

/**
 * The partners subgraph alone on the embedded SQLite data, as `pnpm start` runs it: demo data
 * plus extra partners (about 200 in all), each with distributors. Prints one JSON line with its
 * URL, then serves until SIGTERM; the SQLite file lives in a temporary directory removed on exit.
 */
const EXTRA_PARTNERS = Number(process.env.BENCH_EXTRA_PARTNERS ?? 160);
const admin = { sub: 'bench@vendor', role: 'vendor_admin' } as const;

const directory = mkdtempSync(join(tmpdir(), 'hub-bench-'));
const bus = new InProcessBus();
const partners = await partnersSubgraph.start({ bus, sqliteFile: join(directory, 'partners.sqlite'), gatewaySecret: BENCH_GATEWAY_SECRET, port: 0, seedDemoData: true });

const call = subgraphClient(partners.url, BENCH_GATEWAY_SECRET);
const distributors = await call<{ distributors: { id: string; countries: string[] }[] }>(admin, '{ distributors { id countries } }');
const viaFr = distributors.data!.distributors.filter((d) => d.countries.includes('FR')).map((d) => d.id);
for (let i = 0; i < EXTRA_PARTNERS; i += 1) {
  await call(admin, `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }`, {
    input: { name: `Bench Partner ${String(i).padStart(3, '0')}`, country: 'FR', programCode: 'FR-2023', segmentFocus: 'SMB', businessModels: ['RESELLER'], distributorIds: viaFr },
  });
}

console.log(JSON.stringify({ subgraphUrl: partners.url }));

// On exit however it comes: a close still waiting when nothing else holds the event loop
// ends the process without running what follows it.
process.on('exit', () => rmSync(directory, { recursive: true, force: true }));
closeOnSignal(async () => {
  await partners.close();
  await bus.close();
});
