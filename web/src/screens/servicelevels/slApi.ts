/**
 * Types and calls of サービスレベル管理 (/api/servicelevels; server src/servicelevels). Shapes come
 * type-only from the service, so a renamed field fails the web build.
 */
import type { ServiceLevelService } from '../../../../src/servicelevels/service.ts';
import { api, buildQuery } from '../../api';
import type { Wire } from '../../workbench';

export type Availability = Wire<Awaited<ReturnType<ServiceLevelService['availability']>>>;
export type AvailabilityOf = Wire<Awaited<ReturnType<ServiceLevelService['availabilityOf']>>>;
export type Kpis = Wire<Awaited<ReturnType<ServiceLevelService['kpis']>>>;
export type KpiRow = Kpis['kpis'][number];
export type Targets = Wire<Awaited<ReturnType<ServiceLevelService['listTargets']>>>;
export type TargetDetail = Wire<Awaited<ReturnType<ServiceLevelService['getTarget']>>>;
export type Menu = Wire<Awaited<ReturnType<ServiceLevelService['menu']>>>;
export type MenuDetail = Wire<Awaited<ReturnType<ServiceLevelService['getMenu']>>>;
export type MenuItem = MenuDetail['items'][number];

const q = (month: string) => ({ month });
export const getAvailability = (month: string, signal?: AbortSignal) => api.get<Availability>('/api/servicelevels/availability', q(month), signal);
export const getAvailabilityOf = (kind: 'systems' | 'vms', id: string, month: string, signal?: AbortSignal) => api.get<AvailabilityOf>(`/api/servicelevels/availability/${kind}/${id}`, q(month), signal);
export const getKpis = (month: string, signal?: AbortSignal) => api.get<Kpis>('/api/servicelevels/kpis', q(month), signal);
export const exportHref = (what: 'availability' | 'kpis', format: 'xlsx' | 'csv', month: string) => `/api/servicelevels/${what}.${format}${buildQuery(q(month))}`;
export const markCase = (kpi: string, recordId: string, body: { outcome: string; reason?: string }) => api.put(`/api/servicelevels/kpis/${kpi}/cases/${recordId}`, body);
export const setManual = (body: { month: string; numerator: number; denominator: number; note?: string }) => api.put('/api/servicelevels/kpis/consolidation/manual', body);
export const getTargets = (signal?: AbortSignal) => api.get<Targets>('/api/servicelevels/targets', undefined, signal);
export const getTarget = (id: string, signal?: AbortSignal) => api.get<TargetDetail>(`/api/servicelevels/targets/${id}`, undefined, signal);
export const proposeTarget = (body: { kpi: string; targetPercent: number; effectiveFrom: string; reason?: string }) => api.post<{ id: string }>('/api/servicelevels/targets', body);
export const actOnTarget = (id: string, action: string, body: Record<string, unknown>) => api.post(`/api/servicelevels/targets/${id}/actions/${action}`, body);
export const getMenu = (signal?: AbortSignal) => api.get<Menu>('/api/servicelevels/menu', undefined, signal);
export const getMenuVersion = (id: string, signal?: AbortSignal) => api.get<MenuDetail>(`/api/servicelevels/menu/${id}`, undefined, signal);
export const createMenuVersion = (reason: string) => api.post<{ id: string }>('/api/servicelevels/menu', { reason });
export const editMenu = (id: string, body: { version: number; items: MenuItem[] }) => api.put(`/api/servicelevels/menu/${id}`, body);
export const actOnMenu = (id: string, action: string, body: Record<string, unknown>) => api.post(`/api/servicelevels/menu/${id}/actions/${action}`, body);

/** The previous JST month of now (YYYY-MM): the default period, as the server's. */
export function previousMonth(now = new Date()): string {
  const j = new Date(now.getTime() + 9 * 3600_000);
  const y = j.getUTCFullYear();
  const m = j.getUTCMonth(); // 0-based: the previous month's 1-based number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
}
export const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(3)} %`);
