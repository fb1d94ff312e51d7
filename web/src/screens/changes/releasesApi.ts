/**
 * Types and calls of リリース作業 (/api/changes/releases…, maintenance days, 変更スケジュール; server
 * src/changes/release-*.ts, maintenance.ts, schedule.ts). Shapes come type-only from the server. The
 * release screens' words are here too, Japanese first.
 */
import type { MaintenanceDays } from '../../../../src/changes/maintenance.ts';
import type { ReleasePlanInput } from '../../../../src/changes/release-inputs.ts';
import type { ReleaseService } from '../../../../src/changes/release-service.ts';
import type { ScheduleMonth } from '../../../../src/changes/schedule.ts';
import { api } from '../../api';
import { useDictionary } from '../../i18n';
import type { Wire } from '../../workbench';

export type ReleaseDetail = Wire<Awaited<ReturnType<ReleaseService['get']>>>;
export type ReleaseRow = Wire<Awaited<ReturnType<ReleaseService['listForChange']>>['items'][number]>;
export type MaintenanceDay = Wire<Awaited<ReturnType<MaintenanceDays['list']>>['items'][number]>;
export type Schedule = Wire<ScheduleMonth>;
export type PlanBody = ReleasePlanInput;

export const getRelease = (id: string, signal?: AbortSignal) => api.get<ReleaseDetail>(`/api/changes/releases/${id}`, undefined, signal);
export const listReleases = (changeId: string, signal?: AbortSignal) =>
  api.get<{ items: ReleaseRow[] }>(`/api/changes/${changeId}/releases`, undefined, signal);
export const createRelease = (changeId: string, body: PlanBody) => api.post<ReleaseRow>(`/api/changes/${changeId}/releases`, body);
export const updateRelease = (id: string, body: PlanBody & { version: number }) => api.put<ReleaseRow>(`/api/changes/releases/${id}`, body);
export const actOnRelease = (id: string, action: string, body: Record<string, unknown>) =>
  api.post<ReleaseRow & { warnings: string[] }>(`/api/changes/releases/${id}/actions/${action}`, body);
export const uploadEvidence = (id: string, form: FormData) => api.upload<unknown>(`/api/changes/releases/${id}/evidence`, form);
export const evidenceHref = (id: string, evidenceId: number) => `/api/changes/releases/${id}/evidence/${evidenceId}`;
export const printHref = (id: string, format: 'xlsx' | 'pdf') => `/api/changes/releases/${id}/print.${format}`;
export const listMaintenanceDays = (signal?: AbortSignal) => api.get<{ items: MaintenanceDay[] }>('/api/changes/maintenance-days', undefined, signal);
export const createMaintenanceDay = (body: unknown) => api.post<MaintenanceDay>('/api/changes/maintenance-days', body);
export const updateMaintenanceDay = (id: string, body: unknown) => api.put<MaintenanceDay>(`/api/changes/maintenance-days/${id}`, body);
export const deleteMaintenanceDay = (id: string) => api.delete<unknown>(`/api/changes/maintenance-days/${id}`);
export const getSchedule = (month: string, ciId: string | undefined, signal?: AbortSignal) =>
  api.get<Schedule>('/api/changes/schedule', { month, ...(ciId ? { ciId } : {}) }, signal);

const ja = {
  'rel.title': 'リリース計画書兼完了報告書',
  'rel.list': 'リリース',
  'rel.new': 'リリース計画の作成',
  'rel.edit': '計画の修正',
  'rel.plan': 'リリース計画',
  'rel.completion': '完了報告',
  'rel.proven': '実績のある変更',
  'rel.unproven': '実績がない変更',
  'rel.emergency': '緊急（メンテナンス日以外）',
  'rel.emergencyReason': '緊急の理由',
  'rel.plannedStart': '作業開始日時',
  'rel.plannedEnd': '作業終了日時',
  'rel.timeline': '変更作業のタイムスケジュール',
  'rel.at': '時刻',
  'rel.task': '作業',
  'rel.backupTime': 'バックアップ取得時間',
  'rel.rollbackCriteria': '切戻判断基準',
  'rel.rollbackDecisionAt': '切戻判断時間',
  'rel.staffing': '要員配置',
  'rel.name': '氏名',
  'rel.role': '役割',
  'rel.nextBusinessDay': '翌業務日の立ち合い',
  'rel.impactScope': '変更による影響範囲',
  'rel.risks': 'リスクと対策',
  'rel.risk': 'リスク',
  'rel.mitigation': '対策',
  'rel.contacts': '問題発生時の連絡体制',
  'rel.rollbackProcedure': '問題発生時の切戻手順',
  'rel.workContent': '作業内容',
  'rel.businessImpact': '業務影響',
  'rel.workerLabel': '作業担当者',
  'rel.suppression': '監視の一時抑止',
  'rel.watch': '静観',
  'rel.stop': '停止',
  'rel.addRow': '行を追加',
  'rel.save': '保存',
  'rel.actual': '作業実績時間',
  'rel.result': '結果',
  'rel.anomaly': '発生事象',
  'rel.investigation': '調査結果・異常発生報告',
  'rel.rollbackReason': '切戻しの判断',
  'rel.completionNote': '作業結果',
  'rel.evidence': '作業証跡',
  'rel.evidence.none': '作業証跡はありません。',
  'rel.evidence.upload': 'ファイルを登録',
  'rel.evidence.note': '備考',
  'rel.evidence.pick': 'ファイルを選択',
  'rel.window': '作業日時',
  'rel.backToChange': '変更に戻る',
  'rel.cancel': 'キャンセル',
  'rel.sup.submitted': '申請中',
  'rel.sup.returned': '差戻し',
  'rel.sup.approved': '抑止予定',
  'rel.sup.active': '抑止中',
  'rel.sup.completed': '再開済',
  'rel.sup.withdrawn': '取下げ',
  'rel.result.success': '正常完了',
  'rel.result.anomaly_continued': '異常発生（作業継続）',
  'rel.result.rolled_back': '切戻し',
  'rel.print': '印刷用に出力',
  'rel.cal4': '業務時間外作業（CAL-4）',
  'rel.overrun': '作業終了予定の超過',
  'rel.overrun.held':
    '作業終了予定（{plannedEnd}）を {minutes} 分超過しています。監視の一時抑止は作業の終了まで続き、遅くとも {ceilingAt} に監視を再開します。',
  'rel.overrun.resumed': '作業終了予定（{plannedEnd}）を {minutes} 分超過しています。抑止の上限（{ceilingAt}）を過ぎたため、監視は再開されています。',
  'rel.cal4.count': '{month} の業務時間外の影響のある作業：{count} 件（上限 月 {cap} 回）',
  'rel.maintenance': 'メンテナンス日',
  'rel.noMaintenance': 'メンテナンス日の範囲外',
  'rel.approvalDeadline': '計画の承認期限',
  'rel.change': '変更',
  'sch.title': '変更スケジュール',
  'sch.month': '月表示',
  'sch.list': '一覧表示',
  'sch.target': '対象 CI（ID）',
  'sch.kind.change_due': '変更の納期',
  'sch.kind.release': 'リリース',
  'sch.kind.suppression': '監視の一時抑止',
  'sch.kind.maintenance_day': 'メンテナンス日',
  'sch.closed': '休日',
  'md.title': 'メンテナンス日',
  'md.day': '日付',
  'md.startsAt': '開始',
  'md.endsAt': '終了',
  'md.note': '備考',
  'md.decidedAt': '決定した会議',
  'md.add': '登録',
  'md.delete': '削除',
  'md.edit': '変更',
  'md.save': '変更を保存',
  'md.cancel': 'キャンセル',
  'md.editing': '{day} のメンテナンス日を変更しています',
} as const;
type Key = keyof typeof ja;
const en: Partial<Record<Key, string>> = {
  'rel.title': 'Release plan and completion report',
  'rel.list': 'Releases',
  'rel.new': 'New release plan',
  'rel.edit': 'Edit the plan',
  'rel.plan': 'Release plan',
  'rel.completion': 'Completion report',
  'rel.proven': 'Proven change',
  'rel.unproven': 'Unproven change',
  'rel.emergency': 'Emergency (outside a maintenance day)',
  'rel.emergencyReason': 'Reason for the emergency',
  'rel.plannedStart': 'Start',
  'rel.plannedEnd': 'End',
  'rel.timeline': 'Timeline',
  'rel.backupTime': 'Backup time',
  'rel.rollbackCriteria': 'Rollback criteria',
  'rel.rollbackDecisionAt': 'Rollback decision time',
  'rel.staffing': 'Staffing',
  'rel.nextBusinessDay': 'Attends the next business day',
  'rel.impactScope': 'Impact scope',
  'rel.risks': 'Risks and mitigations',
  'rel.contacts': 'Contact structure',
  'rel.rollbackProcedure': 'Rollback procedure',
  'rel.workContent': 'Work content',
  'rel.businessImpact': 'Business impact',
  'rel.workerLabel': 'Worker',
  'rel.evidence': 'Evidence',
  'rel.evidence.none': 'No evidence yet.',
  'rel.evidence.upload': 'Upload a file',
  'rel.evidence.note': 'Note',
  'rel.evidence.pick': 'Choose a file',
  'rel.window': 'Work window',
  'rel.backToChange': 'Back to the change',
  'rel.cancel': 'Cancel',
  'rel.at': 'Time',
  'rel.task': 'Task',
  'rel.name': 'Name',
  'rel.role': 'Role',
  'rel.risk': 'Risk',
  'rel.mitigation': 'Mitigation',
  'rel.watch': 'Watch only',
  'rel.stop': 'Stop',
  'rel.addRow': 'Add a row',
  'rel.save': 'Save',
  'rel.sup.submitted': 'Submitted',
  'rel.sup.returned': 'Returned',
  'rel.sup.approved': 'Scheduled',
  'rel.sup.active': 'Suppressed',
  'rel.sup.completed': 'Resumed',
  'rel.sup.withdrawn': 'Withdrawn',
  'rel.result.success': 'Completed',
  'rel.result.anomaly_continued': 'Anomaly (continued)',
  'rel.result.rolled_back': 'Rolled back',
  'rel.print': 'Print',
  'rel.cal4': 'Off-hours work (CAL-4)',
  'rel.overrun': 'Past the planned end',
  'rel.overrun.held':
    'The work is {minutes} min past its planned end ({plannedEnd}). The monitoring suppression lasts until the work ends, and monitoring resumes at {ceilingAt} at the latest.',
  'rel.overrun.resumed':
    'The work is {minutes} min past its planned end ({plannedEnd}). The suppression ceiling ({ceilingAt}) has passed: monitoring has resumed.',
  'rel.cal4.count': '{month}: {count} impactful off-hours works (cap {cap} a month)',
  'sch.title': 'Change schedule',
  'sch.month': 'Month',
  'sch.list': 'List',
  'md.title': 'Maintenance days',
  'md.day': 'Day',
  'md.startsAt': 'From',
  'md.endsAt': 'To',
  'md.note': 'Note',
  'md.decidedAt': 'Decided at',
  'md.add': 'Add',
  'md.delete': 'Delete',
  'md.edit': 'Edit',
  'md.save': 'Save the change',
  'md.cancel': 'Cancel',
  'md.editing': 'Editing the maintenance day {day}',
};

export type RKey = Key;
export function useRT(): (key: Key, vars?: Record<string, string | number>) => string {
  return useDictionary(ja, en);
}
