import { jstCell, type LedgerColumn } from '../incidents/index.ts';
import { changeProcess, type Change } from './process.ts';

/** How each source is named in the ledger and on the page. */
export const CHANGE_SOURCE_LABELS: Record<Change['source'], { ja: string; en: string }> = {
  problem_fix: { ja: '問題管理（恒久対処）', en: 'Problem (permanent fix)' },
  preventive_maintenance: { ja: '予防保守', en: 'Preventive maintenance' },
  service_level_change: { ja: 'サービスレベル変更', en: 'Service-level change' },
  direct: { ja: '直接登録', en: 'Direct' },
};

export const POLICY_LABELS: Record<NonNullable<Change['policyDecision']>, string> = {
  implement: '実施する',
  do_not_implement: '実施しない',
  re_examine: '再検討',
  cancel: '変更中止',
};

/** A ledger row: the change with its targets' names and its problem's number. */
export type ChangeLedgerRow = Change & { targetNames: string[]; problemReceiptNo: string | null; slSystemName: string | null };

const criteriaText = (c: Change['criteria']): string | null => {
  if (!c) return null;
  const on = [c.problemHigh && '問題管理で優先度『高』', c.citizensOrManyDepartments && '県民・多数の部門に影響', c.financialOrReputation && '財務上の損失・社会的評判'].filter(Boolean);
  return on.length ? on.join('、') : '該当なし';
};

/** 変更管理台帳 (N §3.4.4): every field a supervisor reads, in N's order of the flow. */
export const CHANGE_LEDGER: LedgerColumn<ChangeLedgerRow>[] = [
  { header: '変更番号', value: (r) => r.receiptNo, width: 18 },
  { header: '登録日時', value: (r) => jstCell(r.registeredAt), width: 18 },
  { header: '起因', value: (r) => CHANGE_SOURCE_LABELS[r.source].ja, width: 20 },
  { header: '問題番号', value: (r) => r.problemReceiptNo, width: 18 },
  { header: '件名', value: (r) => r.title, width: 40 },
  { header: '内容', value: (r) => r.description, width: 60 },
  { header: '変更対象', value: (r) => r.targetNames.join('、') || null, width: 40 },
  { header: '予防保守（パッチ・ファームウェア）', value: (r) => r.pmPatch, width: 30 },
  { header: '対象システム（SL変更）', value: (r) => r.slSystemName, width: 24 },
  { header: 'SL変更前', value: (r) => r.slFromLevel },
  { header: 'SL変更後', value: (r) => (r.slToLevel ? `${r.slToLevel}${r.slToProduction ? '（本番化）' : ''}` : null) },
  { header: '変更開始日', value: (r) => jstCell(r.slStartsAt), width: 18 },
  { header: '優先度', value: (r) => (r.priority === 'high' ? '高' : r.priority === 'low' ? '低' : null) },
  { header: '優先度『高』の基準', value: (r) => criteriaText(r.criteria), width: 30 },
  { header: '納期（リリース予定）', value: (r) => jstCell(r.dueAt), width: 18 },
  { header: '優先度・納期承認日時', value: (r) => jstCell(r.priorityAgreedAt), width: 18 },
  { header: '状態', value: (r) => changeProcess.states[r.state]?.ja ?? r.state, width: 24 },
  { header: '変更スケジュール・方針・手順', value: (r) => r.implementation, width: 40 },
  { header: '変更方針', value: (r) => (r.policyDecision ? POLICY_LABELS[r.policyDecision] : null) },
  { header: '変更方針の理由', value: (r) => r.policyReason, width: 40 },
  { header: '変更方針決定日時', value: (r) => jstCell(r.policyDecidedAt), width: 18 },
  { header: 'リリース完了報告', value: (r) => r.completionReport, width: 40 },
  { header: '完了報告日時', value: (r) => jstCell(r.completedAt), width: 18 },
  { header: 'クローズ日時', value: (r) => jstCell(r.closedAt), width: 18 },
  { header: '版', value: (r) => r.version },
  { header: 'ID', value: (r) => r.id, width: 38 },
];
