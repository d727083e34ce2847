import { rawRows, type Database } from '@hub/db';
import { outboxSignal } from '@hub/events';
import { DistributorEntity, ProgramEntity, TierEntity } from '../entities';

/** Programs, tiers and distributors as one consistent, read-only copy. */
export interface ReferenceSnapshot {
  programs: ReadonlyMap<string, ProgramEntity>;
  tiers: ReadonlyMap<string, TierEntity>;
  /** Each program's ladder, lowest rank first. */
  tiersByProgram: ReadonlyMap<string, readonly TierEntity[]>;
  distributors: ReadonlyMap<string, DistributorEntity>;
  /** Each distributor's place in name order (`localeCompare`), so lists of them sort without comparing names. */
  distributorRank: ReadonlyMap<string, number>;
}

/** The events recorded when programs (with their tiers) or distributors are written. */
const REFERENCE_WRITES = [outboxSignal('program.saved'), outboxSignal('distributor.saved')];

/**
 * Programs, their tier ladders and the distributors: read by nearly every request (a page of 50
 * partners names 50 programs, tiers and distributor lists), written only when programs and
 * distributors are loaded. Each process keeps one copy, read in three statements. A transaction
 * of this process that records program.saved or distributor.saved drops it on commit; what
 * another process writes (`pnpm seed` against a shared database) shows within `maxAgeMs`.
 */
export class ReferenceData {
  private snapshot: Promise<ReferenceSnapshot> | null = null;
  private loaded: ReferenceSnapshot | null = null;
  private loadedAt = 0;

  constructor(
    private readonly database: Database,
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    database.onCommit((signals) => {
      if (REFERENCE_WRITES.some((signal) => signals.has(signal))) this.invalidate();
    });
  }

  get(): Promise<ReferenceSnapshot> {
    if (!this.snapshot || this.now() - this.loadedAt > this.maxAgeMs) {
      const loading = this.load();
      this.snapshot = loading;
      this.loaded = null;
      this.loadedAt = this.now();
      loading.then(
        (snapshot) => {
          if (this.snapshot === loading) this.loaded = snapshot;
        },
        // A failed read is not kept: the next request tries again.
        () => {
          if (this.snapshot === loading) this.snapshot = null;
        },
      );
    }
    return this.snapshot;
  }

  /** The copy `get()` would answer with, when it is already read and current; resolvers answer from it without waiting. */
  current(): ReferenceSnapshot | null {
    return this.snapshot && this.now() - this.loadedAt <= this.maxAgeMs ? this.loaded : null;
  }

  invalidate(): void {
    this.snapshot = null;
    this.loaded = null;
  }

  private async load(): Promise<ReferenceSnapshot> {
    const manager = this.database.dataSource.manager;
    const [programs, tiers, distributors] = await Promise.all([
      rawRows(manager.createQueryBuilder(ProgramEntity, 'program').orderBy('program.code', 'ASC')),
      rawRows(manager.createQueryBuilder(TierEntity, 'tier').orderBy('tier.programCode', 'ASC').addOrderBy('tier.rank', 'ASC')),
      rawRows(manager.createQueryBuilder(DistributorEntity, 'distributor').orderBy('distributor.name', 'ASC').addOrderBy('distributor.id', 'ASC')),
    ]);
    // Shared by every request from now on, so read-only by convention. Not frozen: federation's
    // _entities writes __typename onto each object it resolves.
    const tiersByProgram = new Map<string, TierEntity[]>();
    for (const tier of tiers) tiersByProgram.set(tier.programCode, [...(tiersByProgram.get(tier.programCode) ?? []), tier]);
    return {
      programs: new Map(programs.map((program) => [program.code, program])),
      tiers: new Map(tiers.map((tier) => [tier.id, tier])),
      tiersByProgram,
      distributors: new Map(distributors.map((distributor) => [distributor.id, distributor])),
      // Sorted from the SQL order (name, id), so equal names keep their id order.
      distributorRank: new Map([...distributors].sort((a, b) => a.name.localeCompare(b.name)).map((distributor, rank) => [distributor.id, rank])),
    };
  }
}
