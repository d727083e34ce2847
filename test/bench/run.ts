import { benchDealFanout } from './deal-fanout.bench';
import { benchDealRegister } from './deal-register.bench';
import { benchGatewayCompare } from './gateway-compare.bench';
import { benchIncentiveStatements } from './incentive-statements.bench';
import { benchPartnerList, benchPartnerPage } from './partner-list.bench';
import { benchUsageRating } from './usage-rating.bench';

// `pnpm bench`: prints figures; it is not a test and asserts no timings.
// BENCH_ONLY=<name>[,<name>…] runs only those benchmarks (names below), e.g. BENCH_ONLY=gateway.
const benches: Record<string, () => Promise<void>> = {
  'partner-list': benchPartnerList,
  'partner-page': benchPartnerPage,
  'deal-fanout': benchDealFanout,
  'deal-register': benchDealRegister,
  'usage-rating': benchUsageRating,
  'incentive-statements': benchIncentiveStatements,
  gateway: benchGatewayCompare,
};
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim()).filter(Boolean);
const unknown = only?.filter((name) => !(name in benches)) ?? [];
if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
for (const [name, bench] of Object.entries(benches)) if (!only || only.includes(name)) await bench();
