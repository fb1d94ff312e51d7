/**
 * Types and calls of インシデント管理 (/api/incidents, server src/incidents) and 問題管理
 * (/api/problems, server src/problems). The record shapes come type-only from the services.
 */
import type { IncidentService, IncidentView } from '../../../../src/incidents/service.ts';
import type { MailView as ServerMailView } from '../../../../src/notify/index.ts';
import type { ProblemService } from '../../../../src/problems/service.ts';
import { api, buildQuery, type Page, type QueryValue } from '../../api';
import type { AllowedAction, HistoryEntry, Wire } from '../../workbench';

export type { AllowedAction, HistoryEntry };
export type IncidentRow = Wire<IncidentView>;
export type IncidentDetail = Wire<Awaited<ReturnType<IncidentService['get']>>>;
export type ProblemDetail = Wire<Awaited<ReturnType<ProblemService['get']>>>;
export type ProblemRow = Wire<Awaited<ReturnType<ProblemService['list']>>['items'][number]>;
export type MailView = Wire<ServerMailView>;

export type Bilingual = { ja: string; en: string };
export type IncidentClass = 'work_request' | 'qa' | 'trouble';
export type Priority = 'high' | 'low';
export const INCIDENT_SOURCES = ['monitoring', 'ict_centre', 'supervisor', 'system_owner', 'other'] as const;
export const INCIDENT_CLASSES: readonly IncidentClass[] = ['work_request', 'qa', 'trouble'];

export interface Urgency {
  citizenServiceStopped: boolean;
  citizenImpact: boolean;
  financialOrReputation: boolean;
  wideImpact: boolean;
}

export interface Deadline {
  dueAt: string | null;
  doneAt: string | null;
  overdue: boolean;
}

export interface ReportRule {
  key: string;
  scope: 'platform' | 'vm';
  level: 'A' | 'B' | 'C' | null;
  priority: Priority;
  businessHours: boolean;
  firstWithinMinutes: number | null;
  firstChannel: string | null;
  continuing: string;
  continuingChannel: string;
  firstChannelLabel: Bilingual | null;
  continuingLabel: Bilingual;
  continuingChannelLabel: Bilingual;
}

export interface IncidentReport {
  id: number;
  kind: 'first' | 'continuing' | 'final' | 'recovery_start' | 'recovery_complete';
  channel: 'phone' | 'mail' | 'phone_and_mail';
  at: string;
  byLabel: string;
  dueAt: string | null;
  late: boolean;
  mailId: string | null;
  recipients: string[];
}

export interface SimilarRow {
  id: string;
  receiptNo: string;
  title: string;
  class: IncidentClass;
  state: string;
  resolution: string | null;
  registeredAt: string;
  score: number;
}

export interface IncidentListQuery extends Record<string, QueryValue> {
  q?: string;
  sort?: string;
  state?: string;
  class?: string;
  priority?: string;
  overdue?: string;
  open?: string;
}

/** A ledger page: `total` stops counting at 1,000 (`totalExact` false), `next` is the cursor of the page after. */
export type IncidentPage = Page<IncidentRow> & { totalExact: boolean; next: string | null };
export const listIncidents = (q: IncidentListQuery & { page: number; pageSize: number; after?: string }, signal?: AbortSignal) =>
  api.get<IncidentPage>('/api/incidents', q, signal);
export const incidentExportHref = (format: 'xlsx' | 'csv', q: IncidentListQuery) => `/api/incidents.${format}${buildQuery(q)}`;
export const getIncident = (id: string, signal?: AbortSignal) => api.get<IncidentDetail>(`/api/incidents/${id}`, undefined, signal);
export const registerIncident = (body: unknown) => api.post<IncidentRow>('/api/incidents', body);
export const actOnIncident = (id: string, action: string, body: Record<string, unknown>) =>
  api.post<IncidentRow>(`/api/incidents/${id}/actions/${action}`, body);
export const reportIncident = (id: string, body: Record<string, unknown>) => api.post<IncidentRow>(`/api/incidents/${id}/reports`, body);
export const similarIncidents = (q: string, signal?: AbortSignal) =>
  api.get<{ items: SimilarRow[] }>('/api/incidents/similar', { q, class: 'qa', limit: 5 }, signal);
export const reportsDue = (signal?: AbortSignal) =>
  api.get<{ items: (IncidentRow & { dueAt: string; overdue: boolean })[] }>('/api/incidents/reports-due', undefined, signal);
export interface Stocktake {
  at: string;
  undispatched: IncidentRow[];
  overdue: (IncidentRow & { reasons: string[] })[];
  awaitingClose: IncidentRow[];
}
export const getStocktake = (signal?: AbortSignal) => api.get<Stocktake>('/api/incidents/stocktake', undefined, signal);

// ── problems ────────────────────────────────────────────────────────────────────────────────
export const PROBLEM_SOURCES = [
  'supervisor_instruction',
  'incident_root_cause',
  'incident_permanent_fix',
  'incident_rollout',
  'preventive_hardware',
  'preventive_os',
  'improvement',
  'operating_mistake',
  'near_miss',
  'complaint',
] as const;
export type ProblemSource = (typeof PROBLEM_SOURCES)[number];

export interface IncidentRef {
  id: string;
  receiptNo: string;
  title: string;
  class: IncidentClass;
  priority: Priority | null;
  state: string;
}

export interface PreventiveTarget {
  id: string;
  category: 'hardware' | 'software';
  kind: 'esxi' | 'management_server' | 'storage' | 'network';
  name: string;
  vendor: string | null;
  collectionMethod: string | null;
  notes: string | null;
  active: boolean;
}

export const listProblems = (q: Record<string, QueryValue>, signal?: AbortSignal) => api.get<Page<ProblemRow>>('/api/problems', q, signal);
export const problemExportHref = (format: 'xlsx' | 'csv', q: Record<string, QueryValue>) => `/api/problems.${format}${buildQuery(q)}`;
export const getProblem = (id: string, signal?: AbortSignal) => api.get<ProblemDetail>(`/api/problems/${id}`, undefined, signal);
export const registerProblem = (body: unknown) => api.post<ProblemRow>('/api/problems', body);
export const actOnProblem = (id: string, action: string, body: Record<string, unknown>) => api.post<ProblemRow>(`/api/problems/${id}/actions/${action}`, body);
export const unlinkProblemIncident = (problemId: string, incidentId: string, reason: string) =>
  api.post<unknown>(`/api/problems/${problemId}/incidents/${incidentId}/unlink`, { reason });
export const linkProblemIncident = (problemId: string, incidentId: string) =>
  api.post<{ linked: boolean }>(`/api/problems/${problemId}/incidents`, { incidentId });
export const listTargets = (q: Record<string, QueryValue>, signal?: AbortSignal) =>
  api.get<{ items: PreventiveTarget[] }>('/api/problems/preventive-targets', q, signal);

// ── CMDB look-ups for the affected items ────────────────────────────────────────────────────
export interface CiHit {
  id: string;
  name: string;
  systemName?: string | null;
  hostName?: string | null;
  clusterName?: string | null;
  effectiveServiceLevel?: string | null;
}
export const searchCis = (kind: 'vms' | 'hosts', q: string, signal?: AbortSignal) =>
  api.get<Page<CiHit>>(`/api/cmdb/${kind}`, { q, pageSize: 10, sort: 'name' }, signal);

/** A `datetime-local` value (JST wall time) → ISO with +09:00; '' → undefined. */
export function jstLocalToIso(v: string): string | undefined {
  if (!v) return undefined;
  const withSec = v.length === 16 ? `${v}:00` : v;
  return `${withSec}+09:00`;
}
/** A Date → the `datetime-local` value of its JST wall time. */
export function isoToJstLocal(d: Date): string {
  const j = new Date(d.getTime() + 9 * 3600_000);
  return j.toISOString().slice(0, 16);
}
