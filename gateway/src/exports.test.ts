import { describe, expect, it } from 'vitest';
import { EXPORT_DATASETS, ExportParameterError, guardFormulas, parseExportQuery } from './exports';

const parse = (path: string) => parseExportQuery(new URL(path, 'http://gateway'));

function refusal(path: string): { field: string; message: string } {
  try {
    parse(path);
  } catch (error) {
    if (error instanceof ExportParameterError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error(`${path} was accepted`);
}

describe('export parameters', () => {
  it('reads one period, a range and the format (CSV by default)', () => {
    expect(parse('/exports/deals?period=2026-Q3')).toEqual({ dataset: 'deals', from: '2026-Q3', to: '2026-Q3', format: 'csv' });
    expect(parse('/exports/partner-metrics?from=2026-Q1&to=2026-Q4&format=ndjson')).toEqual({ dataset: 'partner-metrics', from: '2026-Q1', to: '2026-Q4', format: 'ndjson' });
  });

  it('names the parameter it refuses', () => {
    expect(refusal('/exports/toString?period=2026-Q1').field).toBe('dataset');
    expect(refusal('/exports/deals?period=2026-Q1&format=xml').field).toBe('format');
    expect(refusal('/exports/deals').field).toBe('period');
    expect(refusal('/exports/deals?to=2026-Q1').field).toBe('from');
    expect(refusal('/exports/deals?from=2026-Q1').field).toBe('to');
    expect(refusal('/exports/deals?period=Q1-2026')).toEqual({ field: 'period', message: 'period: "Q1-2026" is not a quarter (YYYY-Qn)' });
    expect(refusal('/exports/deals?from=2026-Q2&to=2026-Q1')).toEqual({ field: 'to', message: 'to: must not be before from (2026-Q2)' });
    expect(refusal('/exports/deals?period=0000-Q1').field).toBe('period');
  });

  it('refuses a parameter given twice rather than silently taking the first', () => {
    expect(refusal('/exports/deals?period=2026-Q1&format=ndjson&format=xlsx')).toEqual({ field: 'format', message: 'format: is given more than once' });
    expect(refusal('/exports/deals?period=2026-Q1&period=2026-Q2').field).toBe('period');
    expect(refusal('/exports/deals?from=2026-Q1&to=2026-Q2&to=2026-Q3').field).toBe('to');
  });

  it('refuses a dataset segment that is not valid percent-encoding as a bad dataset, not a server error', () => {
    expect(refusal('/exports/%E0%A4%A?period=2026-Q1')).toEqual({ field: 'dataset', message: 'dataset: "%E0%A4%A" is not valid percent-encoding' });
    expect(refusal('/exports/%ZZ?period=2026-Q1').field).toBe('dataset');
  });
});

describe('CSV cells a spreadsheet would run', () => {
  it('quotes formulas in free text and leaves amounts, ids and ordinary text alone', () => {
    const guard = guardFormulas(EXPORT_DATASETS.deals!);
    expect(guard('=HYPERLINK("http://evil","x")', { column: 'customerName' })).toBe('\'=HYPERLINK("http://evil","x")');
    expect(guard('@SUM(A1)', { column: 'customerName' })).toBe("'@SUM(A1)");
    expect(guard('-2+3', { column: 'customerName' })).toBe("'-2+3");
    expect(guard('Acme SA', { column: 'customerName' })).toBe('Acme SA');
    expect(guard('-12.50', { column: 'amount' })).toBe('-12.50');
    expect(guard('=1', { column: 'id' })).toBe('=1');
  });
});
