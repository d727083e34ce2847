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

/**
 * One kind of money a statement holds. The orchestrator asks every source for the page's lines
 * and writes what they return; a source reads through the page ledger and computes with the
 * pure rules of the registry, under the rule versions it is given (the published ones, or a
 * simulation's drafts).
 */
export interface PayoutSource {
  readonly name: string;
  readonly payeeKinds: readonly PayeeKind[];
  lines(ledger: PageLedger, rules: readonly RuleVersion[]): Promise<PayoutLine[]>;
}
