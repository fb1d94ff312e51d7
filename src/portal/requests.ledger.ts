import { jstCell, type LedgerColumn, ledgerFile } from '../incidents/export.ts';
import type { ChangeSpec, ProvisionSpec, portalRequests } from './schema.ts';

type Row = Omit<typeof portalRequests.$inferSelect, 'report' | 'placement'> & {
  systemName: string;
  kindLabel: { ja: string };
  stateLabel: { ja: string };
  overdue: boolean;
};

const ROUTE = { manager: '管理者（計画通り）', supervisor: '統括責任者' } as const;
const PLAN = { match: '計画通り', different: '計画と相違', not_in_plan: '計画にない', no_plan: '承認済の計画なし' } as const;
const res = (r: Row) => {
  const s = r.spec as ProvisionSpec | ChangeSpec;
  const now = `${s.cpu} vCPU / ${s.memoryGb} GB / ${s.diskGb} GB / NIC ${s.nics}`;
  return r.current ? `${r.current.cpu} vCPU / ${r.current.memoryGb} GB / ${r.current.diskGb} GB / NIC ${r.current.nics} → ${now}` : now;
};

/** 払い出し・リソース変更申請の台帳 (XLSX / CSV), the columns people read: one request a row. */
export const REQUEST_LEDGER: readonly LedgerColumn<Row>[] = [
  { header: '申請番号', value: (r) => r.requestNo, width: 18 },
  { header: '種別', value: (r) => r.kindLabel.ja, width: 20 },
  { header: 'システム', value: (r) => r.systemName, width: 24 },
  { header: '件名', value: (r) => r.title, width: 36 },
  { header: 'リソース', value: res, width: 44 },
  { header: '計画との照合', value: (r) => `${PLAN[r.planCheck.status]}${r.planCheck.planNo ? `（${r.planCheck.planNo}）` : ''}`, width: 22 },
  { header: '判断', value: (r) => ROUTE[r.route], width: 18 },
  { header: '状態', value: (r) => r.stateLabel.ja, width: 24 },
  { header: '申請者', value: (r) => r.createdByLabel, width: 16 },
  { header: '申請日時', value: (r) => jstCell(r.requestedAt), width: 18 },
  { header: '希望納期', value: (r) => r.dueOn, width: 12 },
  { header: '完了報告日時', value: (r) => jstCell(r.completedAt), width: 18 },
  { header: '受領日時', value: (r) => jstCell(r.confirmedAt), width: 18 },
  { header: '依頼元待ち（分）', value: (r) => r.requesterWaitMinutes, width: 14 },
  { header: '納期超過', value: (r) => (r.overdue ? '超過' : ''), width: 10 },
];

export function requestLedger(format: 'xlsx' | 'csv', rows: readonly Row[], now: Date) {
  return ledgerFile({ en: 'vm-requests', ja: '払い出し・リソース変更申請台帳' }, format, REQUEST_LEDGER, rows, now);
}
