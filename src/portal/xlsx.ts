import ExcelJS from 'exceljs';
import { InputError } from '../kernel/errors.ts';
import type { PortalOs } from './catalog.ts';
import { MONITORING_LABELS, PLAN_COLUMNS, type PlanRow } from './rows.ts';

/**
 * The XLSX layout of 統合計画書 (M §5.1): the title, システム名称 and 提供期間（終了日）in the head, the
 * column headings on row 5 (項番 then PLAN_COLUMNS), one VM a row from row 6. Export and import read
 * the same layout, so an exported plan imports as the same rows.
 */
export const SHEET = '統合計画書';
const HEADER_ROW = 5;
const FIRST_ROW = 6;
const HEADINGS = ['項番', ...PLAN_COLUMNS.map((c) => c.ja)];

const yesNo = (v: boolean) => (v ? 'する' : 'しない');

export async function planWorkbook(plan: { planNo: string; title: string; provisionUntil: string; stateLabel: string }, systemName: string, rows: PlanRow[], os: PortalOs[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(SHEET);
  ws.getCell('A1').value = `統合計画書（${plan.planNo}）`;
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell('A2').value = 'システム名称';
  ws.getCell('B2').value = systemName;
  ws.getCell('A3').value = '提供期間（終了日）';
  ws.getCell('B3').value = plan.provisionUntil;
  ws.getCell('D2').value = '件名';
  ws.getCell('E2').value = plan.title;
  ws.getCell('D3').value = '状態';
  ws.getCell('E3').value = plan.stateLabel;
  const head = ws.getRow(HEADER_ROW);
  HEADINGS.forEach((h, i) => {
    const c = head.getCell(i + 1);
    c.value = h;
    c.font = { bold: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  });
  rows.forEach((r, i) => {
    const osName = os.find((o) => o.code === r.osCode)?.name ?? r.osCode;
    ws.getRow(FIRST_ROW + i).values = [
      i + 1,
      r.hostName,
      r.ip,
      osName,
      r.edition,
      r.bits,
      r.templateCode ?? '',
      r.cpu,
      r.memoryGb,
      r.diskGb,
      r.site === 'main' ? 'メイン' : 'サブ',
      r.hostPinning ?? 'しない',
      yesNo(r.srm),
      yesNo(r.ha),
      r.monitoring.map((m) => MONITORING_LABELS[m].ja).join('、'),
      r.mailAddresses.join('、'),
    ];
  });
  ws.columns.forEach((c, i) => {
    c.width = i === 0 ? 18 : i === 15 ? 36 : 16;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const cellText = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return v.result === undefined ? '' : String(v.result);
    return '';
  }
  return String(v);
};

/** The rows of an uploaded plan, as raw values for validatePlanRows; a file not in the layout is refused. */
export async function readPlanWorkbook(data: Buffer): Promise<{ provisionUntil: string | null; rows: Record<string, unknown>[] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new InputError('portal.xlsx_unreadable', {}, { file: { key: 'portal.xlsx_unreadable' } });
  }
  const ws = wb.getWorksheet(SHEET) ?? wb.worksheets[0];
  if (!ws) throw new InputError('portal.xlsx_unreadable', {}, { file: { key: 'portal.xlsx_unreadable' } });
  const head = ws.getRow(HEADER_ROW);
  HEADINGS.forEach((h, i) => {
    if (cellText(head.getCell(i + 1).value).trim() !== h) {
      const column = ws.getColumn(i + 1).letter;
      throw new InputError('portal.xlsx_header', { column, expected: h }, { file: { key: 'portal.xlsx_header', params: { column, expected: h } } });
    }
  });
  const until = cellText(ws.getCell('B3').value).trim();
  const rows: Record<string, unknown>[] = [];
  for (let n = FIRST_ROW; n <= ws.rowCount; n++) {
    const row = ws.getRow(n);
    const values = PLAN_COLUMNS.map((_c, i) => cellText(row.getCell(i + 2).value).trim());
    if (values.every((v) => v === '')) continue;
    const r: Record<string, unknown> = {};
    PLAN_COLUMNS.forEach((c, i) => {
      r[c.key] = values[i];
    });
    rows.push(r);
  }
  return { provisionUntil: /^\d{4}-\d{2}-\d{2}$/.test(until) ? until : null, rows };
}
