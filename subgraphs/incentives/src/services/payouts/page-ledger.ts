import { In, type EntityManager } from 'typeorm';
import type { Database } from '@hub/db';
import { FrozenPeriods, quarterBounds, type PayoutLine, type Quarter, type RuleVersion } from '../../domain';
import { DealFactEntity, StatementEntity, type PayeeKind, type ProgramFactEntity } from '../../entities';
import { PartnerHistories, wonBetween } from '../ledger-reader';

/** Approved and paid statements never change. */
export const FINAL: readonly string[] = ['APPROVED', 'PAID'];

/** A page of a statements computation: payees of one kind, for one quarter. */
export interface PayoutPage {
  kind: PayeeKind;
  ids: string[];
  period: Quarter;
}

/**
 * What one page of payees is owed is read here, each read once however many sources ask for it
 * (and however many rule sets a simulation tries on the page): every read covers the whole page
 * in one query, never one payee at a time.
 */
export class PageLedger {
  private readonly reads = new Map<string, Promise<unknown>>();
  readonly from: string;
  readonly to: string;

  constructor(
    readonly manager: EntityManager,
    readonly dialect: Database['dialect'],
    readonly page: PayoutPage,
    readonly programs: Map<string, ProgramFactEntity>,
  ) {
    ({ from: this.from, to: this.to } = quarterBounds(page.period));
  }

  /** The read under `key`, done on first ask. */
  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let pending = this.reads.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = read();
      this.reads.set(key, pending);
    }
    return pending;
  }

  /** Deals won in the quarter whose seller, referrer or distributor is one of the page's payees. */
  wonDeals(by: 'partnerId' | 'referringPartnerId' | 'distributorId'): Promise<DealFactEntity[]> {
    return this.once(`won:${by}`, () => this.manager.findBy(DealFactEntity, { ...wonBetween(this.from, this.to), [by]: In(this.page.ids) }));
  }

  /** How these partners stood over time (tiers, specializations, focus), one batch per distinct set. */
  histories(partnerIds: readonly string[]): Promise<PartnerHistories> {
    const ids = [...new Set(partnerIds)].sort();
    return this.once(`histories:${ids.join(',')}`, () => PartnerHistories.load(this.manager, ids, this.programs));
  }

  /** The page's payees' statements of every quarter, and which quarters are frozen for them. */
  statements(): Promise<{ all: Pick<StatementEntity, 'payeeId' | 'period' | 'status' | 'computedAt'>[]; frozen: FrozenPeriods }> {
    return this.once('statements', async () => {
      const all = await this.manager.find(StatementEntity, {
        select: { payeeId: true, period: true, status: true, computedAt: true },
        where: { payeeKind: this.page.kind, payeeId: In(this.page.ids) },
      });
      return { all, frozen: new FrozenPeriods(all.filter((st) => FINAL.includes(st.status))) };
    });
  }

  /** The payout-line source of an MDF claim, as SQL (string concatenation differs by dialect). */
  claimSource(alias: string): string {
    return this.dialect === 'mysql' ? `CONCAT('mdf-claim:', ${alias}.id)` : `'mdf-claim:' || ${alias}.id`;
  }
}

/** What a source needs to find the payees a quarter may owe: one DISTINCT query or a few. */
export interface PeriodScope {
  manager: EntityManager;
  dialect: Database['dialect'];
  kind: PayeeKind;
  period: Quarter;
  from: string;
  to: string;
}

/** A won deal of the quarter, as a query to select one payee column from. */
export function wonInQuarter(scope: PeriodScope) {
  return scope.manager.createQueryBuilder(DealFactEntity, 'deal').where("deal.status = 'WON' AND deal.closedOn BETWEEN :from AND :to", { from: scope.from, to: scope.to });
}

/**
 * One kind of money a statement holds. Planning asks every source which payees it may owe in
 * the quarter (so the pages cover them); computing asks it for a page's lines and writes what
 * it returns. A source reads through the page ledger and computes with the pure rules of the
 * registry, under the rule versions it is given (the published ones, or a simulation's drafts).
 */
export interface PayoutSource {
  readonly name: string;
  readonly payeeKinds: readonly PayeeKind[];
  /** Payees of `scope.kind` this source may owe in the quarter; omitted when another source's payees include them. */
  payees?(scope: PeriodScope): Promise<(string | null)[]>;
  lines(ledger: PageLedger, rules: readonly RuleVersion[]): Promise<PayoutLine[]>;
}

/** The ids of a `SELECT DISTINCT … AS id` query. */
export async function distinctIds(rows: Promise<{ id: string | null }[]>): Promise<(string | null)[]> {
  return (await rows).map((row) => row.id);
}
