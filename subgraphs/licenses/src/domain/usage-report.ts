import { InvalidInputError, type IsoDate } from '@hub/domain';
import { LicensesError } from './errors';
import { isMonthLocked, lastReportingDay, liveDuring, monthOf, type Month } from './months';
import { checkSeats } from './usage-rating';

export interface UsageLineInput {
  customer: string;
  sku: string;
  seats: number;
}

export interface DeploymentFacts {
  customerId: string;
  sku: string;
  deployedOn: IsoDate;
  endedOn: IsoDate | null;
}

export interface ReportContext {
  month: Month;
  today: IsoDate;
  lockDay: number;
  /** Set when the month's statement was issued early by staff. */
  issued: boolean;
  billingOf: (sku: string) => 'TERM' | 'USAGE' | undefined;
  /** The provider's deployments under its master licence, whatever their state. */
  deployments: readonly DeploymentFacts[];
}

/** The month must have begun and must still accept reports. */
export function assertMonthOpen(month: Month, today: IsoDate, lockDay: number, issued: boolean): void {
  if (month > monthOf(today)) throw new InvalidInputError('month', `${month} has not begun`);
  if (issued || isMonthLocked(month, lockDay, today)) {
    throw new LicensesError(
      'LICENSES.MONTH_LOCKED',
      issued
        ? `${month} is closed: its usage statement has been issued; corrections go to the vendor`
        : `${month} is locked: reports were accepted until ${lastReportingDay(month, lockDay)}; corrections go to the vendor`,
      { month, lastReportingDay: lastReportingDay(month, lockDay) },
    );
  }
}

/**
 * Checks every line of a monthly report against the catalog and the provider's deployments.
 * Each (customer, SKU) appears once; a customer is known only through a deployment of that SKU
 * that was live during the month (removed mid-month still counts that month, not after).
 */
/** Lines one report may carry: a provider's customers × SKUs, with room; beyond, it is an error, not a slow request. */
export const MAX_REPORT_LINES = 50_000;

export function validateUsageLines(lines: readonly UsageLineInput[], context: ReportContext): UsageLineInput[] {
  if (lines.length > MAX_REPORT_LINES) throw new InvalidInputError('lines', `at most ${MAX_REPORT_LINES} lines per report, got ${lines.length}`);
  assertMonthOpen(context.month, context.today, context.lockDay, context.issued);
  const byCustomerAndSku = new Map<string, DeploymentFacts[]>();
  const customers = new Set<string>();
  for (const deployment of context.deployments) {
    const key = `${deployment.customerId}\u0000${deployment.sku}`;
    byCustomerAndSku.set(key, [...(byCustomerAndSku.get(key) ?? []), deployment]);
    customers.add(deployment.customerId);
  }
  const seen = new Set<string>();
  return lines.map((line, index) => {
    const field = `lines[${index}]`;
    const sku = line.sku.trim().toUpperCase();
    const billing = context.billingOf(sku);
    if (billing === undefined) throw new InvalidInputError(`${field}.sku`, `unknown SKU "${line.sku}"`);
    if (billing !== 'USAGE') throw new InvalidInputError(`${field}.sku`, `${sku} is a term SKU; usage reports take usage SKUs only`);
    checkSeats(`${field}.seats`, line.seats);
    const key = `${line.customer}\u0000${sku}`;
    if (seen.has(key)) throw new InvalidInputError(field, `customer ${line.customer} and ${sku} appear twice; report one line per customer and SKU`);
    seen.add(key);
    const deployments = byCustomerAndSku.get(key) ?? [];
    if (deployments.length === 0) {
      const known = customers.has(line.customer);
      throw new InvalidInputError(
        `${field}.customer`,
        known ? `customer ${line.customer} has no deployment of ${sku}` : `unknown customer "${line.customer}": the provider has no deployment for it`,
      );
    }
    if (!deployments.some((d) => liveDuring(d, context.month))) {
      const ended = deployments.map((d) => d.endedOn).filter((d): d is string => d !== null).sort().at(-1);
      throw new InvalidInputError(
        `${field}.customer`,
        ended ? `the deployment of ${sku} for customer ${line.customer} ended on ${ended}; it is not billable in ${context.month}` : `the deployment of ${sku} for customer ${line.customer} starts after ${context.month}`,
      );
    }
    return { customer: line.customer, sku, seats: line.seats };
  });
}
