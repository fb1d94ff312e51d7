/**
 * Types and calls of オペレーション管理 (/api/operations; server src/operations): オペレーション一覧 and its
 * add/change/delete requests (OPS-1), restore requests (BAK-5) and the licence helper (OPS-8). The record
 * shapes come type-only from the services, the enums from the server's schema, so a change there fails
 * the web build.
 */
import type { ChangeInput, EntryContentInput, RestoreInput } from '../../../../src/operations/inputs.ts';
import type { RestoreService } from '../../../../src/operations/restores.ts';
import type { RestoreKind } from '../../../../src/operations/schema.ts';
import type { OperationService } from '../../../../src/operations/service.ts';
import { api, buildQuery, type Page, type QueryValue } from '../../api';
import type { Wire } from '../../workbench';

export type EntryRow = Wire<Awaited<ReturnType<OperationService['list']>>['items'][number]>;
export type EntryDetail = Wire<Awaited<ReturnType<OperationService['get']>>>;
export type ChangeRow = Wire<Awaited<ReturnType<OperationService['listChanges']>>[number]>;
export type ChangeDetail = Wire<Awaited<ReturnType<OperationService['getChange']>>>;
export type RestoreRow = Wire<Awaited<ReturnType<RestoreService['list']>>['items'][number]>;
export type RestoreDetail = Wire<Awaited<ReturnType<RestoreService['get']>>>;
export type LicenceResult = Wire<Awaited<ReturnType<RestoreService['licences']>>>;
export type EntryContent = EntryContentInput;
export type { RestoreKind };

/** The server's lists (src/operations/schema.ts), typed by its input schema: a change there fails the web build. */
export const OPERATION_SCOPES: readonly EntryContent['scope'][] = ['platform', 'vm'];
export const OPERATION_CATEGORIES: readonly EntryContent['category'][] = ['routine', 'standard_change', 'delegated'];
export const OPERATION_FREQUENCIES: readonly EntryContent['frequency'][] = ['daily', 'weekly', 'monthly', 'yearly', 'on_request'];
export const OPERATION_OWNER_ROLES: readonly EntryContent['ownerRole'][] = ['operator', 'vendor_manager'];
export const RESTORE_KINDS: readonly RestoreKind[] = ['vm', 'disk', 'file', 'remote'];

export const listEntries = (q: Record<string, QueryValue>, signal?: AbortSignal) =>
  api.get<Page<EntryRow> & { canDraft: boolean }>('/api/operations/entries', q, signal);
export const entriesExportHref = (format: 'xlsx' | 'csv', q: Record<string, QueryValue>) => `/api/operations/entries.${format}${buildQuery(q)}`;
export const seedEntries = () => api.post<{ added: string[] }>('/api/operations/entries/seed', {});
export const getEntry = (id: string, signal?: AbortSignal) => api.get<EntryDetail>(`/api/operations/entries/${id}`, undefined, signal);

export const listChanges = (signal?: AbortSignal) => api.get<ChangeRow[]>('/api/operations/changes', undefined, signal);
export const createChange = (body: ChangeInput) => api.post<{ id: string }>('/api/operations/changes', body);
export const getChange = (id: string, signal?: AbortSignal) => api.get<ChangeDetail>(`/api/operations/changes/${id}`, undefined, signal);
export const editChange = (id: string, body: { version: number; content?: EntryContent; reason?: string }) =>
  api.patch<{ id: string }>(`/api/operations/changes/${id}`, body);
export const actOnChange = (id: string, action: string, body: Record<string, unknown>) =>
  api.post<unknown>(`/api/operations/changes/${id}/actions/${action}`, body);

export const listRestores = (q: Record<string, QueryValue>, signal?: AbortSignal) => api.get<Page<RestoreRow>>('/api/operations/restores', q, signal);
export const createRestore = (body: RestoreInput) => api.post<{ id: string }>('/api/operations/restores', body);
export const getRestore = (id: string, signal?: AbortSignal) => api.get<RestoreDetail>(`/api/operations/restores/${id}`, undefined, signal);
export const checkRestore = (id: string, body: { version: number; key: string; done: boolean }) =>
  api.post<unknown>(`/api/operations/restores/${id}/checklist`, body);
export const actOnRestore = (id: string, action: string, body: Record<string, unknown>) =>
  api.post<unknown>(`/api/operations/restores/${id}/actions/${action}`, body);

export const getLicences = (vmId: string, counts: { users?: number; devices?: number; servers?: number }, signal?: AbortSignal) =>
  api.get<LicenceResult>('/api/operations/licences', { vmId, ...counts }, signal);
