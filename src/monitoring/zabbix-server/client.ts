/**
 * A client of a Zabbix server's JSON-RPC API (api_jsonrpc.php), for sites that keep their Zabbix: Kiban
 * reads its problems and puts hosts into maintenance for a suppression window (MON-6). Written against
 * Zabbix 6.0 LTS (Debian 12's 1:6.0.14) and kept working on 6.4+/7.x where they differ:
 * - authentication: 6.0 sends the session or API token in the request's `auth` field; 6.4+ prefers an
 *   `Authorization: Bearer` header (7.2 dropped `auth`). The client asks `apiinfo.version` once and
 *   picks the form; `apiinfo.version` itself is always sent without credentials.
 * - `user.login` takes `username` (5.4+).
 * Every API error becomes a typed error carrying the API's own message and data.
 */

export type ZabbixCredentials = { username: string; password: string } | { apiToken: string };

export interface ZabbixClientOptions {
  /** The frontend's base URL (…/zabbix/) or the full URL of api_jsonrpc.php. */
  url: string;
  credentials: ZabbixCredentials;
  /** Per request; default 15 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Anything that went wrong talking to Zabbix. */
export class ZabbixError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Zabbix could not be reached, answered with an HTTP error or with something that is not JSON-RPC. */
export class ZabbixTransportError extends ZabbixError {
  constructor(
    message: string,
    readonly method: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The API answered with a JSON-RPC error: `apiMessage` ("Invalid params.") and `data` (the detail). */
export class ZabbixApiError extends ZabbixError {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly apiMessage: string,
    readonly data: string,
  ) {
    super(`Zabbix ${method}: ${apiMessage}${data ? ` ${data}` : ''}`);
  }
}

/** Login refused, token invalid, or session ended (a subclass: callers may treat it as any API error). */
export class ZabbixAuthError extends ZabbixApiError {}

/** The API's session/token errors (6.0–7.x wording). */
const AUTH_ERROR =
  /incorrect user name or password|session terminated|not authori[sz]ed|not authenticated|api token expired|login name or password is incorrect|account is blocked/i;

function apiUrl(url: string): string {
  if (/api_jsonrpc\.php$/.test(url)) return url;
  return `${url.replace(/\/+$/, '')}/api_jsonrpc.php`;
}

/** "6.0.14" → [6, 0, 14]. */
export function parseVersion(v: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = v.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return [a, b, c];
}

export interface ZabbixHost {
  hostid: string;
  /** Technical name ("Host name"). */
  host: string;
  /** Visible name. */
  name: string;
  status: string;
}

export interface ZabbixTag {
  tag: string;
  value: string;
}

export interface ZabbixProblem {
  eventid: string;
  objectid: string;
  clock: string;
  ns: string;
  name: string;
  severity: string;
  acknowledged: string;
  suppressed: string;
  r_eventid: string;
  r_clock: string;
  tags?: ZabbixTag[];
}

export interface ZabbixEvent {
  eventid: string;
  objectid: string;
  clock: string;
  value: string;
  name: string;
  severity: string;
  acknowledged: string;
  hosts?: { hostid: string; host: string; name: string }[];
  relatedObject?: { triggerid?: string; description?: string; priority?: string } | unknown[];
}

export interface ZabbixMaintenance {
  maintenanceid: string;
  name: string;
  maintenance_type: string;
  description: string;
  active_since: string;
  active_till: string;
  hosts?: { hostid: string; host: string; name: string }[];
  timeperiods?: {
    timeperiod_type: string;
    start_date: string;
    period: string;
  }[];
}

export interface ProblemQuery {
  /** Only problems of these Zabbix severities (0–5). */
  severities?: number[];
  hostIds?: string[];
  groupIds?: string[];
  /** Problems started at or after this time. */
  since?: Date;
  /** Include problems resolved within the server's "display OK triggers" window (default true). */
  recent?: boolean;
  limit?: number;
}

export interface MaintenanceInput {
  name: string;
  hostIds: string[];
  activeSince: Date;
  activeTill: Date;
  description?: string;
  /** true: data keeps being collected (Kiban's 静観 "watch"); false: no data collection ("stop"). */
  collectData: boolean;
}

const toUnix = (d: Date) => Math.floor(d.getTime() / 1000);

export class ZabbixClient {
  readonly url: string;
  private readonly credentials: ZabbixCredentials;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private token: string | null = null;
  private version: string | null = null;
  private nextId = 1;

  constructor(opts: ZabbixClientOptions) {
    this.url = apiUrl(opts.url);
    this.credentials = opts.credentials;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.fetchFn = opts.fetch ?? fetch;
    if ('apiToken' in opts.credentials) this.token = opts.credentials.apiToken;
  }

  /** The server's API version ("6.0.14"); asked once, without credentials. */
  async apiVersion(): Promise<string> {
    if (!this.version) this.version = await this.rpc<string>('apiinfo.version', {}, null);
    return this.version;
  }

  /** Logs in with username/password (a no-op for an API token) and returns the session token. */
  async login(): Promise<string> {
    if ('apiToken' in this.credentials) return this.credentials.apiToken;
    await this.apiVersion();
    const { username, password } = this.credentials;
    this.token = await this.rpc<string>('user.login', { username, password }, null);
    return this.token;
  }

  /** Ends the session (username/password logins only). */
  async logout(): Promise<void> {
    if ('apiToken' in this.credentials || !this.token) return;
    const token = this.token;
    this.token = null;
    await this.rpc('user.logout', [], token).catch(() => undefined);
  }

  /**
   * Any authenticated API method. A session that Zabbix ended is renewed once (username/password);
   * an API token is not retried.
   */
  async call<T>(method: string, params: unknown): Promise<T> {
    if (!this.token) await this.login();
    try {
      return await this.rpc<T>(method, params, this.token);
    } catch (e) {
      if (e instanceof ZabbixAuthError && !('apiToken' in this.credentials)) {
        await this.login();
        return this.rpc<T>(method, params, this.token);
      }
      throw e;
    }
  }

  async getHosts(filter: { hostIds?: string[]; names?: string[] } = {}): Promise<ZabbixHost[]> {
    return this.call<ZabbixHost[]>('host.get', {
      output: ['hostid', 'host', 'name', 'status'],
      ...(filter.hostIds ? { hostids: filter.hostIds } : {}),
      ...(filter.names ? { filter: { host: filter.names } } : {}),
    });
  }

  /** Open problems (and, with `recent`, recently resolved ones), newest first, with their tags. */
  async getProblems(q: ProblemQuery = {}): Promise<ZabbixProblem[]> {
    return this.call<ZabbixProblem[]>('problem.get', {
      output: 'extend',
      selectTags: 'extend',
      source: 0,
      object: 0,
      recent: q.recent ?? true,
      sortfield: ['eventid'],
      sortorder: 'DESC',
      ...(q.severities ? { severities: q.severities } : {}),
      ...(q.hostIds ? { hostids: q.hostIds } : {}),
      ...(q.groupIds ? { groupids: q.groupIds } : {}),
      ...(q.since ? { time_from: toUnix(q.since) } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
    });
  }

  /** Events with their hosts and trigger (problem.get names neither). */
  async getEvents(eventIds: string[]): Promise<ZabbixEvent[]> {
    if (eventIds.length === 0) return [];
    return this.call<ZabbixEvent[]>('event.get', {
      eventids: eventIds,
      output: ['eventid', 'objectid', 'clock', 'value', 'name', 'severity', 'acknowledged'],
      selectHosts: ['hostid', 'host', 'name'],
      selectRelatedObject: ['triggerid', 'description', 'priority'],
    });
  }

  /** A one-time maintenance (timeperiod type 0) over the hosts; returns its id. */
  async createMaintenance(m: MaintenanceInput): Promise<string> {
    if (m.hostIds.length === 0) throw new ZabbixError('a maintenance needs at least one host');
    const since = toUnix(m.activeSince);
    const till = toUnix(m.activeTill);
    if (till <= since) throw new ZabbixError('a maintenance must end after it starts');
    const res = await this.call<{ maintenanceids: string[] }>('maintenance.create', {
      name: m.name,
      description: m.description ?? '',
      maintenance_type: m.collectData ? 0 : 1,
      active_since: since,
      active_till: till,
      hosts: m.hostIds.map((hostid) => ({ hostid })),
      timeperiods: [{ timeperiod_type: 0, start_date: since, period: till - since }],
    });
    const id = res.maintenanceids[0];
    if (!id) throw new ZabbixError('maintenance.create returned no id');
    return id;
  }

  async getMaintenances(filter: { ids?: string[]; names?: string[] } = {}): Promise<ZabbixMaintenance[]> {
    return this.call<ZabbixMaintenance[]>('maintenance.get', {
      output: 'extend',
      selectHosts: ['hostid', 'host', 'name'],
      selectTimeperiods: 'extend',
      ...(filter.ids ? { maintenanceids: filter.ids } : {}),
      ...(filter.names ? { filter: { name: filter.names } } : {}),
    });
  }

  async deleteMaintenances(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.call('maintenance.delete', ids);
  }

  private async rpc<T>(method: string, params: unknown, token: string | null): Promise<T> {
    const headers: Record<string, string> = {
      'content-type': 'application/json-rpc',
    };
    const body: Record<string, unknown> = {
      jsonrpc: '2.0',
      method,
      params,
      id: this.nextId++,
    };
    if (token) {
      const [major, minor] = parseVersion(await this.apiVersion());
      if (major > 6 || (major === 6 && minor >= 4)) headers.authorization = `Bearer ${token}`;
      else body.auth = token;
    }
    let res: Response;
    try {
      res = await this.fetchFn(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new ZabbixTransportError(`Zabbix ${method}: cannot reach ${this.url}: ${(e as Error).message}`, method, undefined, {
        cause: e,
      });
    }
    const text = await res.text();
    if (!res.ok) {
      throw new ZabbixTransportError(`Zabbix ${method}: HTTP ${res.status} ${text.slice(0, 200)}`, method, res.status);
    }
    let json: {
      result?: T;
      error?: { code?: number; message?: string; data?: string };
    };
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ZabbixTransportError(`Zabbix ${method}: not JSON: ${text.slice(0, 200)}`, method, res.status, { cause: e });
    }
    if (json.error) {
      const { code = 0, message = 'error', data = '' } = json.error;
      const E = AUTH_ERROR.test(`${message} ${data}`) ? ZabbixAuthError : ZabbixApiError;
      throw new E(method, code, message, String(data));
    }
    if (!('result' in json)) throw new ZabbixTransportError(`Zabbix ${method}: no result in the answer`, method, res.status);
    return json.result as T;
  }
}
