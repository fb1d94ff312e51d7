import ExcelJS from 'exceljs';
import { japanesePdf } from '../files/pdf.ts';
import type { ReportData } from './data.ts';
import { ja, jstDay, jstMinute } from './labels.ts';
import type { ReportTexts } from './schema.ts';

type Cell = string | number | null;
interface Section {
  title: string;
  header: string[];
  rows: Cell[][];
  /** Relative column widths in the PDF (default: equal). */
  widths?: number[];
  note?: string;
}

/** The report as N §3.1.3.3's sections: a heading, a table of plain values (numbers stay numbers), N's words for codes, JST times. */
export function reportSections(d: ReportData, texts: ReportTexts): Section[] {
  const kv = (o: Record<string, number>, group: Parameters<typeof ja>[0], prefix = '') =>
    Object.entries(o).map(([k, v]) => [`${prefix}${ja(group, k)}`, v] as Cell[]);
  const trendHeader = ['月', ...(['work_request', 'qa', 'trouble'] as const).map((c) => ja('incidentClass', c)), '合計'];
  return [
    {
      title: '1. 品質指標（KPI）の実績',
      header: ['指標', '目標(%)', '実績(%)', '達成', '原因', '対策'],
      widths: [2.4, 0.8, 0.9, 1, 1.6, 1.6],
      rows: d.kpis.map((k) => [
        k.label,
        k.target,
        k.value,
        k.status === 'no_source' ? ja('kpiStatus', k.status) : k.met === null ? '—' : k.met ? '達成' : '未達成',
        texts.kpis[k.key]?.cause ?? '',
        texts.kpis[k.key]?.countermeasure ?? '',
      ]),
    },
    { title: '2. インシデント（分類別）', header: ['分類', '件数'], rows: kv(d.incidents.byClass, 'incidentClass') },
    {
      title: '3. インシデント推移（過去6か月）',
      header: trendHeader,
      rows: d.incidents.trend.map((t) => [jstMonth(t.month), t.work_request, t.qa, t.trouble, t.total]),
    },
    {
      title: '4. インシデント（優先度・サービスレベル別）',
      header: ['区分', '件数'],
      rows: [...kv(d.incidents.byPriority, 'priority'), ...kv(d.incidents.byServiceLevel, 'serviceLevel')],
    },
    {
      title: '5. 問題管理（優先度「高」の進捗・予防保守）',
      header: ['区分', '受付番号', '件名', '状態', '期限'],
      widths: [1.2, 1.5, 2, 2.3, 1.6],
      rows: [
        ['登録件数', d.problems.registered, '', '', ''],
        ['完了件数', d.problems.closed, '', '', ''],
        ...d.problems.highOpen.map((p) => ['優先度 高', p.receiptNo, p.title, ja('problemState', p.state), jstMinute(p.dueAt)]),
        ...d.problems.preventive.map((p) => [ja('problemSource', p.source), p.receiptNo, p.title, ja('problemState', p.state), '']),
      ],
    },
    {
      title: '6. 変更・リリース（予定と実績）',
      header: ['リリース番号', '予定開始', '実績開始', '結果', '緊急'],
      widths: [1.6, 1.3, 1.3, 2.2, 0.6],
      rows: [
        ...d.changes.releases.map((r) => [
          r.releaseNo,
          jstMinute(r.plannedStart),
          jstMinute(r.actualStart),
          r.result ? ja('releaseResult', r.result) : ja('releaseState', r.state),
          r.emergency ? '緊急' : '',
        ]),
        ['予定件数', d.changes.planned, '実施件数', d.changes.done, ''],
        ['切戻し件数', d.changes.rolledBack, '緊急件数', d.changes.emergency, ''],
        ...d.changes.maintenanceDays.map((m) => [`メンテナンス日 ${jstDay(m.day)}`, m.used, '', '', '']),
      ],
    },
    {
      title: '7. 監視（アラート件数）',
      header: ['種別', '件数'],
      rows: [['合計', d.monitoring.alertTotal], ...kv(d.monitoring.byItemType, 'itemType'), ...kv(d.monitoring.bySeverity, 'severity', '重要度 ')],
    },
    {
      title: '8. リソース使用状況（クラスタ別）',
      header: ['クラスタ', 'ホスト数', 'VM数', 'CPU(%)', 'メモリ(%)', 'ディスク(%)'],
      rows: d.monitoring.clusters.map((c) => [c.name, c.hostCount, c.vmCount, c.cpuPercent, c.memoryPercent, c.diskPercent]),
    },
    { title: '9. 移行・受入', header: ['状況'], rows: [[d.migration.note]] },
    { title: '10. リモート作業記録', header: ['状況'], rows: [[d.remoteWork.note]] },
    { title: '11. 修正情報', header: ['内容'], rows: [[texts.fixInfo || '（記入なし）']] },
    {
      title: '12. ドキュメントの変更',
      header: ['文書番号', '名称', '版', '公開日', '理由'],
      widths: [1.1, 2, 0.5, 1.3, 2],
      rows: d.documents.map((x) => [x.docNo, x.name, x.revisionNo, jstMinute(x.publishedAt), x.reason ?? '']),
    },
  ];
}

/** 2026-11 → 2026年11月. */
const jstMonth = (m: string) => `${m.slice(0, 4)}年${Number(m.slice(5, 7))}月`;

export interface ReportFile {
  body: Buffer;
  filename: string;
  filenameJa: string;
  contentType: string;
  rows: number;
}

export async function reportXlsx(d: ReportData, texts: ReportTexts): Promise<ReportFile> {
  const wb = new ExcelJS.Workbook();
  const sections = reportSections(d, texts);
  for (const s of sections) {
    const ws = wb.addWorksheet(s.title.replace(/[\\/?*[\]:]/g, '').slice(0, 31));
    ws.addRow(s.header).font = { bold: true };
    for (const r of s.rows) ws.addRow(r.map((c) => (c === null ? '' : c)));
    ws.columns.forEach((c) => (c.width = 18));
  }
  return {
    body: Buffer.from(await wb.xlsx.writeBuffer()),
    filename: `monthly_report_${d.month}.xlsx`,
    filenameJa: `月次報告書_${d.month}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    rows: sections.length,
  };
}

const fmt = (c: Cell) => (c === null ? '—' : typeof c === 'number' ? String(c) : c);

/** A4 PDF: title, each section's heading and table, vector bar charts for the trend and the resources, page numbers. */
export async function reportPdf(d: ReportData, texts: ReportTexts, opts: { compress?: boolean } = {}): Promise<ReportFile> {
  const { doc, done } = japanesePdf(`月次報告書 ${d.month}`, { ...opts, bufferPages: true });
  const left = 48;
  const width = doc.page.width - 96;
  const bottom = () => doc.page.height - 60;
  doc.fontSize(18).text(`月次報告書（${jstMonth(d.month)}）`, { align: 'center' });
  doc
    .fontSize(9)
    .fillColor('#555')
    .text(`集計日時 ${jstMinute(d.assembledAt)}`, { align: 'center' })
    .fillColor('#000');
  doc.moveDown();
  if (texts.summary) doc.fontSize(10).text(texts.summary).moveDown();
  const sections = reportSections(d, texts);
  for (const [i, s] of sections.entries()) {
    if (doc.y > bottom() - 80) doc.addPage();
    doc.fontSize(13).fillColor('#1f3a68').text(s.title, left).fillColor('#000');
    doc.moveDown(0.3);
    const weights = s.widths ?? s.header.map(() => 1);
    const sum = weights.reduce((a, b) => a + b, 0);
    const colW = weights.map((w) => (width * w) / sum);
    const colX = colW.map((_, j) => left + colW.slice(0, j).reduce((a, b) => a + b, 0));
    const row = (cells: Cell[], bold: boolean) => {
      doc.fontSize(8.5);
      const h = Math.max(16, ...cells.map((c, j) => doc.heightOfString(fmt(c), { width: colW[j]! - 6 }) + 6));
      if (doc.y + h > bottom()) doc.addPage();
      const y = doc.y;
      if (bold) doc.rect(left, y, width, h).fill('#e8eef7').fillColor('#000');
      cells.forEach((c, j) => {
        doc.rect(colX[j]!, y, colW[j]!, h).lineWidth(0.5).strokeColor('#999').stroke();
        doc.fillColor('#000').text(fmt(c), colX[j]! + 3, y + 3, { width: colW[j]! - 6, align: typeof c === 'number' ? 'right' : 'left' });
      });
      doc.x = left;
      doc.y = y + h;
    };
    row(s.header, true);
    if (s.rows.length === 0) row(['（該当なし）', ...s.header.slice(1).map(() => '')], false);
    for (const r of s.rows) row(r, false);
    doc.moveDown(0.8);
    if (i === 2)
      barChart(
        doc,
        '件数の推移',
        d.incidents.trend.map((t) => ({ label: t.month.replace('-', '/'), values: [t.work_request, t.qa, t.trouble] })),
        (['work_request', 'qa', 'trouble'] as const).map((c) => ja('incidentClass', c)),
        null,
      );
    if (i === 7 && d.monitoring.clusters.length)
      barChart(
        doc,
        'CPU・メモリ・ディスク使用率(%)',
        d.monitoring.clusters.slice(0, 12).map((c) => ({ label: c.name, values: [c.cpuPercent ?? 0, c.memoryPercent ?? 0, c.diskPercent ?? 0] })),
        ['CPU', 'メモリ', 'ディスク'],
        100,
      );
  }
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    doc.page.margins.bottom = 0; // the footer sits below the text area: no page break
    doc
      .fontSize(8)
      .fillColor('#555')
      .text(`${p + 1} / ${range.count}`, left, doc.page.height - 40, { width, align: 'center', lineBreak: false });
  }
  doc.end();
  return {
    body: await done,
    filename: `monthly_report_${d.month}.pdf`,
    filenameJa: `月次報告書_${d.month}.pdf`,
    contentType: 'application/pdf',
    rows: range.count,
  };
}

const COLORS = ['#4e79a7', '#f28e2b', '#e15759'];

/** Grouped vertical bars drawn with pdfkit paths (no raster). */
function barChart(doc: PDFKit.PDFDocument, title: string, groups: { label: string; values: number[] }[], series: string[], max: number | null) {
  const h = 140;
  if (doc.y + h + 40 > doc.page.height - 60) doc.addPage();
  const x0 = 80;
  const y0 = doc.y + 16;
  const w = doc.page.width - 48 - x0;
  const top = Math.max(1, max ?? Math.max(1, ...groups.flatMap((g) => g.values)));
  doc.fontSize(9).fillColor('#000').text(title, 48, doc.y);
  doc
    .moveTo(x0, y0)
    .lineTo(x0, y0 + h)
    .lineTo(x0 + w, y0 + h)
    .lineWidth(0.7)
    .strokeColor('#333')
    .stroke();
  doc
    .fontSize(7)
    .text(String(top), 48, y0 - 3, { width: 28, align: 'right' })
    .text('0', 48, y0 + h - 4, { width: 28, align: 'right' });
  const gw = w / Math.max(1, groups.length);
  const bw = (gw * 0.8) / series.length;
  groups.forEach((g, i) => {
    g.values.forEach((v, j) => {
      const bh = (Math.min(v, top) / top) * h;
      doc.rect(x0 + i * gw + gw * 0.1 + j * bw, y0 + h - bh, bw - 1, bh).fill(COLORS[j % COLORS.length]!);
    });
    doc
      .fillColor('#000')
      .fontSize(7)
      .text(g.label, x0 + i * gw, y0 + h + 3, { width: gw, align: 'center', lineBreak: false });
  });
  series.forEach((s, j) => {
    doc.rect(x0 + j * 70, y0 + h + 16, 8, 8).fill(COLORS[j]!);
    doc
      .fillColor('#000')
      .fontSize(7)
      .text(s, x0 + j * 70 + 11, y0 + h + 16, { lineBreak: false });
  });
  doc.x = 48;
  doc.y = y0 + h + 34;
}
