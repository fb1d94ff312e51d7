import ExcelJS from 'exceljs';
import { japanesePdf } from '../files/pdf.ts';
import type { ClusterForecast, HalfYearData, Resource } from './halfyear-data.ts';
import type { HalfYearTexts } from './halfyear-schema.ts';
import type { ReportFile } from './output.ts';

type Cell = string | number | null;
interface Section {
  title: string;
  header: string[];
  rows: Cell[][];
}
/** 'YYYY-MM-DD HH:mm' in JST. */
export const jstText = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
const at = (x: string) => jstText(new Date(x));
const RES: Record<Resource, string> = { cpu: 'CPU', memory: 'メモリ', disk: 'ディスク' };
const ym = (m: string) => `${Number(m.slice(5))}月`;
const textRows = (s: string) => (s.trim() ? s.split('\n').map((l) => [l] as Cell[]) : [['（記入なし）']]);

/** The report as N §3.1.3.3's 半期報告会 items: a heading and a table of plain values each (numbers stay numbers). */
export function halfYearSections(d: HalfYearData, texts: HalfYearTexts): Section[] {
  const changes = [...d.scope.added.map((c) => ['追加', c] as const), ...d.scope.removed.map((c) => ['廃止', c] as const)];
  return [
    {
      title: '1. 品質目標の実績',
      header: ['指標', '目標(%)', ...d.months.map(ym), '半期(%)', '達成', 'コメント'],
      rows: d.kpis.map((k) => [k.label, k.target, ...k.months, k.half, k.met === null ? '—' : k.met ? '達成' : '未達成', texts.kpiNotes[k.key] ?? '']),
    },
    {
      title: '2. 次期間の品質目標案',
      header: ['指標', '現行目標(%)', '目標案(%)', '理由'],
      rows: d.kpis.map((k) => [
        k.label,
        k.target,
        texts.nextTargets[k.key]?.percent ?? k.target,
        texts.nextTargets[k.key]?.note ?? (texts.nextTargets[k.key] ? '' : '現行どおり'),
      ]),
    },
    {
      title: '3. 稼働率（半期）',
      header: ['レベル', '対象VM数', '稼働率(%)', '計画停止(分)', '非稼働(分)', '障害件数'],
      rows: d.availability.map((a) => [`レベル${a.level}`, a.vmCount, a.availability, a.plannedMinutes, a.nonOperatingMinutes, a.incidents]),
    },
    {
      title: '4. サービス対象の変更',
      header: ['区分', '種別', '名称', '日時', '理由'],
      rows: [
        ['システム', '追加', d.scope.counts.systemsAdded, '', ''],
        ['システム', '廃止', d.scope.counts.systemsRemoved, '', ''],
        ['仮想マシン', '追加', d.scope.counts.vmsAdded, '', ''],
        ['仮想マシン', '廃止', d.scope.counts.vmsRemoved, '', ''],
        ...changes.map(([kind, c]): Cell[] => [kind, c.ciType === 'system' ? 'システム' : '仮想マシン', c.name, at(c.at), c.reason]),
        ...(texts.scopeNote.trim() ? [['所見', '', texts.scopeNote, '', ''] as Cell[]] : []),
      ],
    },
    { title: '5. 移行・受入（本年度の実績）', header: ['内容'], rows: textRows(texts.migrationResults || d.migration.note) },
    { title: '6. 移行・受入（次年度の計画）', header: ['内容'], rows: textRows(texts.migrationPlan) },
    {
      title: '7. リソース使用予測（クラスタ別）',
      header: ['クラスタ', 'リソース', '直近(%)', '傾き(pt/月)', '閾値(%)', '閾値到達まで(月)'],
      rows: d.forecast.clusters.flatMap((c) =>
        (['cpu', 'memory', 'disk'] as const).map((r): Cell[] => [
          c.name,
          RES[r],
          c.trend[r].last,
          c.trend[r].slope,
          c.trend[r].threshold,
          c.trend[r].monthsToThreshold ?? (c.trend[r].slope === null ? '—' : '上昇なし'),
        ]),
      ),
    },
    {
      title: '8. リソース割当の推移（月末）',
      header: [
        'クラスタ',
        '月',
        'vCPU割当',
        'vCPU容量',
        'CPU(%)',
        'メモリ割当(GiB)',
        'メモリ容量(GiB)',
        'メモリ(%)',
        'ディスク割当(GiB)',
        'ディスク容量(GiB)',
        'ディスク(%)',
      ],
      rows: d.forecast.clusters.flatMap((c) =>
        c.points.flatMap((p): Cell[][] =>
          p
            ? [
                [
                  c.name,
                  p.month,
                  p.cpu.allocated,
                  p.cpu.capacity,
                  p.cpu.percent,
                  p.memory.allocated,
                  p.memory.capacity,
                  p.memory.percent,
                  p.disk.allocated,
                  p.disk.capacity,
                  p.disk.percent,
                ],
              ]
            : [],
        ),
      ),
    },
    { title: '9. 稼働計画（次年度の IT 計画）', header: ['内容'], rows: textRows(texts.itPlans) },
  ];
}

export async function halfYearXlsx(d: HalfYearData, texts: HalfYearTexts): Promise<ReportFile> {
  const wb = new ExcelJS.Workbook();
  const sections = halfYearSections(d, texts);
  for (const s of sections) {
    const ws = wb.addWorksheet(s.title.replace(/[\\/?*[\]:]/g, '').slice(0, 31));
    ws.addRow(s.header).font = { bold: true };
    for (const r of s.rows) ws.addRow(r.map((c) => (c === null ? '' : c)));
    ws.columns.forEach((c) => (c.width = 16));
  }
  return {
    body: Buffer.from(await wb.xlsx.writeBuffer()),
    filename: `halfyear_report_${d.half}.xlsx`,
    filenameJa: `半期報告書_${d.half}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    rows: sections.length,
  };
}

const fmt = (c: Cell) => (c === null ? '—' : typeof c === 'number' ? String(c) : c);
const CHART_CLUSTERS = 6;

/** A4 PDF: title, each section's table (the month-by-month resource table only in the XLSX), trend charts of the clusters nearest their threshold, page numbers. */
export async function halfYearPdf(d: HalfYearData, texts: HalfYearTexts, opts: { compress?: boolean } = {}): Promise<ReportFile> {
  const { doc, done } = japanesePdf(`半期報告書 ${d.label}`, { ...opts, bufferPages: true });
  const left = 48;
  const width = doc.page.width - 96;
  const bottom = () => doc.page.height - 60;
  doc.fontSize(18).text(`半期報告書（${d.label}）`, { align: 'center' });
  doc
    .fontSize(9)
    .fillColor('#555')
    .text(`集計日時 ${at(d.assembledAt)}`, { align: 'center' })
    .fillColor('#000');
  doc.moveDown();
  if (texts.summary) doc.fontSize(10).text(texts.summary).moveDown();
  const sections = halfYearSections(d, texts).filter((s) => !s.title.startsWith('8.'));
  for (const s of sections) {
    if (doc.y > bottom() - 80) doc.addPage();
    doc.fontSize(13).fillColor('#1f3a68').text(s.title, left).fillColor('#000');
    doc.moveDown(0.3);
    // The first column (names) gets more room when there are many columns.
    const first = s.header.length > 6 ? width * 0.22 : width / s.header.length;
    const rest = (width - first) / Math.max(1, s.header.length - 1);
    const colX = (j: number) => left + (j === 0 ? 0 : first + (j - 1) * rest);
    const colW = (j: number) => (j === 0 ? first : rest);
    const row = (cells: Cell[], bold: boolean) => {
      doc.fontSize(s.header.length > 8 ? 7 : 8.5);
      const h = Math.max(16, ...cells.map((c, j) => doc.heightOfString(fmt(c), { width: colW(j) - 6 }) + 6));
      if (doc.y + h > bottom()) doc.addPage();
      const y = doc.y;
      if (bold) doc.rect(left, y, width, h).fill('#e8eef7').fillColor('#000');
      cells.forEach((c, j) => {
        doc.rect(colX(j), y, colW(j), h).lineWidth(0.5).strokeColor('#999').stroke();
        doc
          .fillColor(c === '未達成' ? '#c0392b' : '#000')
          .text(fmt(c), colX(j) + 3, y + 3, { width: colW(j) - 6, align: typeof c === 'number' ? 'right' : 'left' });
      });
      doc.x = left;
      doc.y = y + h;
    };
    row(s.header, true);
    if (s.rows.length === 0) row(['（該当なし）', ...s.header.slice(1).map(() => '')], false);
    for (const r of s.rows) row(r, false);
    doc.moveDown(0.8);
    if (s.title.startsWith('7.')) {
      const soon = (c: ClusterForecast) => Math.min(...(['cpu', 'memory', 'disk'] as const).map((r) => c.trend[r].monthsToThreshold ?? 999));
      const shown = [...d.forecast.clusters].sort((a, b) => soon(a) - soon(b) || a.name.localeCompare(b.name, 'ja')).slice(0, CHART_CLUSTERS);
      for (const c of shown) lineChart(doc, c, d.forecast.months, d.forecast.thresholds);
    }
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
    filename: `halfyear_report_${d.half}.pdf`,
    filenameJa: `半期報告書_${d.half}.pdf`,
    contentType: 'application/pdf',
    rows: range.count,
  };
}

const COLORS: Record<Resource, string> = { cpu: '#4e79a7', memory: '#f28e2b', disk: '#59a14f' };

/** One cluster's allocation percent per month end (CPU, memory, disk) as vector lines, 0–100 %, with the CPU threshold dashed. */
function lineChart(doc: PDFKit.PDFDocument, c: ClusterForecast, months: string[], th: Record<Resource, number>) {
  const h = 110;
  if (doc.y + h + 44 > doc.page.height - 60) doc.addPage();
  const x0 = 80;
  const y0 = doc.y + 16;
  const w = doc.page.width - 48 - x0;
  const step = w / Math.max(1, months.length - 1);
  const y = (pct: number) => y0 + h - (Math.min(Math.max(pct, 0), 120) / 120) * h;
  doc.fontSize(9).fillColor('#000').text(`${c.name} 割当率の推移(%)`, 48, doc.y);
  doc
    .moveTo(x0, y0)
    .lineTo(x0, y0 + h)
    .lineTo(x0 + w, y0 + h)
    .lineWidth(0.7)
    .strokeColor('#333')
    .stroke();
  for (const v of [0, 50, 100])
    doc
      .fontSize(7)
      .fillColor('#000')
      .text(String(v), 48, y(v) - 3, { width: 28, align: 'right' });
  doc
    .moveTo(x0, y(th.cpu))
    .lineTo(x0 + w, y(th.cpu))
    .dash(3, { space: 3 })
    .lineWidth(0.6)
    .strokeColor('#c0392b')
    .stroke()
    .undash();
  doc
    .fontSize(6.5)
    .fillColor('#c0392b')
    .text(`閾値 ${th.cpu}%`, x0 + w - 50, y(th.cpu) - 9, { width: 50, align: 'right', lineBreak: false });
  for (const r of ['cpu', 'memory', 'disk'] as const) {
    let started = false;
    c.points.forEach((p, i) => {
      const v = p?.[r].percent;
      if (v === null || v === undefined) return;
      if (!started) doc.moveTo(x0 + i * step, y(v));
      else doc.lineTo(x0 + i * step, y(v));
      started = true;
    });
    if (started) doc.lineWidth(1.4).strokeColor(COLORS[r]).stroke();
    c.points.forEach((p, i) => {
      const v = p?.[r].percent;
      if (v !== null && v !== undefined) doc.circle(x0 + i * step, y(v), 1.8).fill(COLORS[r]);
    });
  }
  months.forEach((m, i) =>
    doc
      .fillColor('#000')
      .fontSize(6.5)
      .text(ym(m), x0 + i * step - 15, y0 + h + 3, { width: 30, align: 'center', lineBreak: false }),
  );
  (['cpu', 'memory', 'disk'] as const).forEach((r, j) => {
    doc.rect(x0 + j * 120, y0 + h + 16, 8, 8).fill(COLORS[r]);
    const t = c.trend[r];
    doc
      .fillColor('#000')
      .fontSize(7)
      .text(`${RES[r]}${t.monthsToThreshold !== null ? `（${t.monthsToThreshold}か月で閾値）` : ''}`, x0 + j * 120 + 11, y0 + h + 16, { lineBreak: false });
  });
  doc.x = 48;
  doc.y = y0 + h + 34;
}
