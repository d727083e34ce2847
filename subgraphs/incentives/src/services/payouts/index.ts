import type { EntityManager } from 'typeorm';
import type { Database } from '@hub/db';
import type { PayoutLine, Quarter, RuleVersion } from '../../domain';
import type { PayeeKind } from '../../entities';
import { clawbacksSource } from './clawbacks.source';
import { dealPayoutsSource } from './deal-payouts.source';
import { lateCatchUpSource } from './late-catch-up.source';
import { mdfSource } from './mdf.source';
import { payeesOf as payeesNamedBy } from './payees';
import type { PageLedger, PayoutSource } from './page-ledger';
import { quarterPayoutsSource } from './quarter-payouts.source';
import { referralFeesSource } from './referral-fees.source';

export { FINAL, PageLedger, type PayoutPage, type PayoutSource, type PeriodScope } from './page-ledger';

/** Everything a statement can hold. A rule kind plugs into one of them through its registry hook. */
export const PAYOUT_SOURCES: readonly PayoutSource[] = [dealPayoutsSource, referralFeesSource, quarterPayoutsSource, mdfSource, clawbacksSource, lateCatchUpSource];

/** Every payee of the page (even those owed nothing now) with the lines the sources give it under `rules`. */
export async function owedOnPage(ledger: PageLedger, rules: readonly RuleVersion[]): Promise<Map<string, PayoutLine[]>> {
  const { kind, ids } = ledger.page;
  const found = await Promise.all(PAYOUT_SOURCES.filter((source) => source.payeeKinds.includes(kind)).map((source) => source.lines(ledger, rules)));
  const owed = new Map<string, PayoutLine[]>(ids.map((id) => [id, []]));
  for (const lines of found) for (const line of lines) owed.get(line.payee.id)?.push(line);
  return owed;
}

/** The payees of `kind` the quarter may owe, as the sources name them, and those with a statement for it. */
export function payeesOf(manager: EntityManager, dialect: Database['dialect'], kind: PayeeKind, period: Quarter): Promise<string[]> {
  return payeesNamedBy(PAYOUT_SOURCES, manager, dialect, kind, period);
}
