import { AddCustomerLocks1795308507005 } from './AddCustomerLocks1795308507005';
import { Initial1795307487128 } from './Initial1795307487128';
import { AddAuditTrail1796148672946 } from './AddAuditTrail1796148672946';
import { AddJobs1796151016658 } from './AddJobs1796151016658';
import { AddJobPages1796151815286 } from './AddJobPages1796151815286';
import { PublishCatalog1796156404853 } from './PublishCatalog1796156404853';
import { AddLicenseExpiringNotice1796165362574 } from './AddLicenseExpiringNotice1796165362574';
import { AddParkedEvents1796156279405, ProcessedEventAgeIndex1796161448362 } from '@hub/events';

/** In order; each runs once per database, in its own transaction. */
export const licensesMigrations = [Initial1795307487128, AddCustomerLocks1795308507005, AddAuditTrail1796148672946, AddJobs1796151016658, AddJobPages1796151815286, PublishCatalog1796156404853, AddParkedEvents1796156279405, ProcessedEventAgeIndex1796161448362, AddLicenseExpiringNotice1796165362574];
