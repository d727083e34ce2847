import { benchDealFanout } from './deal-fanout.bench';
import { benchDealRegister } from './deal-register.bench';
import { benchIncentiveStatements } from './incentive-statements.bench';
import { benchPartnerList } from './partner-list.bench';
import { benchUsageRating } from './usage-rating.bench';

// `pnpm bench`: prints figures; it is not a test and asserts no timings.
await benchPartnerList();
await benchDealFanout();
await benchDealRegister();
await benchUsageRating();
await benchIncentiveStatements();
