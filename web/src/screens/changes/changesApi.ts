/**
 * Types and calls of 変更管理 (/api/changes, server src/changes). The record shapes come type-only
 * from the service.
 */
import type { ChangeService } from '../../../../src/changes/service.ts';
import { api, buildQuery, type Page, type QueryValue } from '../../api';
import type { Wire } from '../../workbench';

export type ChangeDetail = Wire<Awaited<ReturnType<ChangeService['get']>>>;
export type ChangeRow = Wire<Awaited<ReturnType<ChangeService['list']>>['items'][number]>;
export type ChangeSource = ChangeRow['source'];
export type TargetType = ChangeDetail['targets'][number]['ciType'];

export const CHANGE_SOURCES: readonly ChangeSource[] = ['direct', 'problem_fix', 'preventive_maintenance', 'service_level_change'];
export const TARGET_TYPES: readonly TargetType[] = ['host', 'monitoring_server', 'storage', 'network', 'vm', 'platform'];
/** The CMDB ledger each target type is picked from (web/src/screens/cmdb/cmdbApi.ts's kinds). */
export const TARGET_LEDGER = { host: 'host', monitoring_server: 'management_server', storage: 'storage', network: 'network_device', vm: 'vm' } as const;

export const listChanges = (q: Record<string, QueryValue>, signal?: AbortSignal) => api.get<Page<ChangeRow>>('/api/changes', q, signal);
export const changeExportHref = (format: 'xlsx' | 'csv', q: Record<string, QueryValue>) => `/api/changes.${format}${buildQuery(q)}`;
export const getChange = (id: string, signal?: AbortSignal) => api.get<ChangeDetail>(`/api/changes/${id}`, undefined, signal);
export const registerChange = (body: unknown) => api.post<ChangeRow>('/api/changes', body);
export const actOnChange = (id: string, action: string, body: Record<string, unknown>) => api.post<ChangeRow>(`/api/changes/${id}/actions/${action}`, body);
