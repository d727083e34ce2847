import { benchDealFanout } from './deal-fanout.bench';
import { benchDealRegister } from './deal-register.bench';
import { benchGatewayCompare } from './gateway-compare.bench';
import { benchIncentiveStatements } from './incentive-statements.bench';
import { benchPartnerList } from './partner-list.bench';
import { benchUsageRating } from './usage-rating.bench';

// `pnpm bench`: prints figures; it is not a test and asserts no timings.
// BENCH_ONLY=gateway runs the gateway comparison alone.
if (process.env.BENCH_ONLY === 'gateway') {
  await benchGatewayCompare();
} else {
  await benchPartnerList();
  await benchDealFanout();
  await benchDealRegister();
  await benchUsageRating();
  await benchIncentiveStatements();
  await benchGatewayCompare();
}
