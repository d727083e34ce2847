import { AddDealFactIndexes1795314066282 } from './AddDealFactIndexes1795314066282';
import { Initial1795309091089 } from './Initial1795309091089';
import { AddAuditTrail1796148676311 } from './AddAuditTrail1796148676311';
import { AddJobs1796150447212 } from './AddJobs1796150447212';
import { AddJobPages1796151809982 } from './AddJobPages1796151809982';
import { AddProgramVersions1796159402281 } from './AddProgramVersions1796159402281';
import { AddParkedEvents1796156279405, ProcessedEventAgeIndex1796161448362 } from '@hub/events';

/** In order; each runs once per database, in its own transaction. */
export const incentivesMigrations = [Initial1795309091089, AddDealFactIndexes1795314066282, AddAuditTrail1796148676311, AddJobs1796150447212, AddJobPages1796151809982, AddParkedEvents1796156279405, AddProgramVersions1796159402281, ProcessedEventAgeIndex1796161448362];
