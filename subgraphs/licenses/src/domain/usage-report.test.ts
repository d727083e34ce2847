import { describe, expect, it } from 'vitest';
import { LicensesError } from './errors';
import { assertMonthOpen, MAX_REPORT_LINES, validateUsageLines, type ReportContext, type UsageLineInput } from './usage-report';

const BILLING: Record<string, 'TERM' | 'USAGE'> = { 'ENDPOINT-STD-U': 'USAGE', 'EMAIL-STD-U': 'USAGE', 'ENDPOINT-STD-T': 'TERM' };

/** September 2026, reported on 5 October with a lock day of 10. */
const SEPTEMBER: ReportContext = {
  month: '2026-09',
  today: '2026-10-05',
  lockDay: 10,
  issued: false,
  billingOf: (sku) => BILLING[sku],
  deployments: [
    { customerId: 'running', sku: 'ENDPOINT-STD-U', deployedOn: '2026-01-10', endedOn: null },
    { customerId: 'email-only', sku: 'EMAIL-STD-U', deployedOn: '2026-02-01', endedOn: null },
    { customerId: 'ended-in-august', sku: 'ENDPOINT-STD-U', deployedOn: '2026-03-01', endedOn: '2026-08-31' },
    { customerId: 'removed-mid-month', sku: 'ENDPOINT-STD-U', deployedOn: '2026-09-20', endedOn: '2026-09-25' },
    { customerId: 'starts-in-october', sku: 'ENDPOINT-STD-U', deployedOn: '2026-10-02', endedOn: null },
  ],
};

function validate(lines: UsageLineInput[], context: Partial<ReportContext> = {}) {
  return validateUsageLines(lines, { ...SEPTEMBER, ...context });
}

function expectBadInput(run: () => unknown, field: string, message?: RegExp) {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toMatchObject({ code: 'BAD_USER_INPUT', field });
  if (message) expect((thrown as Error).message).toMatch(message);
}

describe('assertMonthOpen', () => {
  it('accepts the month that is running and the previous month until its last reporting day', () => {
    expect(() => assertMonthOpen('2026-10', '2026-10-05', 10, false)).not.toThrow();
    expect(() => assertMonthOpen('2026-09', '2026-10-10', 10, false)).not.toThrow();
  });

  it('rejects a month that has not begun as BAD_USER_INPUT on month', () => {
    expectBadInput(() => assertMonthOpen('2026-11', '2026-10-31', 10, false), 'month', /2026-11 has not begun/);
  });

  it('locks the month the day after its last reporting day with LICENSES.MONTH_LOCKED', () => {
    expect(() => assertMonthOpen('2026-09', '2026-10-11', 10, false)).toThrow(
      expect.objectContaining({ code: 'LICENSES.MONTH_LOCKED', details: { month: '2026-09', lastReportingDay: '2026-10-10' } }),
    );
    expect(() => assertMonthOpen('2026-09', '2026-10-11', 10, false)).toThrow(LicensesError);
  });

  it('closes a month whose statement was issued early, even inside the reporting window', () => {
    expect(() => assertMonthOpen('2026-09', '2026-10-01', 10, true)).toThrow(expect.objectContaining({ code: 'LICENSES.MONTH_LOCKED' }));
    expect(() => assertMonthOpen('2026-09', '2026-10-01', 10, true)).toThrow(/issued/);
  });
});

describe('validateUsageLines', () => {
  it('accepts a valid report and normalises SKUs to upper case', () => {
    const lines = validate([
      { customer: 'running', sku: 'endpoint-std-u', seats: 40 },
      { customer: 'removed-mid-month', sku: ' Endpoint-Std-U ', seats: 0 },
      { customer: 'email-only', sku: 'EMAIL-STD-U', seats: 5 },
    ]);
    expect(lines).toEqual([
      { customer: 'running', sku: 'ENDPOINT-STD-U', seats: 40 },
      { customer: 'removed-mid-month', sku: 'ENDPOINT-STD-U', seats: 0 },
      { customer: 'email-only', sku: 'EMAIL-STD-U', seats: 5 },
    ]);
  });

  it('accepts an empty report', () => {
    expect(validate([])).toEqual([]);
  });

  it('rejects a month that has not begun on the field month', () => {
    expectBadInput(() => validate([{ customer: 'running', sku: 'ENDPOINT-STD-U', seats: 1 }], { month: '2026-11' }), 'month');
  });

  it('rejects a locked month with LICENSES.MONTH_LOCKED', () => {
    expect(() => validate([{ customer: 'running', sku: 'ENDPOINT-STD-U', seats: 1 }], { today: '2026-10-11' })).toThrow(
      expect.objectContaining({ code: 'LICENSES.MONTH_LOCKED' }),
    );
  });

  it('rejects a month whose statement was issued with LICENSES.MONTH_LOCKED', () => {
    expect(() => validate([{ customer: 'running', sku: 'ENDPOINT-STD-U', seats: 1 }], { issued: true })).toThrow(
      expect.objectContaining({ code: 'LICENSES.MONTH_LOCKED' }),
    );
  });

  it('rejects an unknown SKU on lines[i].sku', () => {
    expectBadInput(
      () =>
        validate([
          { customer: 'running', sku: 'ENDPOINT-STD-U', seats: 1 },
          { customer: 'running', sku: 'NOPE-U', seats: 1 },
        ]),
      'lines[1].sku',
      /unknown SKU "NOPE-U"/,
    );
  });

  it('rejects a term SKU on lines[i].sku', () => {
    expectBadInput(() => validate([{ customer: 'running', sku: 'endpoint-std-t', seats: 1 }]), 'lines[0].sku', /ENDPOINT-STD-T is a term SKU/);
  });

  it.each([-1, 2.5, Number.NaN])('rejects %s seats on lines[i].seats', (seats) => {
    expectBadInput(() => validate([{ customer: 'running', sku: 'ENDPOINT-STD-U', seats }]), 'lines[0].seats');
  });

  it('rejects the same customer and SKU twice, whatever the SKU case, naming the second line', () => {
    expectBadInput(
      () =>
        validate([
          { customer: 'running', sku: 'ENDPOINT-STD-U', seats: 10 },
          { customer: 'email-only', sku: 'EMAIL-STD-U', seats: 5 },
          { customer: 'running', sku: 'endpoint-std-u', seats: 20 },
        ]),
      'lines[2]',
      /appear twice/,
    );
  });

  it('rejects a customer the provider has no deployment for on lines[i].customer', () => {
    expectBadInput(() => validate([{ customer: 'stranger', sku: 'ENDPOINT-STD-U', seats: 1 }]), 'lines[0].customer', /unknown customer "stranger"/);
  });

  it('rejects a customer whose deployment is of another SKU on lines[i].customer', () => {
    expectBadInput(() => validate([{ customer: 'email-only', sku: 'ENDPOINT-STD-U', seats: 1 }]), 'lines[0].customer', /no deployment of ENDPOINT-STD-U/);
  });

  it('rejects a deployment that ended the month before', () => {
    expectBadInput(
      () => validate([{ customer: 'ended-in-august', sku: 'ENDPOINT-STD-U', seats: 1 }]),
      'lines[0].customer',
      /ended on 2026-08-31; it is not billable in 2026-09/,
    );
  });

  it('rejects a deployment made after the month', () => {
    expectBadInput(() => validate([{ customer: 'starts-in-october', sku: 'ENDPOINT-STD-U', seats: 1 }]), 'lines[0].customer', /starts after 2026-09/);
  });

  it('accepts the ended deployment in the month it was removed', () => {
    expect(validate([{ customer: 'ended-in-august', sku: 'ENDPOINT-STD-U', seats: 3 }], { month: '2026-08', today: '2026-09-10' })).toEqual([
      { customer: 'ended-in-august', sku: 'ENDPOINT-STD-U', seats: 3 },
    ]);
  });

  it('accepts a customer when one of several deployments of the SKU was live', () => {
    const deployments = [
      ...SEPTEMBER.deployments,
      { customerId: 'ended-in-august', sku: 'ENDPOINT-STD-U', deployedOn: '2026-09-15', endedOn: null },
    ];
    expect(validate([{ customer: 'ended-in-august', sku: 'ENDPOINT-STD-U', seats: 2 }], { deployments })).toHaveLength(1);
  });
});

describe('report size', () => {
  it('refuses more lines than one report may carry, naming the field', () => {
    const lines = Array.from({ length: MAX_REPORT_LINES + 1 }, (_, i) => ({ customer: `c${i}`, sku: 'ENDPOINT-STD-U', seats: 1 }));
    expect(() => validateUsageLines(lines, { month: '2026-05', today: '2026-06-02', lockDay: 10, issued: false, billingOf: () => 'USAGE', deployments: [] })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'lines' }),
    );
  });
});
