/**
 * CHG-8, N §3.4.3.3 ESXi サーバのスケールアップ・スケールアウト — <拡張方針と拡張方法（案）> as reference
 * data, row by row as N prints it (○ 可 / × 不可):
 *
 *   対象              スケールアップ              スケールアウト
 *   サーバ  CPU       ×  -                        ○  ESXi サーバの追加※1
 *           メモリ    ○  空きスロットの範囲で実施  ○  ESXi サーバの追加※1
 *           NIC       ○  空きスロットの範囲で実施  ○  ESXi サーバの追加※1
 *   ストレージ        ×  -                        ○  ストレージの追加
 *   サーバスイッチ    ○  空きポートの範囲で実施    ○  サーバスイッチの追加
 *
 * The work itself follows the change and release process (変更・リリース作業に基づき、作業を実施する).
 */
export interface ScaleWay {
  allowed: boolean;
  /** N's 拡張方法; '-' when not allowed. */
  method: string;
  /** Footnote marks that apply (※1). */
  notes: readonly string[];
}

export interface ScalePolicyRow {
  key: 'cpu' | 'memory' | 'nic' | 'storage' | 'server_switch';
  /** サーバ for CPU/メモリ/NIC; the row's own name otherwise. */
  group: string;
  target: string;
  scaleUp: ScaleWay;
  scaleOut: ScaleWay;
}

const no: ScaleWay = { allowed: false, method: '-', notes: [] };
const yes = (method: string, ...notes: string[]): ScaleWay => ({ allowed: true, method, notes });

export const SCALE_POLICY: readonly ScalePolicyRow[] = [
  { key: 'cpu', group: 'サーバ', target: 'CPU', scaleUp: no, scaleOut: yes('ESXi サーバの追加', '※1') },
  { key: 'memory', group: 'サーバ', target: 'メモリ', scaleUp: yes('空きスロットの範囲で実施'), scaleOut: yes('ESXi サーバの追加', '※1') },
  { key: 'nic', group: 'サーバ', target: 'NIC', scaleUp: yes('空きスロットの範囲で実施'), scaleOut: yes('ESXi サーバの追加', '※1') },
  { key: 'storage', group: 'ストレージ', target: 'ストレージ', scaleUp: no, scaleOut: yes('ストレージの追加') },
  { key: 'server_switch', group: 'サーバスイッチ', target: 'サーバスイッチ', scaleUp: yes('空きポートの範囲で実施'), scaleOut: yes('サーバスイッチの追加') },
];

export const SCALE_POLICY_NOTES: Readonly<Record<string, string>> = {
  '※1':
    '運用期間中にスケールアウトにより ESXi サーバを追加する場合、ESXi サーバの機種や搭載 CPU に差異が出たり、運用開始時期が異なるため、リース期間に差が出る可能があるため、十分考慮すること。',
};

export interface ScalePolicy {
  title: string;
  rows: readonly ScalePolicyRow[];
  notes: Readonly<Record<string, string>>;
  /** N: 対象および拡張方針については、運用構築フェーズにて検討する — the table is N's proposal (案). */
  remark: string;
  /** The manual N §3.4.4 asks for. */
  procedure: string;
}

export function scalePolicy(): ScalePolicy {
  return {
    title: '拡張方針と拡張方法（案）',
    rows: SCALE_POLICY,
    notes: SCALE_POLICY_NOTES,
    remark: 'ESXi サーバのスケールアップ、スケールアウト作業では、変更・リリース作業に基づき、作業を実施する。',
    procedure: 'スケールアップ、スケールアウト手順書',
  };
}
