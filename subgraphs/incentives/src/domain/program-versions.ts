import type { IsoDate } from '@hub/domain';

/**
 * A program's rule book is versioned: partners publishes each version (`program.saved`) with
 * the date it takes effect, often ahead of time (next year's ladder in December). Standing and
 * payouts on a date use the version in force on that date.
 */
export interface ProgramVersion {
  version: number;
  effectiveFrom: IsoDate;
}

/**
 * The version in force on `date`: the latest effective date on or before it (the higher version
 * on a tie). Before the first version's date, the first version: a program's earliest book is
 * what its partners were held to before it was ever revised.
 */
export function versionOn<V extends ProgramVersion>(versions: readonly V[], date: IsoDate): V | undefined {
  let inForce: V | undefined;
  for (const candidate of versions) {
    if (candidate.effectiveFrom > date) continue;
    if (!inForce || candidate.effectiveFrom > inForce.effectiveFrom || (candidate.effectiveFrom === inForce.effectiveFrom && candidate.version > inForce.version)) {
      inForce = candidate;
    }
  }
  return inForce ?? earliest(versions);
}

/**
 * `versions` with `next` in it: a version number seen again replaces the earlier copy (a
 * redelivered or corrected event), and the list is ordered by effective date then version, so
 * the result does not depend on the order events arrive in.
 */
export function withVersion<V extends ProgramVersion>(versions: readonly V[], next: V): V[] {
  return [...versions.filter((v) => v.version !== next.version), next].sort((a, b) =>
    a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : a.version - b.version,
  );
}

function earliest<V extends ProgramVersion>(versions: readonly V[]): V | undefined {
  return [...versions].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : a.version - b.version))[0];
}
