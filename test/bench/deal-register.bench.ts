import autocannon from 'autocannon';
import { cpus } from 'node:os';
import { signGatewayRequest, type Claims } from '@hub/auth';
import { REGISTER_DEAL, registerDealInput, startDealsBench, type DealsBench } from './deals.harness';
import { BENCH_GATEWAY_SECRET } from './secrets';

/**
 * `registerDeal` as staff through the gateway and straight to the deals subgraph (signed as the
 * gateway signs), on the same hub process and databases in one run, so the ratio shows what the
 * gateway costs on a write. Every request names a new end customer, so none conflicts with
 * another; each commits a deal, its line and an outbox event. Absolute figures depend on the machine.
 */
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const staff: Claims = { sub: 'bench@vendor', role: 'vendor_admin' };

interface Figures {
  'requests/s': number;
  'p50 ms': number;
  'p99 ms': number;
  errors: number;
  registered: number;
}

let customers = 0;

async function load(bench: DealsBench, url: string, headersFor: (body: string) => Record<string, string>): Promise<Figures> {
  const run = async (duration: number) => {
    let failed = 0;
    let registered = 0;
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      duration,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            customers += 1;
            const body = JSON.stringify({ query: REGISTER_DEAL, variables: { input: registerDealInput(bench.partnerId, bench.distributorId, `Throughput customer ${customers}`) } });
            return { ...request, body, headers: { 'content-type': 'application/json', ...headersFor(body) } };
          },
          // A GraphQL error comes back as 200 with `errors`; count it as a failed request.
          onResponse: (status, body) => {
            if (status === 200 && body.includes('"registerDeal":{"id"') && !body.includes('"errors"')) registered += 1;
            else failed += 1;
          },
        },
      ],
    });
    return { result, failed, registered };
  };
  await run(2); // warm-up: JIT, plans, pools
  const { result, failed, registered } = await run(DURATION_S);
  return {
    'requests/s': result.requests.average,
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    // autocannon's `errors` already includes timeouts; a response with errors is counted in `failed`.
    errors: failed + result.errors,
    registered,
  };
}

export async function benchDealRegister(): Promise<void> {
  const bench = await startDealsBench('bench_register');
  try {
    const viaGateway = await load(bench, bench.urls.gatewayUrl, () => ({ authorization: `Bearer ${bench.staffToken}` }));
    const direct = await load(bench, bench.urls.dealsUrl, (body) => ({ ...signGatewayRequest({ secret: BENCH_GATEWAY_SECRET, subgraph: 'deals', claims: staff, body }) }));

    console.log(`\nregisterDeal (new end customer each time, one line) as staff on MariaDB`);
    console.log(`${CONNECTIONS} connections, ${DURATION_S}s per target after a 2s warm-up, gateway first; node ${process.version}, ${cpus().length} cores`);
    console.table({ 'through gateway': viaGateway, 'direct to deals subgraph': direct });
    console.log(
      `gateway / direct: throughput ${(viaGateway['requests/s'] / direct['requests/s']).toFixed(2)}x, ` +
        `p99 latency ${(viaGateway['p99 ms'] / direct['p99 ms']).toFixed(2)}x`,
    );
  } finally {
    await bench.stop();
  }
}
