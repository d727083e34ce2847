import type { IsoDate } from '@hub/domain';
import { PartnersError } from './errors';

/**
 * A program may promise partners time to adapt to a new tier ladder: no downgrade takes
 * effect on or before its grace date (FR-2023: 2024-12-31). Upgrades are always allowed.
 */
export function assertDowngradeAllowed(
  program: { code: string; noDowngradeUntil: IsoDate | null },
  fromRank: number | undefined,
  toRank: number,
  effectiveFrom: IsoDate,
): void {
  const isDowngrade = fromRank !== undefined && toRank < fromRank;
  if (isDowngrade && program.noDowngradeUntil && effectiveFrom <= program.noDowngradeUntil) {
    throw new PartnersError(
      'PARTNERS.GRACE_PERIOD',
      `${program.code} partners cannot be downgraded before ${program.noDowngradeUntil}; the earliest effective date is the day after`,
      { program: program.code, noDowngradeUntil: program.noDowngradeUntil },
    );
  }
}
