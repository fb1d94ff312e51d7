/**
 * Types and calls of 会議体 (/api/meetings; server src/meetings). Record shapes come type-only from the
 * service, so a renamed field fails the web build.
 */
import type { ActionItemInput, DecisionInput, MeetingInput, MeetingUpdate, ReferenceInput } from '../../../../src/meetings/inputs.ts';
import type { MeetingService } from '../../../../src/meetings/service.ts';
import { api, buildQuery, type QueryValue, type User } from '../../api';
import type { Wire } from '../../workbench';

export type MeetingKindRow = Wire<Awaited<ReturnType<MeetingService['kinds']>>[number]>;
export type MeetingRow = Wire<Awaited<ReturnType<MeetingService['list']>>['items'][number]>;
export type MeetingDetail = Wire<Awaited<ReturnType<MeetingService['get']>>>;
export type ActionItemRow = Wire<Awaited<ReturnType<MeetingService['items']['listActions']>>['items'][number]>;
export type Candidate = Wire<Awaited<ReturnType<MeetingService['candidates']>>['items'][number]>;

export const listKinds = (signal?: AbortSignal) => api.get<{ items: MeetingKindRow[] }>('/api/meetings/kinds', undefined, signal);
export const listMeetings = (q: Record<string, QueryValue>, signal?: AbortSignal) => api.get<{ items: MeetingRow[] }>('/api/meetings', q, signal);
export const meetingExportHref = (format: 'xlsx' | 'csv', q: Record<string, QueryValue>) => `/api/meetings.${format}${buildQuery(q)}`;
export const listActionItems = (q: Record<string, QueryValue>, signal?: AbortSignal) => api.get<{ items: ActionItemRow[] }>('/api/meetings/actions', q, signal);
export const actionExportHref = (format: 'xlsx' | 'csv', q: Record<string, QueryValue>) => `/api/meetings/actions.${format}${buildQuery(q)}`;
export const getActionItem = (id: string, signal?: AbortSignal) => api.get<ActionItemRow>(`/api/meetings/actions/${id}`, undefined, signal);
export const actOnActionItem = (id: string, action: string, body: Record<string, unknown>) => api.post<ActionItemRow>(`/api/meetings/actions/${id}/actions/${action}`, body);
export const listCandidates = (signal?: AbortSignal) => api.get<{ items: Candidate[] }>('/api/meetings/people', undefined, signal);
export const createMeeting = (body: MeetingInput) => api.post<MeetingDetail>('/api/meetings', body);
export const getMeeting = (id: string, signal?: AbortSignal) => api.get<MeetingDetail>(`/api/meetings/${id}`, undefined, signal);
export const updateMeeting = (id: string, body: MeetingUpdate) => api.patch<MeetingDetail>(`/api/meetings/${id}`, body);
export const actOnMeeting = (id: string, action: string, body: Record<string, unknown>) => api.post<MeetingDetail>(`/api/meetings/${id}/actions/${action}`, body);
export const addDecision = (id: string, body: DecisionInput) => api.post<unknown>(`/api/meetings/${id}/decisions`, body);
export const addActionItem = (id: string, body: ActionItemInput) => api.post<unknown>(`/api/meetings/${id}/action-items`, body);
export const addReference = (id: string, body: ReferenceInput) => api.post<unknown>(`/api/meetings/${id}/references`, body);
export const removeReference = (id: string, refId: string) => api.delete<unknown>(`/api/meetings/${id}/references/${refId}`);
export const uploadMinutesFile = (id: string, form: FormData) => api.upload<MeetingDetail>(`/api/meetings/${id}/minutes-file`, form);
export const minutesFileHref = (id: string) => `/api/meetings/${id}/minutes-file`;

/** The vendor's 管理者・責任者 keep the meetings (the server checks the same: src/meetings/scope.ts). */
export const isMeetingEditor = (user: User | null | undefined) => !!user?.roles.some((r) => r.role === 'vendor_manager' || r.role === 'vendor_lead');
