/**
 * Types and calls of 月次報告 (/api/reports/monthly; server src/reports). Shapes come type-only from the
 * service, so a renamed field fails the web build.
 */
import type { ReportService } from '../../../../src/reports/service.ts';
import { api } from '../../api';
import type { Wire } from '../../workbench';

export type ReportList = Wire<Awaited<ReturnType<ReportService['list']>>>;
export type ReportRow = ReportList['items'][number];
export type ReportDetail = Wire<Awaited<ReturnType<ReportService['get']>>>;
export type ReportData = NonNullable<ReportDetail['snapshot']>;
export type ReportLabels = ReportDetail['labels'];
export type TextsInput = { version: number; summary?: string; fixInfo?: string; kpis?: Record<string, { cause: string; countermeasure: string }> };

export const listReports = (signal?: AbortSignal) => api.get<ReportList>('/api/reports/monthly', undefined, signal);
/** By month (YYYY-MM) or by id (the inbox links the id). */
export const getReport = (ref: string, signal?: AbortSignal) => api.get<ReportDetail>(`/api/reports/monthly/${encodeURIComponent(ref)}`, undefined, signal);
export const draftReport = (month: string) => api.post<ReportDetail>(`/api/reports/monthly/${encodeURIComponent(month)}`, {});
export const resnapshotReport = (month: string, version: number) => api.post<ReportDetail>(`/api/reports/monthly/${month}/resnapshot`, { version });
export const saveTexts = (month: string, body: TextsInput) => api.put<ReportDetail>(`/api/reports/monthly/${month}`, body);
export const actOnReport = (month: string, action: string, body: Record<string, unknown>) =>
  api.post<ReportDetail>(`/api/reports/monthly/${month}/actions/${action}`, body);
export const reportFileHref = (month: string, format: 'pdf' | 'xlsx') => `/api/reports/monthly/${month}/report.${format}`;

type Bi = { ja: string; en: string };
/** The server's label of `code` in a group of the report's label map (the code itself if unknown). */
export function labelOf(labels: ReportLabels, group: Exclude<keyof ReportLabels, 'unset'>, code: string | null | undefined, lang: string): string {
  const l: Bi | undefined = code === null || code === undefined || code === '未設定' ? labels.unset : (labels[group] as Record<string, Bi>)[code];
  return l ? (lang === 'en' ? l.en : l.ja) : String(code);
}
