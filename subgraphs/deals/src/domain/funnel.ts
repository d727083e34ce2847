/**
 * Pure arithmetic for the pipeline funnel: exact decimal strings, never floats, rounded half up.
 */

/** numerator / denominator as a decimal string with `digits` places; null when nothing to divide by. */
export function ratio(numerator: bigint, denominator: bigint, digits: number): string | null {
  if (denominator === 0n) return null;
  const negative = numerator < 0n !== denominator < 0n && numerator !== 0n;
  const [n, d] = [numerator < 0n ? -numerator : numerator, denominator < 0n ? -denominator : denominator];
  const scale = 10n ** BigInt(digits);
  const scaled = (n * scale * 2n + d) / (d * 2n);
  const whole = (scaled / scale).toString();
  const fraction = digits > 0 ? `.${(scaled % scale).toString().padStart(digits, '0')}` : '';
  return `${negative && scaled !== 0n ? '-' : ''}${whole}${fraction}`;
}

/**
 * The median of a sorted list given its one or two middle values (an even count averages the
 * two), in `unit`s per day, as days with two decimals.
 */
export function medianDays(middle: readonly bigint[], unitsPerDay: bigint): string | null {
  if (middle.length === 0) return null;
  const sum = middle.reduce((total, value) => total + value, 0n);
  return ratio(sum, unitsPerDay * BigInt(middle.length), 2);
}

/** The 0-based offset of the first middle value and how many middle values a count has. */
export function medianWindow(count: number): { offset: number; take: number } {
  return count % 2 === 1 ? { offset: (count - 1) / 2, take: 1 } : { offset: count / 2 - 1, take: 2 };
}
