/**
 * Types and calls of 監視 (/api/monitoring, server src/monitoring). The status board's shapes are
 * imported type-only from the server's board.ts; those of alerts.ts (監視対応台帳), suppression.ts
 * (監視の一時抑止) and settings.ts (監視設定一覧) are still mirrored here.
 */
import { api, buildQuery, type Page, type QueryValue } from '../../api';
import type { AllowedAction, Bilingual, HistoryEntry, MailView } from '../incidents/incidentsApi';

export type { AllowedAction, Bilingual, HistoryEntry, MailView };

// ── status board (board.ts) ────────────────────────────────────────────────────────────────
export const BOARD_GROUPS = ['site', 'cluster', 'host', 'system', 'level'] as const;
export type BoardGroup = (typeof BOARD_GROUPS)[number];
export const BOARD_STATES = ['critical', 'warning', 'suspect', 'ok', 'unchecked'] as const;
export type BoardState = (typeof BOARD_STATES)[number];
export const ITEM_TYPES = ['icmp', 'http', 'resource', 'service', 'process'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];
export const CI_TYPES = ['host', 'vm', 'storage', 'network_device', 'management_server'] as const;

// The answers' shapes are the server's own (type-only import: nothing of the server is bundled).
export type { Board, BoardCounts, BoardGroupRow, BoardItem, BoardItemDetail, HistoryPoint } from '../../../../src/monitoring/board.ts';
import type { Board, BoardItem, BoardItemDetail, StatusBoard } from '../../../../src/monitoring/board.ts';
import type { AlertView } from '../../../../src/monitoring/alerts.ts';
import type { SuppressionView } from '../../../../src/monitoring/suppression.ts';
import type { ProcessView } from '../../../../src/process/index.ts';
import type { Wire } from '../../workbench';
export type ItemEvent = BoardItemDetail['events'][number];
export type ItemHistory = Awaited<ReturnType<StatusBoard['history']>>;

export interface ItemsQuery extends Record<string, QueryValue> {
  by?: BoardGroup;
  group?: string;
  state?: string;
  type?: string;
  q?: string;
  page?: number;
  pageSize?: number;
}

export const getBoard = (by: BoardGroup, signal?: AbortSignal) => api.get<Board>('/api/monitoring/board', { by }, signal);
export const listItems = (q: ItemsQuery, signal?: AbortSignal) => api.get<Page<BoardItem>>('/api/monitoring/items', q, signal);
export const getItem = (id: string, signal?: AbortSignal) => api.get<BoardItemDetail>(`/api/monitoring/items/${id}`, undefined, signal);
export const getItemHistory = (id: string, from: string, to: string, signal?: AbortSignal) =>
  api.get<ItemHistory>(`/api/monitoring/items/${id}/history`, { from, to }, signal);

// ── 監視対応台帳 (alerts.ts) ────────────────────────────────────────────────────────────────
export type AlertRow = Wire<AlertView>;
export type AlertDetail = Wire<{ alert: AlertView; process: ProcessView }>;

export const listAlerts = (q: Record<string, QueryValue>, signal?: AbortSignal) => api.get<Page<AlertRow>>('/api/monitoring/alerts', q, signal);
export const getAlert = (id: string, signal?: AbortSignal) => api.get<AlertDetail>(`/api/monitoring/alerts/${id}`, undefined, signal);
export const actOnAlert = (id: string, action: string, body: Record<string, unknown>) => api.post<AlertRow>(`/api/monitoring/alerts/${id}/actions/${action}`, body);

// ── 監視の一時抑止 (suppression.ts) ────────────────────────────────────────────────────────
export const SUPPRESSION_REASONS = ['planned_stop', 'legal_inspection', 'known_maintenance', 'other'] as const;
export const SUPPRESSION_METHODS = ['watch', 'stop'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
export type SuppressionMethod = (typeof SUPPRESSION_METHODS)[number];

export type SuppressionRow = Wire<SuppressionView>;
export type SuppressionDetail = Wire<{ suppression: SuppressionView; process: ProcessView }>;
export interface SuppressionRules {
  leadBusinessDays: number;
  maxWindowDays: number;
  plannedStopKeepsMonitoring: boolean;
}
export interface SuppressionInput {
  reason: SuppressionReason;
  reasonText?: string;
  method: SuppressionMethod;
  startsAt: string;
  endsAt: string;
  systemIds: string[];
  targetIds: string[];
  lateReason?: string;
}

export const listSuppressions = (q: Record<string, QueryValue>, signal?: AbortSignal) =>
  api.get<Page<SuppressionRow>>('/api/monitoring/suppressions', q, signal);
export const getSuppression = (id: string, signal?: AbortSignal) => api.get<SuppressionDetail>(`/api/monitoring/suppressions/${id}`, undefined, signal);
/** The submission lead time and the longest window, for useQuery (the process itself: flowQuery('monitoring_suppression')). */
export const suppressionRulesQuery = {
  queryKey: ['monitoring', 'suppression-rules'] as const,
  queryFn: ({ signal }: { signal?: AbortSignal }) => api.get<SuppressionRules>('/api/monitoring/suppressions/rules', undefined, signal),
  staleTime: Number.POSITIVE_INFINITY,
};
export const createSuppression = (body: SuppressionInput) => api.post<SuppressionRow>('/api/monitoring/suppressions', body);
export const updateSuppression = (id: string, body: SuppressionInput & { version: number }) => api.put<SuppressionRow>(`/api/monitoring/suppressions/${id}`, body);
export const actOnSuppression = (id: string, action: string, body: Record<string, unknown>) =>
  api.post<SuppressionRow>(`/api/monitoring/suppressions/${id}/actions/${action}`, body);

// ── 監視設定一覧 (settings.ts) ─────────────────────────────────────────────────────────────
export interface SettingsRow {
  itemId: string;
  targetId: string;
  target: string;
  ciType: string;
  address: string | null;
  type: string;
  key: string;
  name: string;
  collect: 'poll' | 'push';
  intervalSec: number;
  warningThreshold: number | null;
  criticalThreshold: number | null;
  severity: 'warning' | 'critical';
  consecutive: number;
  businessHoursOnly: boolean;
  notify: boolean;
  enabled: boolean;
  targetEnabled: boolean;
  startsAt: string | null;
  origin: string | null;
  state: 'ok' | 'suspect' | 'problem';
  lastCheckAt: string | null;
  pendingChanges: number;
}
export interface SettingChange {
  id: string;
  kind: 'add' | 'change' | 'remove';
  targetId: string | null;
  itemId: string | null;
  payload: Record<string, unknown>;
  effectiveAt: string;
  reason: string;
  requestedByLabel: string;
  createdAt: string;
  appliedAt: string | null;
  cancelledAt: string | null;
}

export const listSettings = (q: Record<string, QueryValue>, signal?: AbortSignal) => api.get<Page<SettingsRow>>('/api/monitoring/settings', q, signal);
export const settingsExportHref = (format: 'xlsx' | 'csv', q: Record<string, QueryValue>) => `/api/monitoring/settings.${format}${buildQuery(q)}`;
export const listSettingChanges = (pending: boolean, signal?: AbortSignal) =>
  api.get<{ items: SettingChange[] }>('/api/monitoring/settings/changes', { pending: pending ? 'true' : undefined }, signal);

// ── shared look-ups ─────────────────────────────────────────────────────────────────────────
export interface SystemHit {
  id: string;
  name: string;
  departmentName?: string | null;
  serviceLevel?: string | null;
  status?: string;
}
/** Systems the user may see (a system owner: their department's only), for the request form. */
export const searchSystems = (q: string, signal?: AbortSignal) =>
  api.get<Page<SystemHit>>('/api/cmdb/systems', { q: q || undefined, pageSize: 50, sort: 'name' }, signal);
export const mailsOf = (recordType: string, recordId: string, signal?: AbortSignal) =>
  api.get<{ items: MailView[] }>('/api/mails', { recordType, recordId }, signal);

// ── time helpers (JST wall time in forms) ───────────────────────────────────────────────────
/** A `datetime-local` value (JST wall time) → ISO with +09:00; '' → ''. */
export function jstLocalToIso(v: string): string {
  if (!v) return '';
  return `${v.length === 16 ? `${v}:00` : v}+09:00`;
}
/** A Date → the `datetime-local` value of its JST wall time. */
export function toJstLocal(d: Date): string {
  return new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
}
/** The JST calendar date (YYYY-MM-DD) of an instant. */
export function jstYmd(d: Date | string): string {
  return new Date(new Date(d).getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}
/** HH:MM:SS in JST. */
export function jstTime(iso: string, seconds = true): string {
  const s = new Date(new Date(iso).getTime() + 9 * 3600_000).toISOString();
  return seconds ? s.slice(11, 19) : s.slice(11, 16);
}
