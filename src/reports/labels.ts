import { releaseProcess } from '../changes/release-process.ts';
import { problemProcess } from '../problems/index.ts';

type Bi = { ja: string; en: string };

/**
 * The one label map of the monthly report: N's Japanese words (and English) for the codes its snapshot
 * keeps. The PDF and XLSX print `.ja`; the report's GET sends the whole map so the web screen shows the
 * same words. States come from the processes' own tables (problems, releases), so a renamed state is
 * renamed here too.
 */
export const REPORT_LABELS = {
  incidentClass: {
    work_request: { ja: '依頼作業', en: 'Work request' },
    qa: { ja: 'QA（問合せ）', en: 'QA (inquiry)' },
    trouble: { ja: 'トラブル', en: 'Trouble' },
  },
  priority: { high: { ja: '優先度 高', en: 'High priority' }, low: { ja: '優先度 低', en: 'Low priority' } },
  serviceLevel: { A: { ja: 'レベルA', en: 'Level A' }, B: { ja: 'レベルB', en: 'Level B' }, C: { ja: 'レベルC', en: 'Level C' } },
  problemState: problemProcess.states as Record<string, Bi>,
  problemSource: {
    preventive_hardware: { ja: '予防保守情報（ハードウェア）', en: 'Preventive maintenance (hardware)' },
    preventive_os: { ja: '予防保守情報（OS・ソフトウェア）', en: 'Preventive maintenance (OS, software)' },
  },
  releaseState: releaseProcess.states as Record<string, Bi>,
  // As the release's completion report prints them (src/changes/release-print.ts).
  releaseResult: {
    success: { ja: '正常完了', en: 'Completed' },
    anomaly_continued: { ja: '異常発生（業務影響無・作業継続）', en: 'Anomaly (no business impact, continued)' },
    rolled_back: { ja: '切戻し実施', en: 'Rolled back' },
  },
  itemType: {
    icmp: { ja: '死活監視', en: 'Ping (ICMP)' },
    http: { ja: 'HTTP監視', en: 'HTTP' },
    resource: { ja: 'リソース監視', en: 'Resources' },
    service: { ja: 'サービス監視', en: 'Services' },
    process: { ja: 'プロセス監視', en: 'Processes' },
  },
  severity: { warning: { ja: '警告', en: 'Warning' }, critical: { ja: '重度障害', en: 'Critical' } },
  kpiStatus: {
    measured: { ja: '実測', en: 'Measured' },
    manual: { ja: '手入力', en: 'Entered by hand' },
    no_source: { ja: 'データソースなし', en: 'No data source' },
  },
  unset: { ja: '未設定', en: 'Not set' },
} satisfies Record<string, Record<string, Bi> | Bi>;

export type ReportLabels = typeof REPORT_LABELS;
type Group = Exclude<keyof ReportLabels, 'unset'>;

/** The Japanese label of `code` in `group` (未設定 for a missing code; the code itself if unknown). */
export function ja(group: Group, code: string | null | undefined): string {
  if (code === null || code === undefined || code === '未設定') return REPORT_LABELS.unset.ja;
  return (REPORT_LABELS[group] as Record<string, Bi>)[code]?.ja ?? code;
}

/** An instant in JST as the report prints it: 2026/11/24 10:05 ('' for none). */
export function jstMinute(iso: string | Date | null | undefined): string {
  if (!iso) return '';
  const d = new Date(new Date(iso).getTime() + 9 * 3600_000).toISOString();
  return `${d.slice(0, 10).replaceAll('-', '/')} ${d.slice(11, 16)}`;
}

/** A JST day (YYYY-MM-DD) as the report prints it: 2026/11/24. */
export const jstDay = (ymd: string) => ymd.replaceAll('-', '/');
