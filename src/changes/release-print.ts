import ExcelJS from 'exceljs';
import { formatJst } from '../calendar/index.ts';
import { japanesePdf } from '../files/pdf.ts';
import { jaPeriod } from '../notify/index.ts';
import type { ReleaseService } from './release-service.ts';

type PrintData = Awaited<ReturnType<ReleaseService['printData']>>;

const RESULT_LABELS: Record<string, string> = { success: '正常完了', anomaly_continued: '異常発生（業務影響無・作業継続）', rolled_back: '切戻し実施' };
export { PDF_FONT_CANDIDATES, pdfFont } from '../files/pdf.ts';

const dt = (d: Date | null | undefined) => (d ? formatJst(d) : '');

interface Section {
  title: string;
  rows: [string, string][];
}

/** リリース計画書兼完了報告書 (N §3.4.3.2) as label/value sections: the plan, then the completion part. */
export function releaseSections(d: PrintData): Section[] {
  const r = d.release;
  const c = d.change;
  return [
    {
      title: 'リリース計画書',
      rows: [
        ['変更番号', c.receiptNo],
        ['件名', c.title],
        ['リリース番号', r.releaseNo],
        ['区分', r.proven ? '実績のある変更' : '実績がない変更'],
        ['緊急', r.emergency ? `緊急（${r.emergencyReason ?? ''}）` : '—（メンテナンス日に実施）'],
        ['作業日時', jaPeriod(r.plannedStart, r.plannedEnd)],
        ['作業内容', r.workContent],
        ['業務影響', r.businessImpact],
        ['作業担当者', r.workerLabel ?? ''],
        ['変更作業のタイムスケジュール', r.timeline.map((s) => `${s.at} ${s.task}`).join('\n')],
        ['バックアップ取得時間', r.backupTime ?? ''],
        ['切戻判断基準', r.rollbackCriteria ?? ''],
        ['切戻判断時間', dt(r.rollbackDecisionAt)],
        ['要員配置（翌業務日の立ち合い含む）', r.staffing.map((s) => `${s.name}（${s.role}）${s.nextBusinessDay ? ' 翌業務日立ち合い' : ''}`).join('\n')],
        [r.proven ? '変更による影響範囲（実績をもとに）' : '変更による影響範囲（想定）', r.impactScope ?? ''],
        [r.proven ? 'リスクと対策（実績をもとに）' : '想定されるリスクと対策', r.risks.map((x) => `${x.risk} → ${x.mitigation}`).join('\n')],
        ['問題発生時の連絡体制', r.contacts ?? ''],
        ['問題発生時の切戻手順', r.rollbackProcedure ?? ''],
        ['監視の一時抑止', r.suppressionMethod === 'stop' ? '停止' : '静観'],
        ['状態', r.stateLabel.ja],
        ['計画承認日時', dt(r.approvedAt)],
      ],
    },
    {
      title: '完了報告書',
      rows: [
        ['作業実績時間', r.actualStart ? jaPeriod(r.actualStart, r.actualEnd ?? r.actualStart) : ''],
        ['結果', r.result ? (RESULT_LABELS[r.result] ?? r.result) : ''],
        ['発生事象', r.anomalyReport ?? ''],
        ['調査結果・異常発生報告', r.investigation ?? ''],
        ['切戻しの判断', r.rollbackReason ?? ''],
        ['作業結果', r.completionNote ?? ''],
        ['作業証跡', d.evidence.map((e) => `${e.fileName}（SHA-256 ${e.sha256.slice(0, 16)}…）`).join('\n')],
      ],
    },
  ];
}

export interface PrintFile {
  data: Buffer;
  mediaType: string;
  fileName: string;
  asciiName: string;
}

/** The one document, as XLSX (exceljs) or PDF (pdfkit with a Japanese font). `compress: false` for tests. */
export async function releasePrint(d: PrintData, format: 'xlsx' | 'pdf', opts: { compress?: boolean } = {}): Promise<PrintFile> {
  const sections = releaseSections(d);
  const base = `リリース計画書兼完了報告書_${d.release.releaseNo}`;
  const asciiName = `release_${d.release.releaseNo}.${format}`;
  if (format === 'xlsx') {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('リリース計画書兼完了報告書');
    ws.columns = [{ width: 34 }, { width: 80 }];
    for (const s of sections) {
      const h = ws.addRow([s.title]);
      h.font = { bold: true, size: 13 };
      for (const [k, v] of s.rows) {
        const row = ws.addRow([k, v]);
        row.getCell(1).font = { bold: true };
        row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
      }
      ws.addRow([]);
    }
    return { data: Buffer.from(await wb.xlsx.writeBuffer()), mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', fileName: `${base}.xlsx`, asciiName };
  }
  const { doc, done } = japanesePdf(base, opts);
  doc.fontSize(16).text('リリース計画書兼完了報告書', { align: 'center' });
  doc.moveDown();
  for (const s of sections) {
    doc.fontSize(13).text(s.title);
    doc.moveDown(0.3);
    for (const [k, v] of s.rows) {
      doc.fontSize(9).fillColor('#555').text(k);
      doc.fontSize(10).fillColor('#000').text(v || '—', { indent: 12 });
      doc.moveDown(0.3);
    }
    doc.moveDown();
  }
  doc.end();
  return { data: await done, mediaType: 'application/pdf', fileName: `${base}.pdf`, asciiName };
}
