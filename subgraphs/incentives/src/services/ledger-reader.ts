import { Between, In, type EntityManager } from 'typeorm';
import {
  certifiedStaffOn,
  rulesInEffect,
  specializationsOn,
  tierOn,
  versionOn,
  type DealFacts,
  type DealRuleSet,
  type PartnerStanding,
  type RuleVersion,
} from '../domain';
import { CertificationFactEntity, type DealFactEntity, PartnerFactEntity, ProgramFactEntity, type ProgramVersionFact, SegmentFocusFactEntity, TierFactEntity } from '../entities';

/**
 * Reads the ledger in batches: for a set of partners, everything needed to say how each stood
 * on any date (tier, specializations, segment focus, certified staff). One query per fact kind,
 * however many partners or dates.
 */
export class PartnerHistories {
  private constructor(
    private readonly programs: Map<string, ProgramFactEntity>,
    private readonly partners: Map<string, PartnerFactEntity>,
    private readonly tiers: Map<string, TierFactEntity[]>,
    private readonly certifications: Map<string, CertificationFactEntity[]>,
    private readonly focus: Map<string, SegmentFocusFactEntity[]>,
  ) {}

  static async load(manager: EntityManager, partnerIds: readonly string[], programs: Map<string, ProgramFactEntity>): Promise<PartnerHistories> {
    const ids = [...new Set(partnerIds)];
    if (ids.length === 0) return new PartnerHistories(programs, new Map(), new Map(), new Map(), new Map());
    const [partners, tiers, certifications, focus] = await Promise.all([
      manager.findBy(PartnerFactEntity, { id: In(ids) }),
      manager.findBy(TierFactEntity, { partnerId: In(ids) }),
      manager.findBy(CertificationFactEntity, { partnerId: In(ids) }),
      manager.findBy(SegmentFocusFactEntity, { partnerId: In(ids) }),
    ]);
    return new PartnerHistories(programs, new Map(partners.map((p) => [p.id, p])), groupBy(tiers, (t) => t.partnerId), groupBy(certifications, (c) => c.partnerId), groupBy(focus, (f) => f.partnerId));
  }

  partner(partnerId: string): PartnerFactEntity | undefined {
    return this.partners.get(partnerId);
  }

  /** The partner as it stood on `date`; null when the ledger does not know the partner yet. */
  standingOn(partnerId: string, date: string): PartnerStanding | null {
    const partner = this.partners.get(partnerId);
    if (!partner) return null;
    const fact = this.programs.get(partner.programCode);
    const program = fact && programOn(fact, date);
    const lowest = program?.tiers.slice().sort((a, b) => a.rank - b.rank)[0]?.code ?? '';
    const focusFacts = (this.focus.get(partnerId) ?? []).map((f) => ({ tierCode: f.segmentFocus, effectiveFrom: f.effectiveFrom, recordedAt: f.recordedAt }));
    return {
      partnerId,
      programCode: partner.programCode,
      // Before its first assignment a partner sits on the lowest tier of its program.
      tierCode: tierOn(this.tiers.get(partnerId) ?? [], date) ?? lowest,
      specializations: specializationsOn(this.certifications.get(partnerId) ?? [], program?.specializations ?? [], date),
      // The same "latest on or before the date" question as tiers; before the first snapshot, its current focus.
      segmentFocus: (tierOn(focusFacts, date) as PartnerStanding['segmentFocus'] | null) ?? partner.segmentFocus,
    };
  }

  certifiedStaffOn(partnerId: string, date: string): number {
    return certifiedStaffOn(this.certifications.get(partnerId) ?? [], date);
  }
}

export function dealFacts(row: DealFactEntity): DealFacts {
  return {
    dealId: row.dealId,
    partnerId: row.partnerId,
    distributorId: row.distributorId,
    referringPartnerId: row.referringPartnerId,
    programCode: row.programCode,
    type: row.type,
    productLine: row.productLine,
    segment: row.segment,
    seats: row.seats,
    amountMinor: row.amount,
    currency: row.currency,
    registered: row.registered,
    closedOn: row.closedOn,
  };
}

/** The rules of a deal's program in effect on its date. */
export function dealRuleSet(rules: readonly RuleVersion[], programCode: string, date: string): DealRuleSet {
  return rulesInEffect(rules, programCode, date);
}

/** The program's book in force on `date` (see `versionOn`); its own snapshot in ledgers kept before versions were. */
export function programOn(program: ProgramFactEntity, date: string): Pick<ProgramVersionFact, 'noDowngradeUntil' | 'tiers' | 'specializations'> {
  return versionOn(program.versions, date) ?? program;
}

export async function loadPrograms(manager: EntityManager): Promise<Map<string, ProgramFactEntity>> {
  return new Map((await manager.find(ProgramFactEntity)).map((program) => [program.code, program]));
}

export function wonBetween(from: string, to: string) {
  return { status: 'WON' as const, closedOn: Between(from, to) };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
