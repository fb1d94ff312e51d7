import { request } from '../api';
import type { Inbox, InboxCount, ProcessFlow, SearchGroup, WorkbenchSettings } from './types';

export const getInbox = (signal?: AbortSignal) => request<Inbox>('GET', '/api/inbox', { signal });
export const getInboxCount = (signal?: AbortSignal) => request<InboxCount>('GET', '/api/inbox/count', { signal });
export const searchAll = (q: string, signal?: AbortSignal) => request<{ groups: SearchGroup[] }>('GET', '/api/search', { query: { q }, signal });
/** A process's definition (states, steps, RACI) — every screen asks the workbench's one endpoint for it. */
export const getFlow = (name: string, signal?: AbortSignal) => request<ProcessFlow>('GET', `/api/processes/${encodeURIComponent(name)}`, { signal });
/** The query of a process's flow for useQuery: one cache entry per process, never stale (the table is code). */
export const flowQuery = (name: string) => ({
  queryKey: ['processes', name] as const,
  queryFn: ({ signal }: { signal?: AbortSignal }) => getFlow(name, signal),
  staleTime: Number.POSITIVE_INFINITY,
});
export const getHolders = (roles: readonly string[], signal?: AbortSignal) =>
  request<{ items: { id: string; label: string }[] }>('GET', '/api/workbench/people', { query: { roles: roles.join(',') }, signal });
export const getWorkbenchSettings = (signal?: AbortSignal) => request<WorkbenchSettings>('GET', '/api/workbench/settings', { signal });
export const putWorkbenchSettings = (body: { approvalDigest: boolean }) => request<WorkbenchSettings>('PUT', '/api/workbench/settings', { body });

/** A `datetime-local` value (JST wall time) → an ISO instant with +09:00. */
export function jstLocalToIso(v: string): string | undefined {
  if (!v) return undefined;
  return `${v.length === 16 ? `${v}:00` : v}+09:00`;
}
