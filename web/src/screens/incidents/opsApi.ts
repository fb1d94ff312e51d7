/**
 * Calls of the incident desk's daily work — priority review (N §3.2.3.4), the stocktake (INC-9) — and
 * of the preventive-maintenance target list (PRB-4). The answers' shapes are the server's own,
 * imported type-only (nothing of the server is bundled); `Wire` says what JSON makes of them.
 */
import { api, type Page } from '../../api';
import type { IncidentService, IncidentView } from '../../../../src/incidents/service.ts';
import type { StocktakeRecord as ServerStocktakeRecord } from '../../../../src/incidents/stocktake.ts';
import type { UrgencyCriteria } from '../../../../src/incidents/schema.ts';
import type { preventiveTargets } from '../../../../src/problems/schema.ts';
import type { TargetInput } from '../../../../src/problems/inputs.ts';

/** A server value as it arrives in JSON: instants become ISO strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type Urgency = UrgencyCriteria;
export const URGENCY_KEYS = ['citizenServiceStopped', 'citizenImpact', 'financialOrReputation', 'wideImpact'] as const satisfies readonly (keyof Urgency)[];

export type TroubleRow = Wire<IncidentView>;
export type StocktakeNow = Wire<Awaited<ReturnType<IncidentService['stocktake']>>>;
export type StocktakeRecord = Wire<ServerStocktakeRecord>;
export type PreventiveTarget = Wire<typeof preventiveTargets.$inferSelect>;
export type PreventiveTargetInput = TargetInput;

/** Open troubles (not closed) for the priority review: High first, then the newest. */
export const listOpenTroubles = (page: number, pageSize: number, signal?: AbortSignal) =>
  api.get<Page<TroubleRow>>('/api/incidents', { class: 'trouble', open: 'true', sort: 'priority', page, pageSize }, signal);
/** 優先度の見直し: the four INC-5 criteria re-judged, with the reason (POST /api/incidents/:id/priority). */
export const reprioritise = (id: string, body: { version: number; urgency: Urgency; reason: string }) =>
  api.post<TroubleRow>(`/api/incidents/${id}/priority`, body);

export const getStocktakeNow = (signal?: AbortSignal) => api.get<StocktakeNow>('/api/incidents/stocktake', undefined, signal);
export const listStocktakes = (signal?: AbortSignal) => api.get<{ items: StocktakeRecord[] }>('/api/incidents/stocktakes', undefined, signal);
export const recordStocktake = (body: { atRisk: boolean; note?: string; correctiveAction?: string }) =>
  api.post<StocktakeRecord>('/api/incidents/stocktakes', body);

export const listPreventiveTargets = (q: { category?: string }, signal?: AbortSignal) =>
  api.get<{ items: PreventiveTarget[] }>('/api/problems/preventive-targets', q, signal);
export const createPreventiveTarget = (body: PreventiveTargetInput) => api.post<PreventiveTarget>('/api/problems/preventive-targets', body);
export const updatePreventiveTarget = (id: string, body: Partial<PreventiveTargetInput> & { version: number; active?: boolean }) =>
  api.patch<PreventiveTarget>(`/api/problems/preventive-targets/${id}`, body);
