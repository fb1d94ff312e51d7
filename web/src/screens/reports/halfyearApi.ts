/** Types and calls of 半期報告 (/api/reports/halfyear; server src/reports/halfyear-*.ts), type-only from the service. */
import type { HalfYearService } from '../../../../src/reports/halfyear-service.ts';
import { api } from '../../api';
import type { Wire } from '../../workbench';

export type HalfList = Wire<Awaited<ReturnType<HalfYearService['list']>>>;
export type HalfDetail = Wire<Awaited<ReturnType<HalfYearService['get']>>>;
export type HalfData = NonNullable<HalfDetail['snapshot']>;
export type HalfTexts = HalfDetail['texts'];

const base = (half: string) => `/api/reports/halfyear/${encodeURIComponent(half)}`;
export const listHalves = (signal?: AbortSignal) => api.get<HalfList>('/api/reports/halfyear', undefined, signal);
/** By half ('2026-H1') or by id (the inbox links the id). */
export const getHalf = (ref: string, signal?: AbortSignal) => api.get<HalfDetail>(base(ref), undefined, signal);
export const draftHalf = (half: string) => api.post<HalfDetail>(base(half), {});
export const resnapshotHalf = (half: string, version: number) => api.post<HalfDetail>(`${base(half)}/resnapshot`, { version });
export const saveHalfTexts = (half: string, body: Partial<HalfTexts> & { version: number }) => api.put<HalfDetail>(base(half), body);
export const actOnHalf = (ref: string, action: string, body: Record<string, unknown>) => api.post<HalfDetail>(`${base(ref)}/actions/${action}`, body);
export const halfFileHref = (half: string, format: 'pdf' | 'xlsx') => `${base(half)}/report.${format}`;
