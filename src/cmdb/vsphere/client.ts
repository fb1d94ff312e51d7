/**
 * The vCenter connector's protocol layer: a vSphere Web Services (vim25 SOAP) client for exactly what
 * Kiban needs — log in, read the inventory, follow VM placement changes, relocate a VM.
 *
 * Why SOAP and not the vSphere Automation REST API: the REST API has no change feed (CMDB-6 needs
 * vMotion/DRS/HA moves as they happen, which only the PropertyCollector's WaitForUpdatesEx gives), and
 * its VM listing lacks host placement and UUIDs on older vCenters. SOAP is also what the simulator
 * used in tests serves.
 *
 * Sessions: the vmware_soap_session cookie is kept per client. A call that fails with NotAuthenticated
 * (session expired or terminated by an administrator) logs in again once and is retried once; objects
 * bound to the old session (views, collectors, filters) are gone after that, which callers see through
 * `sessionGeneration` (see VmWatcher).
 */
import { type Clock, systemClock } from '../../kernel/clock.ts';
import { NotAuthenticatedError, TaskFailedError, VsphereError } from './errors.ts';
import { collectInventory } from './inventory.ts';
import { localizedFault, readSoapResponse } from './soap.ts';
import { SoapTransport, type TransportOptions } from './transport.ts';
import type { UserSession, VsphereAbout, VsphereInventory } from './types.ts';
import { VmWatcher, type VmWatcherOptions } from './watch.ts';
import { asArray, decode, el, envelope, type MoRef, type RawXml, refEl, seq } from './xml.ts';

/** Runs the keep-alive; injectable so tests drive it by hand instead of waiting. */
export interface KeepAliveScheduler {
  setInterval(tick: () => Promise<void>, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Real timers that do not keep the process alive on their own. */
export const realScheduler: KeepAliveScheduler = {
  setInterval(tick, ms) {
    const handle = setInterval(() => void tick(), ms);
    handle.unref();
    return handle;
  },
  clearInterval(handle) {
    clearInterval(handle as ReturnType<typeof setInterval>);
  },
};

export interface VsphereClientOptions extends TransportOptions {
  username: string;
  password: string;
  clock?: Clock;
  /** Keep-alive (CurrentTime) every `intervalMs` (default 10 min, vCenter's idle timeout is 30). */
  keepAlive?: false | { intervalMs?: number; scheduler?: KeepAliveScheduler; onError?: (err: unknown) => void };
}

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  sessionManager: MoRef;
  about: VsphereAbout;
}

/** One object of a RetrievePropertiesEx result: requested paths → decoded values. */
export interface ObjectContent {
  obj: MoRef;
  props: Map<string, unknown>;
  missing: { path: string; faultType: string | null }[];
}

export interface PropertyChange {
  name: string;
  op: 'add' | 'remove' | 'assign' | 'indirectRemove';
  val: unknown;
}

export interface ObjectUpdate {
  kind: 'enter' | 'leave' | 'modify';
  obj: MoRef;
  changeSet: PropertyChange[];
}

export interface UpdateSet {
  version: string;
  truncated: boolean;
  filterSet: { filter: MoRef; objectSet: ObjectUpdate[] }[];
}

interface CallOptions {
  timeoutMs?: number;
  /** Set false for calls that must not log in again by themselves (Login, Logout). */
  relogin?: boolean;
  /** Extra check of the answer inside the retry scope (e.g. NotAuthenticated in a missingSet). */
  check?: (returnval: unknown) => void;
}

const SERVICE_INSTANCE: MoRef = { type: 'ServiceInstance', value: 'ServiceInstance' };
const XSI_TYPE = 'xsi:type';

export class VsphereClient {
  readonly clock: Clock;
  readonly #options: VsphereClientOptions;
  readonly #transport: SoapTransport;
  readonly #cookies = new Map<string, string>();
  #content: ServiceContent | null = null;
  #session: UserSession | null = null;
  #generation = 0;
  #relogin: Promise<void> | null = null;
  #keepAliveHandle: unknown = null;
  #keepAliveScheduler: KeepAliveScheduler | null = null;

  constructor(options: VsphereClientOptions) {
    this.#options = options;
    this.clock = options.clock ?? systemClock;
    this.#transport = new SoapTransport(options);
  }

  /** Creates a client, reads the ServiceContent, logs in and starts the keep-alive. */
  static async connect(options: VsphereClientOptions): Promise<VsphereClient> {
    const client = new VsphereClient(options);
    try {
      await client.login();
    } catch (err) {
      client.#transport.close();
      throw err;
    }
    if (options.keepAlive !== false) client.startKeepAlive();
    return client;
  }

  get url(): string {
    return this.#transport.url.href;
  }

  /** The current session, or null before login / after logout. */
  get session(): UserSession | null {
    return this.#session;
  }

  /** Increases on every successful login: server-side objects from an older generation are gone. */
  get sessionGeneration(): number {
    return this.#generation;
  }

  get serviceContent(): ServiceContent {
    if (!this.#content) throw new VsphereError('protocol', 'call retrieveServiceContent() or login() first');
    return this.#content;
  }

  // ---------------------------------------------------------------------------------------------
  // Session

  async retrieveServiceContent(): Promise<ServiceContent> {
    const rv = decode(await this.call('RetrieveServiceContent', SERVICE_INSTANCE, undefined, { relogin: false })) as Record<string, unknown>;
    const about = (rv.about ?? {}) as Record<string, unknown>;
    const mustRef = (name: string): MoRef => {
      const r = rv[name] as MoRef | undefined;
      if (!r?.value) throw new VsphereError('protocol', `ServiceContent has no ${name}`);
      return r;
    };
    this.#content = {
      rootFolder: mustRef('rootFolder'),
      propertyCollector: mustRef('propertyCollector'),
      viewManager: mustRef('viewManager'),
      sessionManager: mustRef('sessionManager'),
      about: {
        name: String(about.name ?? ''),
        fullName: String(about.fullName ?? ''),
        version: String(about.version ?? ''),
        build: String(about.build ?? ''),
        apiType: String(about.apiType ?? ''),
        apiVersion: String(about.apiVersion ?? ''),
        instanceUuid: typeof about.instanceUuid === 'string' ? about.instanceUuid : null,
      },
    };
    return this.#content;
  }

  /** Logs in with the configured credentials (a fresh session: any old cookie is dropped first). */
  async login(): Promise<UserSession> {
    const content = this.#content ?? (await this.retrieveServiceContent());
    this.#cookies.clear();
    this.#session = null;
    const body = seq(el('userName', this.#options.username), el('password', this.#options.password));
    const rv = decode(await this.call('Login', content.sessionManager, body, { relogin: false })) as Record<string, unknown>;
    this.#session = {
      key: String(rv.key ?? ''),
      userName: String(rv.userName ?? ''),
      fullName: typeof rv.fullName === 'string' ? rv.fullName : null,
      loginTime: typeof rv.loginTime === 'string' ? rv.loginTime : null,
    };
    this.#generation += 1;
    return this.#session;
  }

  /** Ends the session on the server. Safe to call when already logged out. */
  async logout(): Promise<void> {
    if (!this.#session || !this.#content) return;
    try {
      await this.call('Logout', this.#content.sessionManager, undefined, { relogin: false });
    } catch (err) {
      if (!(err instanceof NotAuthenticatedError)) throw err;
    } finally {
      this.#session = null;
      this.#cookies.clear();
    }
  }

  /** Stops the keep-alive, logs out (best effort) and closes the connection pool. */
  async close(): Promise<void> {
    this.stopKeepAlive();
    try {
      await this.logout();
    } catch {
      // The server may already be gone; the sockets are closed either way.
    }
    this.#transport.close();
  }

  /** The server's clock; also the keep-alive call. */
  async currentTime(): Promise<Date> {
    const rv = decode(await this.call('CurrentTime', SERVICE_INSTANCE));
    return new Date(String(rv));
  }

  /** Whether `sessionKey` is a live session of `userName` (needs Sessions.ValidateSession). */
  async sessionIsActive(sessionKey: string, userName: string): Promise<boolean> {
    const body = seq(el('sessionID', sessionKey), el('userName', userName));
    const rv = decode(await this.call('SessionIsActive', this.serviceContent.sessionManager, body));
    return rv === true || rv === 'true';
  }

  /** Ends other sessions (needs Sessions.TerminateSession). */
  async terminateSessions(sessionKeys: string[]): Promise<void> {
    const body = seq(...sessionKeys.map((k) => el('sessionId', k)));
    await this.call('TerminateSession', this.serviceContent.sessionManager, body);
  }

  startKeepAlive(): void {
    if (this.#keepAliveHandle !== null) return;
    const opts = this.#options.keepAlive === false ? {} : (this.#options.keepAlive ?? {});
    this.#keepAliveScheduler = opts.scheduler ?? realScheduler;
    this.#keepAliveHandle = this.#keepAliveScheduler.setInterval(async () => {
      try {
        await this.currentTime();
      } catch (err) {
        opts.onError?.(err);
      }
    }, opts.intervalMs ?? 10 * 60_000);
  }

  stopKeepAlive(): void {
    if (this.#keepAliveHandle === null || !this.#keepAliveScheduler) return;
    this.#keepAliveScheduler.clearInterval(this.#keepAliveHandle);
    this.#keepAliveHandle = null;
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

  /**
   * Invokes one vim25 method and returns its raw `returnval` node (decode it with `decode`).
   * On NotAuthenticated it logs in again once (shared by concurrent callers) and retries once.
   */
  async call(method: string, self: MoRef, body?: RawXml, options: CallOptions = {}): Promise<unknown> {
    const generation = this.#generation;
    try {
      return await this.#invoke(method, self, body, options);
    } catch (err) {
      if (!(err instanceof NotAuthenticatedError) || options.relogin === false) throw err;
      await this.#reloginOnce(generation);
      return await this.#invoke(method, self, body, options);
    }
  }

  async #invoke(method: string, self: MoRef, body: RawXml | undefined, options: CallOptions): Promise<unknown> {
    const res = await this.#transport.post(envelope(method, self, body), this.#cookieHeader(), options.timeoutMs);
    this.#storeCookies(res.setCookie);
    const { returnval } = readSoapResponse(method, res.status, res.body);
    options.check?.(returnval);
    return returnval;
  }

  /** Logs in again unless another caller already did since `failedGeneration`. */
  async #reloginOnce(failedGeneration: number): Promise<void> {
    if (this.#generation !== failedGeneration) return;
    if (!this.#relogin) {
      this.#relogin = this.login().then(
        () => {
          this.#relogin = null;
        },
        (err: unknown) => {
          this.#relogin = null;
          throw err;
        },
      );
    }
    await this.#relogin;
  }

  #cookieHeader(): string | null {
    if (this.#cookies.size === 0) return null;
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #storeCookies(headers: string[]): void {
    for (const header of headers) {
      const first = header.split(';', 1)[0] ?? '';
      const eq = first.indexOf('=');
      if (eq <= 0) continue;
      this.#cookies.set(first.slice(0, eq).trim(), first.slice(eq + 1).trim());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Property collector

  /**
   * RetrievePropertiesEx + ContinueRetrievePropertiesEx until the token runs out. A property that
   * came back missing with NotAuthenticated (vCenter answers a session-less read that way instead of
   * faulting) counts as a NotAuthenticated fault, so the re-login applies to reads too.
   */
  async retrieveProperties(specSet: RawXml, maxObjects = 500): Promise<ObjectContent[]> {
    const pc = this.serviceContent.propertyCollector;
    const check = (rv: unknown): void => {
      for (const o of readRetrieveResult(rv).objects) {
        if (o.missing.some((m) => m.faultType === 'NotAuthenticated')) {
          throw new NotAuthenticatedError(`property read of ${o.obj.type}:${o.obj.value} was refused: not authenticated`);
        }
      }
    };
    const first = readRetrieveResult(
      await this.call('RetrievePropertiesEx', pc, seq(specSet, el('options', el('maxObjects', maxObjects))), { check }),
    );
    const out = [...first.objects];
    let token = first.token;
    while (token) {
      const next = readRetrieveResult(await this.call('ContinueRetrievePropertiesEx', pc, el('token', token), { check }));
      out.push(...next.objects);
      token = next.token;
    }
    return out;
  }

  /** A ContainerView over `container` (default: the root folder) listing objects of `types`. */
  async createContainerView(types: string[], container?: MoRef, recursive = true): Promise<MoRef> {
    const body = seq(
      refEl('container', container ?? this.serviceContent.rootFolder),
      ...types.map((t) => el('type', t)),
      el('recursive', recursive),
    );
    return decode(await this.call('CreateContainerView', this.serviceContent.viewManager, body)) as MoRef;
  }

  async destroyView(view: MoRef): Promise<void> {
    await this.call('DestroyView', view);
  }

  async createPropertyCollector(): Promise<MoRef> {
    return decode(await this.call('CreatePropertyCollector', this.serviceContent.propertyCollector)) as MoRef;
  }

  async destroyPropertyCollector(collector: MoRef): Promise<void> {
    await this.call('DestroyPropertyCollector', collector);
  }

  async createFilter(collector: MoRef, spec: RawXml, partialUpdates = false): Promise<MoRef> {
    const body = seq(el('spec', spec), el('partialUpdates', partialUpdates));
    return decode(await this.call('CreateFilter', collector, body)) as MoRef;
  }

  /**
   * One WaitForUpdatesEx round on `collector`. Returns null when nothing changed within
   * `maxWaitSeconds` (0 = compute once and return). Never re-logs in: a collector belongs to the
   * session that created it, so the caller must rebuild it instead (see VmWatcher).
   */
  async waitForUpdatesEx(collector: MoRef, version: string, maxWaitSeconds: number): Promise<UpdateSet | null> {
    const body = seq(el('version', version), el('options', el('maxWaitSeconds', maxWaitSeconds)));
    const rv = await this.call('WaitForUpdatesEx', collector, body, {
      relogin: false,
      timeoutMs: (maxWaitSeconds + 60) * 1000,
    });
    return rv === undefined ? null : readUpdateSet(rv);
  }

  async cancelWaitForUpdates(collector: MoRef): Promise<void> {
    await this.call('CancelWaitForUpdates', collector, undefined, { relogin: false });
  }

  // ---------------------------------------------------------------------------------------------
  // Use cases

  /** Reads datacenters, clusters, hosts, datastores, resource pools and VMs in one pass. */
  async inventory(): Promise<VsphereInventory> {
    return collectInventory(this);
  }

  /** Follows VM placement and power changes (CMDB-6). Call `start()` on the result. */
  watchVms(options: VmWatcherOptions = {}): VmWatcher {
    return new VmWatcher(this, options);
  }

  /**
   * Moves a running or stopped VM to another host (vMotion) and waits for the task. `pool` is needed
   * by vCenter when the target host is in another cluster.
   */
  async relocateVm(vm: string | MoRef, host: string | MoRef, options: { pool?: string | MoRef; datastore?: string | MoRef; timeoutMs?: number } = {}): Promise<void> {
    const spec = seq(
      options.datastore !== undefined ? refEl('datastore', toRef(options.datastore, 'Datastore')) : null,
      options.pool !== undefined ? refEl('pool', toRef(options.pool, 'ResourcePool')) : null,
      refEl('host', toRef(host, 'HostSystem')),
    );
    const task = decode(await this.call('RelocateVM_Task', toRef(vm, 'VirtualMachine'), el('spec', spec))) as MoRef;
    await this.waitForTask(task, options.timeoutMs);
  }

  /**
   * Waits for a Task to reach success or error through a private property collector (no polling),
   * and returns `info.result`. Throws TaskFailedError with the task's fault on error.
   */
  async waitForTask(task: MoRef, timeoutMs = 10 * 60_000): Promise<unknown> {
    const collector = await this.createPropertyCollector();
    try {
      await this.createFilter(
        collector,
        seq(
          el('propSet', seq(el('type', 'Task'), el('pathSet', 'info.state'), el('pathSet', 'info.error'), el('pathSet', 'info.result'))),
          el('objectSet', seq(refEl('obj', task), el('skip', false))),
        ),
      );
      const deadline = this.clock.now().getTime() + timeoutMs;
      let version = '';
      const info: { state?: unknown; error?: unknown; result?: unknown } = {};
      for (;;) {
        const remaining = Math.ceil((deadline - this.clock.now().getTime()) / 1000);
        if (remaining <= 0) throw new VsphereError('timeout', `task ${task.value} did not finish in time`);
        const set = await this.waitForUpdatesEx(collector, version, Math.min(remaining, 60));
        if (!set) continue;
        version = set.version;
        for (const f of set.filterSet) {
          for (const u of f.objectSet) {
            for (const c of u.changeSet) {
              if (c.name === 'info.state') info.state = c.val;
              else if (c.name === 'info.error') info.error = c.val;
              else if (c.name === 'info.result') info.result = c.val;
            }
          }
        }
        if (info.state === 'success') return info.result ?? null;
        if (info.state === 'error') {
          const f = localizedFault(info.error);
          throw new TaskFailedError(task.value, f.faultType, f.message, f.detail);
        }
      }
    } finally {
      await this.destroyPropertyCollector(collector).catch(() => undefined);
    }
  }
}

/** A moref from its value, or as given. `vm-42` → `{ type: 'VirtualMachine', value: 'vm-42' }`. */
export function toRef(ref: string | MoRef, type: string): MoRef {
  return typeof ref === 'string' ? { type, value: ref } : ref;
}

/** The selection spec that walks a ContainerView's `view` property. */
export function containerViewObjectSpec(view: MoRef): RawXml {
  return el(
    'objectSet',
    seq(
      refEl('obj', view),
      el('skip', true),
      el('selectSet', seq(el('name', 'traverseView'), el('type', 'ContainerView'), el('path', 'view'), el('skip', false)), {
        [XSI_TYPE]: 'TraversalSpec',
      }),
    ),
  );
}

/** `<propSet>` for one type and its paths. */
export function propertySpec(type: string, paths: readonly string[]): RawXml {
  return el('propSet', seq(el('type', type), ...paths.map((p) => el('pathSet', p))));
}

function readRetrieveResult(rv: unknown): { token: string | null; objects: ObjectContent[] } {
  if (rv === undefined || rv === null || rv === '') return { token: null, objects: [] };
  const r = decode(rv) as Record<string, unknown>;
  const objects = asArray(r.objects as unknown).map((o) => {
    const oc = o as Record<string, unknown>;
    const props = new Map<string, unknown>();
    for (const p of asArray(oc.propSet as unknown)) {
      const dp = p as { name?: unknown; val?: unknown };
      props.set(String(dp.name), dp.val ?? null);
    }
    const missing = asArray(oc.missingSet as unknown).map((m) => {
      const mp = m as { path?: unknown; fault?: unknown };
      return { path: String(mp.path), faultType: localizedFault(mp.fault).faultType };
    });
    return { obj: oc.obj as MoRef, props, missing };
  });
  return { token: typeof r.token === 'string' && r.token !== '' ? r.token : null, objects };
}

function readUpdateSet(rv: unknown): UpdateSet {
  const r = decode(rv) as Record<string, unknown>;
  return {
    version: String(r.version ?? ''),
    truncated: r.truncated === true || r.truncated === 'true',
    filterSet: asArray(r.filterSet as unknown).map((fs) => {
      const f = fs as Record<string, unknown>;
      return {
        filter: f.filter as MoRef,
        objectSet: asArray(f.objectSet as unknown).map((os) => {
          const o = os as Record<string, unknown>;
          return {
            kind: String(o.kind) as ObjectUpdate['kind'],
            obj: o.obj as MoRef,
            changeSet: asArray(o.changeSet as unknown).map((cs) => {
              const c = cs as Record<string, unknown>;
              return { name: String(c.name), op: String(c.op) as PropertyChange['op'], val: c.val ?? null };
            }),
          };
        }),
      };
    }),
  };
}
