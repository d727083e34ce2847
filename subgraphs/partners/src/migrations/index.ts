import { AddOutbox1795304367564 } from './AddOutbox1795304367564';
import { Initial1795300863799 } from './Initial1795300863799';
import { AddAuditTrail1796148669455 } from './AddAuditTrail1796148669455';
import { AddParkedEvents1796156279405, ProcessedEventAgeIndex1796161448362 } from '@hub/events';
import { TierHistoryIndex1796159482040 } from './TierHistoryIndex1796159482040';

/** In order; each runs once per database, in its own transaction. */
export const partnersMigrations = [Initial1795300863799, AddOutbox1795304367564, AddAuditTrail1796148669455, AddParkedEvents1796156279405, TierHistoryIndex1796159482040, ProcessedEventAgeIndex1796161448362];
