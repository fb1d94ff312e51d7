/**
 * Types and calls of システム運用ドキュメント管理 (/api/documents, /api/changes/:id/documents; server
 * src/documents). The record shapes come type-only from the service; the role and kind lists are typed
 * by the server's input schema, so a change there fails the web build.
 */
import type { ChangeDocumentService } from '../../../../src/documents/attach.ts';
import type { DocumentInput } from '../../../../src/documents/inputs.ts';
import type { DocumentService } from '../../../../src/documents/service.ts';
import { api, buildQuery, type Page, type QueryValue } from '../../api';
import type { Wire } from '../../workbench';

export type DocumentRow = Wire<Awaited<ReturnType<DocumentService['list']>>['items'][number]>;
export type DocumentDetail = Wire<Awaited<ReturnType<DocumentService['get']>>>;
export type RevisionRow = DocumentDetail['revisions'][number];
export type RevisionDetail = Wire<Awaited<ReturnType<DocumentService['getRevision']>>>;
export type DocumentDiff = Wire<Awaited<ReturnType<DocumentService['diff']>>>;
export type MonthlyChanges = Wire<Awaited<ReturnType<DocumentService['monthlyChanges']>>>;
export type ChangeDocumentRow = Wire<Awaited<ReturnType<ChangeDocumentService['list']>>['items'][number]>;
export type DocumentBody = DocumentInput;

export const DOCUMENT_KINDS: readonly DocumentInput['kind'][] = ['document', 'record'];
export const DOCUMENT_RETENTIONS: readonly DocumentInput['retention'][] = ['latest', 'operating_period'];
/** The roles N §3.6.3.1's table uses per column (the server accepts only these). */
export const AUTHOR_ROLES: readonly DocumentInput['authorRole'][] = ['operator', 'vendor_manager', 'system_owner'];
export const REVIEWER_ROLES: readonly DocumentInput['reviewerRole'][] = ['vendor_manager', 'vendor_lead'];
export const APPROVER_ROLES: readonly DocumentInput['approverRole'][] = ['vendor_manager', 'supervisor'];

export const listDocuments = (q: Record<string, QueryValue>, signal?: AbortSignal) => api.get<Page<DocumentRow>>('/api/documents', q, signal);
export const documentExportHref = (format: 'xlsx' | 'csv', q: Record<string, QueryValue>) => `/api/documents.${format}${buildQuery(q)}`;
export const seedDocuments = () => api.post<{ added: string[] }>('/api/documents/seed', {});
export const createDocument = (body: DocumentBody) => api.post<DocumentRow>('/api/documents', body);
export const updateDocument = (id: string, body: Partial<DocumentBody> & { version: number }) => api.patch<DocumentRow>(`/api/documents/${id}`, body);
export const getDocument = (id: string, signal?: AbortSignal) => api.get<DocumentDetail>(`/api/documents/${id}`, undefined, signal);
export const getDiff = (id: string, from: number, to: number, signal?: AbortSignal) => api.get<DocumentDiff>(`/api/documents/${id}/diff`, { from, to }, signal);
export const getMonthlyChanges = (month: string, signal?: AbortSignal) => api.get<MonthlyChanges>('/api/documents/changes', { month }, signal);
/** 改版の開始: multipart with `file`, `reason`, optional `summary` and `changeId`. */
export const startRevision = (id: string, form: FormData) => api.upload<RevisionRow>(`/api/documents/${id}/revisions`, form);
export const getRevision = (id: string, signal?: AbortSignal) => api.get<RevisionDetail>(`/api/documents/revisions/${id}`, undefined, signal);
export const replaceRevisionFile = (id: string, form: FormData) => api.upload<RevisionRow>(`/api/documents/revisions/${id}/file`, form);
export const actOnRevision = (id: string, action: string, body: Record<string, unknown>) => api.post<RevisionRow>(`/api/documents/revisions/${id}/actions/${action}`, body);
export const revisionFileHref = (id: string) => `/api/documents/revisions/${id}/file`;

export const listChangeDocuments = (changeId: string, signal?: AbortSignal) => api.get<{ items: ChangeDocumentRow[] }>(`/api/changes/${changeId}/documents`, undefined, signal);
export const attachChangeDocument = (changeId: string, documentId: string) => api.post<{ items: ChangeDocumentRow[] }>(`/api/changes/${changeId}/documents`, { documentId });
export const detachChangeDocument = (changeId: string, documentId: string) => api.delete<{ items: ChangeDocumentRow[] }>(`/api/changes/${changeId}/documents/${documentId}`);

/** Bytes as the person reads them (1.2 MB). */
export function fileSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
