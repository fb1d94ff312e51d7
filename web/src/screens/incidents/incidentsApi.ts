/**
 * Types and calls of インシデント管理 (/api/incidents, server src/incidents) and 問題管理
 * (/api/problems, server src/problems). Shapes mirror service.ts `view`, `get`, `list`.
 */
import { api, buildQuery, type Page, type QueryValue } from '../../api';

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

export interface IncidentRow {
  id: string;
  receiptNo: string;
  title: string;
  description: string;
  source: (typeof INCIDENT_SOURCES)[number];
  class: IncidentClass;
  state: string;
  stateLabel: Bilingual;
  version: number;
  requesterId: string | null;
  requesterName: string | null;
  departmentId: string | null;
  registeredAt: string;
  detectedAt: string;
  assigneeId: string | null;
  dueAt: string | null;
  urgency: Urgency | null;
  priority: Priority | null;
  platformCaused: boolean | null;
  scope: 'platform' | 'vm' | null;
  serviceLevel: 'A' | 'B' | 'C' | null;
  detectedInBusinessHours: boolean | null;
  reportRule: string | null;
  firstReportDueAt: string | null;
  firstReportedAt: string | null;
  nextReportDueAt: string | null;
  lastReportedAt: string | null;
  finalReportedAt: string | null;
  recoveryDueAt: string | null;
  recoveredAt: string | null;
  symptom: string | null;
  businessImpact: string | null;
  probableCause: string | null;
  procedureRef: string | null;
  procedure: Record<string, string> | null;
  procedureApprovedAt: string | null;
  vmReturnRequired: boolean;
  vmReturnDoneAt: string | null;
  routeTo: string | null;
  routeRef: string | null;
  resolution: string | null;
  requesterApproval: string | null;
  closedAt: string | null;
  overdue: boolean;
}

export interface AllowedAction {
  action: string;
  to: string;
  label: Bilingual;
  requires: string[];
  approval: boolean;
}

export interface HistoryEntry {
  id: number;
  action: string;
  fromState: string;
  toState: string;
  actor: string;
  actorRole: string | null;
  comment: string | null;
  at: string;
}

export interface MailView {
  id: string;
  template: string | null;
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  status: 'pending' | 'sent' | 'failed';
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
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

export interface IncidentDetail extends IncidentRow {
  allowedActions: AllowedAction[];
  deadlines: {
    rule: ReportRule | null;
    firstReport: Deadline;
    nextReport: Deadline;
    recovery: Deadline;
    due: Deadline;
    overdue: string[];
  };
  affected: {
    cis: { id: number; ciType: 'platform' | 'host' | 'vm'; ciId: string | null; name: string }[];
    vmNames: string[];
    recoveryOrder: { name: string; level: 'A' | 'B' | 'C' | null }[];
    currentLevel: 'A' | 'B' | 'C' | null;
  };
  recipients: { supervisor: string[]; ictManager: string[]; systemOwners: string[]; to: string[] } | null;
  routing: { id: number; decision: string; ref: string | null; reason: string | null; decidedByLabel: string; at: string }[];
  reports: IncidentReport[];
  problemIds: string[];
  similar: SimilarRow[];
  timeline: HistoryEntry[];
  mails: MailView[];
}

export interface ProcessInfo {
  states: Record<string, Bilingual>;
  transitions: { action: string; from: string | string[]; to: string; label: Bilingual; requires: string[] }[];
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

export const listIncidents = (q: IncidentListQuery & { page: number; pageSize: number }, signal?: AbortSignal) =>
  api.get<Page<IncidentRow>>('/api/incidents', q, signal);
export const incidentExportHref = (format: 'xlsx' | 'csv', q: IncidentListQuery) => `/api/incidents.${format}${buildQuery(q)}`;
export const getIncident = (id: string, signal?: AbortSignal) => api.get<IncidentDetail>(`/api/incidents/${id}`, undefined, signal);
export const getIncidentProcess = (signal?: AbortSignal) => api.get<ProcessInfo>('/api/incidents/process', undefined, signal);
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

export interface ProblemRow {
  id: string;
  receiptNo: string;
  title: string;
  description: string;
  source: ProblemSource;
  state: string;
  stateLabel: Bilingual;
  version: number;
  registeredAt: string;
  criteria: { missedRecoveryTarget: boolean; citizensOrManyDepartments: boolean; financialOrReputation: boolean } | null;
  priority: Priority | null;
  dueAt: string | null;
  critical: boolean;
  cause: string | null;
  policy: string | null;
  permanentFix: string | null;
  changeRef: string | null;
  result: string | null;
  noFixReason: string | null;
  noImplementReason: string | null;
  closedAt: string | null;
}

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

export interface ProblemDetail extends ProblemRow {
  allowedActions: AllowedAction[];
  incidents: IncidentRef[];
  decisions: { id: number; question: string; answer: boolean; reason: string | null; decidedByLabel: string; at: string }[];
  preventiveTarget: PreventiveTarget | null;
  timeline: HistoryEntry[];
  mails: MailView[];
}

export const listProblems = (q: Record<string, QueryValue>, signal?: AbortSignal) => api.get<Page<ProblemRow>>('/api/problems', q, signal);
export const problemExportHref = (format: 'xlsx' | 'csv', q: Record<string, QueryValue>) => `/api/problems.${format}${buildQuery(q)}`;
export const getProblem = (id: string, signal?: AbortSignal) => api.get<ProblemDetail>(`/api/problems/${id}`, undefined, signal);
export const getProblemProcess = (signal?: AbortSignal) => api.get<ProcessInfo>('/api/problems/process', undefined, signal);
export const registerProblem = (body: unknown) => api.post<ProblemRow>('/api/problems', body);
export const actOnProblem = (id: string, action: string, body: Record<string, unknown>) => api.post<ProblemRow>(`/api/problems/${id}/actions/${action}`, body);
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
