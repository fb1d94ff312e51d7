/**
 * Minimal fetch wrapper for the Kiban API.
 * - same-origin cookies, JSON in/out
 * - `Accept-Language` follows the UI language
 * - `X-CSRF-Token` on every non-GET request (JSON or a FormData upload)
 * - error bodies `{ error: { code, message, fields? } }` become `ApiError`
 * - a 401 from a non-auth endpoint drops the session (see `setUnauthorizedHandler`)
 */
import { getLang, translate } from './i18n/lang';

export interface DepartmentRef {
  id: string;
  code: string;
  name: string;
}

export interface RoleAssignment {
  role: string;
  departmentId: string | null;
}

export interface User {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  department: DepartmentRef | null;
  roles: RoleAssignment[];
  permissions: string[];
  /** Sees every department's records; false for a system owner (their own department only). */
  allDepartments: boolean;
}

export interface SessionResponse {
  user: User;
  csrfToken: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface DepartmentRow {
  id: string;
  code: string;
  name: string;
  kind: string;
  peopleCount: number;
}

export interface PersonRow {
  id: string;
  login: string;
  displayName: string;
  email: string | null;
  department: DepartmentRef | null;
  roles: string[];
  disabled: boolean;
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;

  constructor(status: number, code: string, message: string, fields?: Record<string, string>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields ?? {};
  }

  /** Error message for one form field, if the server named it. */
  field(name: string): string | undefined {
    return this.fields[name];
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Registers what to do when a non-auth request gets 401 (session expired). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export type QueryValue = string | number | boolean | null | undefined;

export function buildQuery(params?: Record<string, QueryValue>): string {
  if (!params) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON (proxy error page etc.)
  }
  const err = isRecord(body) ? body.error : undefined;
  if (isRecord(err) && typeof err.message === 'string') {
    const fields: Record<string, string> = {};
    if (isRecord(err.fields)) {
      for (const [k, v] of Object.entries(err.fields)) if (typeof v === 'string') fields[k] = v;
    }
    return new ApiError(res.status, typeof err.code === 'string' ? err.code : 'error', err.message, fields);
  }
  return new ApiError(res.status, 'http_error', translate(getLang(), 'error.http', { status: res.status }));
}

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': getLang(),
  };
  const upper = method.toUpperCase();
  const hasBody = upper !== 'GET' && upper !== 'HEAD';
  // A FormData body (file upload) is sent as multipart: the browser sets Content-Type with its boundary.
  const isForm = typeof FormData !== 'undefined' && opts.body instanceof FormData;
  if (hasBody) {
    if (!isForm) headers['Content-Type'] = 'application/json';
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  }

  let res: Response;
  try {
    res = await fetch(path + buildQuery(opts.query), {
      method: upper,
      headers,
      credentials: 'same-origin',
      body: hasBody ? (isForm ? (opts.body as FormData) : JSON.stringify(opts.body ?? {})) : undefined,
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', translate(getLang(), 'error.network'));
  }

  if (!res.ok) {
    const error = await toApiError(res);
    if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthorized?.();
    throw error;
  }
  if (res.status === 204 || res.status === 205) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, 'bad_response', translate(getLang(), 'error.http', { status: res.status }));
  }
}

export const api = {
  get: <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) =>
    request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string, body?: unknown) => request<T>('DELETE', path, { body }),
  /** multipart/form-data POST (file upload), with the same CSRF header and error handling. */
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, { body: form }),
};

// ---- endpoints used by the shell -------------------------------------------------------------

export const getSetupStatus = () => api.get<{ needsAdmin: boolean }>('/api/setup/status');
export const getSession = () => api.get<SessionResponse>('/api/auth/session');
export const postLogin = (login: string, password: string) =>
  api.post<SessionResponse>('/api/auth/login', { login, password });
export const postLogout = () => api.post<void>('/api/auth/logout', {});

export interface ListParams {
  q?: string;
  sort?: string;
  page?: number;
  pageSize?: number;
}

export const listDepartments = (p: ListParams, signal?: AbortSignal) =>
  api.get<Page<DepartmentRow>>('/api/departments', { ...p }, signal);
export const listPeople = (p: ListParams & { departmentId?: string }, signal?: AbortSignal) =>
  api.get<Page<PersonRow>>('/api/people', { ...p }, signal);
export const listAudit = (p: ListParams, signal?: AbortSignal) =>
  api.get<Page<AuditRow>>('/api/audit', { ...p }, signal);
