/** Calls of 払い出し・リソース変更申請 and the owner home (/api/portal/requests, /api/portal/home). Types type-only from the server. */
import type { OwnerHome } from '../../../../src/portal/home.ts';
import type { Placement } from '../../../../src/portal/placement.ts';
import type { ResourceReport } from '../../../../src/portal/report.ts';
import type { ChangeInput, ProvisionInput, RequestListQuery } from '../../../../src/portal/requests.inputs.ts';
import type { RequestService } from '../../../../src/portal/requests.service.ts';
import type { ChangeSpec, ProvisionSpec } from '../../../../src/portal/schema.ts';
import { api } from '../../api';
import type { Wire } from '../../workbench';

export type RequestRow = Wire<Awaited<ReturnType<RequestService['list']>>['items'][number]>;
export type RequestDetail = Wire<Awaited<ReturnType<RequestService['get']>>>;
export type FormOptions = Wire<Awaited<ReturnType<RequestService['formOptions']>>>;
export type Report = Wire<ResourceReport>;
export type PlacementView = Wire<Placement>;
export type { ChangeInput, ChangeSpec, ProvisionInput, ProvisionSpec, RequestListQuery };
export type OwnerHomeView = Wire<OwnerHome>;

const q = (f: RequestListQuery) => Object.fromEntries(Object.entries(f).filter(([, v]) => v));
export const listRequests = (f: RequestListQuery, signal?: AbortSignal) => api.get<{ items: RequestRow[] }>('/api/portal/requests', q(f), signal);
export const requestsLedgerHref = (format: 'xlsx' | 'csv', f: RequestListQuery) => {
  const s = new URLSearchParams(q(f) as Record<string, string>).toString();
  return `/api/portal/requests.${format}${s ? `?${s}` : ''}`;
};
export const getFormOptions = (signal?: AbortSignal) => api.get<FormOptions>('/api/portal/requests/options', undefined, signal);
export const createProvision = (body: ProvisionInput) => api.post<{ id: string }>('/api/portal/requests/provision', body);
export const createChange = (body: ChangeInput) => api.post<{ id: string }>('/api/portal/requests/resource-change', body);
export const getRequest = (id: string, signal?: AbortSignal) => api.get<RequestDetail>(`/api/portal/requests/${id}`, undefined, signal);
export const saveRequest = (id: string, body: Record<string, unknown>) => api.put<unknown>(`/api/portal/requests/${id}`, body);
export const actOnRequest = (id: string, action: string, body: Record<string, unknown>) =>
  api.post<unknown>(`/api/portal/requests/${id}/actions/${action}`, body);
export const getOwnerHome = (signal?: AbortSignal) => api.get<OwnerHomeView>('/api/portal/home', undefined, signal);
