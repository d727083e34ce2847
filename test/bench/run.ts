import { benchPartnerList } from './partner-list.bench';

// `pnpm bench`: prints figures; it is not a test and asserts no timings.
await benchPartnerList();
