import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { neutralise } from '../cmdb/index.ts';

/**
 * Ledger export of the incident and problem ledgers: XLSX, or CSV in UTF-8 with a BOM so Excel
 * reads Japanese, with formula-like text cells neutralised (CSV injection) by the CMDB's rule.
 */
export interface LedgerColumn<R> {
  header: string;
  value: (r: R) => string | number | null;
  width?: number;
}

/** An instant as users read it, Asia/Tokyo: 2026-11-24 10:05. */
export function jstCell(d: Date | null | undefined): string | null {
  return d ? new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : null;
}

export function ledgerCsv<R>(cols: readonly LedgerColumn<R>[], rows: readonly R[]): Buffer {
  const body = stringify(
    [cols.map((c) => c.header), ...rows.map((r) => cols.map((c) => {
      const v = c.value(r);
      return typeof v === 'string' ? neutralise(v) : v;
    }))],
    { record_delimiter: '\r\n' },
  );
  return Buffer.concat([Buffer.from('\uFEFF', 'utf8'), Buffer.from(body, 'utf8')]);
}

export async function ledgerXlsx<R>(sheet: string, cols: readonly LedgerColumn<R>[], rows: readonly R[], exportedAt: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kiban';
  wb.created = exportedAt;
  const ws = wb.addWorksheet(sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = cols.map((c) => ({ header: c.header, width: c.width ?? Math.max(10, c.header.length * 2 + 2) }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(cols.map((c) => c.value(r)));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface LedgerFile {
  body: Buffer;
  filename: string;
  filenameJa: string;
  contentType: string;
  rows: number;
}

export async function ledgerFile<R>(
  name: { en: string; ja: string },
  format: 'xlsx' | 'csv',
  cols: readonly LedgerColumn<R>[],
  rows: readonly R[],
  now: Date,
): Promise<LedgerFile> {
  const stamp = new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
  return {
    body: format === 'csv' ? ledgerCsv(cols, rows) : await ledgerXlsx(name.ja, cols, rows, now),
    filename: `${name.en}-${stamp}.${format}`,
    filenameJa: `${name.ja}_${stamp}.${format}`,
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    rows: rows.length,
  };
}
