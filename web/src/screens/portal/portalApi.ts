/** Calls of the owners' portal (/api/portal; server src/portal). Shapes come type-only from the service. */
import type { PortalService } from '../../../../src/portal/service.ts';
import { api } from '../../api';
import type { Wire } from '../../workbench';

export type Catalog = Wire<Awaited<ReturnType<PortalService['catalog']>>>;
export type PlanRowView = Wire<Awaited<ReturnType<PortalService['list']>>['items'][number]>;
export type PlanDetail = Wire<Awaited<ReturnType<PortalService['get']>>>;
export type SystemOption = Wire<Awaited<ReturnType<PortalService['systems']>>['items'][number]>;

export const getCatalog = (signal?: AbortSignal) => api.get<Catalog>('/api/portal/catalog', undefined, signal);
export const listPlans = (signal?: AbortSignal) => api.get<{ items: PlanRowView[] }>('/api/portal/plans', undefined, signal);
export const listSystems = (signal?: AbortSignal) => api.get<{ items: SystemOption[] }>('/api/portal/systems', undefined, signal);
export const createPlan = (body: { systemId: string; title: string; provisionUntil: string }) => api.post<{ id: string }>('/api/portal/plans', body);
export const getPlan = (id: string, signal?: AbortSignal) => api.get<PlanDetail>(`/api/portal/plans/${id}`, undefined, signal);
export type PlanPreview = Wire<Awaited<ReturnType<PortalService['previewXlsx']>>>;
export const savePlan = (id: string, body: { version: number; rows: Record<string, unknown>[]; provisionUntil?: string; imported?: boolean }) =>
  api.put<unknown>(`/api/portal/plans/${id}`, body);
export const actOnPlan = (id: string, action: string, body: Record<string, unknown>) => api.post<unknown>(`/api/portal/plans/${id}/actions/${action}`, body);
export const planXlsxHref = (id: string) => `/api/portal/plans/${id}/xlsx`;
/** Reads and checks an XLSX plan; writes nothing (the rows go into the editor, 下書き保存 confirms them). */
export function previewPlanXlsx(id: string, file: File) {
  const form = new FormData();
  form.append('file', file);
  return api.upload<PlanPreview>(`/api/portal/plans/${id}/xlsx`, form);
}
