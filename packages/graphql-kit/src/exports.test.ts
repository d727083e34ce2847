import { describe, expect, it } from 'vitest';
import { monthRange, pagedRows, quarterRange, quarterRangeProblem, quartersBetween } from './exports';

describe('export periods', () => {
  it('lists the quarters of a range, across years', () => {
    expect(quartersBetween('2025-Q3', '2026-Q2')).toEqual(['2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2']);
    expect(quartersBetween('2026-Q1', '2026-Q1')).toEqual(['2026-Q1']);
  });

  it('names the parameter that is wrong', () => {
    expect(quarterRangeProblem('2026-Q0', '2026-Q1')?.field).toBe('from');
    expect(quarterRangeProblem('2026-Q1', '2026-3')?.field).toBe('to');
    expect(quarterRangeProblem('2026-Q2', '2026-Q1')).toEqual({ field: 'to', message: 'to: must not be before from (2026-Q2)' });
    expect(quarterRangeProblem('2016-Q1', '2026-Q1')?.message).toMatch(/at most 40 quarters/);
    expect(quarterRangeProblem('2016-Q2', '2026-Q1')).toBeUndefined();
  });

  it('refuses years no deal, statement or usage month can have, as every other period input does, rather than building dates the database misreads', () => {
    // "0001-Q1" once became the quarter "1-Q1" and the date range "1-01-01": the subgraph failed
    // mid-export and the gateway answered 502. "9999-Q4" ends on "10000-01-01".
    expect(quarterRangeProblem('0001-Q1', '0001-Q1')).toEqual({ field: 'from', message: 'from: "0001-Q1" is outside the years 2000 to 2100' });
    expect(quarterRangeProblem('2100-Q1', '9999-Q4')?.field).toBe('to');
    expect(quartersBetween('2000-Q1', '2000-Q2')).toEqual(['2000-Q1', '2000-Q2']);
    expect(quarterRange(quartersBetween('2100-Q4', '2100-Q4'))).toEqual({ fromDate: '2100-10-01', untilDate: '2101-01-01' });
  });

  it('gives the half-open date range and the months of quarters', () => {
    expect(quarterRange(['2026-Q1'])).toEqual({ fromDate: '2026-01-01', untilDate: '2026-04-01' });
    expect(quarterRange(['2025-Q4', '2026-Q1'])).toEqual({ fromDate: '2025-10-01', untilDate: '2026-04-01' });
    expect(quarterRange(['2026-Q4'])).toEqual({ fromDate: '2026-10-01', untilDate: '2027-01-01' });
    expect(monthRange(['2026-Q4'])).toEqual({ fromMonth: '2026-10', toMonth: '2026-12' });
    expect(monthRange(['2026-Q2', '2026-Q3'])).toEqual({ fromMonth: '2026-04', toMonth: '2026-09' });
  });
});

describe('pagedRows', () => {
  it('reads page after page from the last row, and each page only when the previous one is consumed', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => i);
    const asked: (string | undefined)[] = [];
    const source = pagedRows(async (after) => {
      asked.push(after);
      const rest = rows.filter((row) => after === undefined || row > Number(after));
      return { nodes: rest.slice(0, 3), hasNextPage: rest.length > 3, cursorOf: (row: number) => String(row) };
    });
    const seen: number[] = [];
    for await (const row of source) {
      seen.push(row);
      if (row === 1) expect(asked).toEqual([undefined]);
    }
    expect(seen).toEqual(rows);
    expect(asked).toEqual([undefined, '2', '5']);
  });
});
