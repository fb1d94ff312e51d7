/**
 * Live VM placement (CMDB-6): a private PropertyCollector with one filter over every VM's name,
 * runtime.host and runtime.powerState, read with WaitForUpdatesEx. The watcher keeps the last known
 * placement of each VM and turns property changes into domain events (vm.moved, vm.powerState, …).
 *
 * Why it keeps its own copy: the collector, its filter and its view belong to one vCenter session.
 * When the session is lost (expiry, an administrator terminating it, a vCenter restart) they are gone
 * and the only way back is a fresh filter whose first answer is the whole state again. Diffing that
 * answer against the copy turns a gap into the moves/removals that happened during it, instead of
 * silently missing them — the ledger must not keep a VM on a host it left.
 */
import { containerViewObjectSpec, propertySpec, type ObjectUpdate, type UpdateSet, type VsphereClient } from './client.ts';
import { NotAuthenticatedError, VsphereError } from './errors.ts';
import type { VmEvent, VmPlacement } from './types.ts';
import { type MoRef, seq } from './xml.ts';

export interface VmWatcherOptions {
  /** How long one WaitForUpdatesEx may block on the server (default 30 s). */
  maxWaitSeconds?: number;
}

const VM_PATHS = ['name', 'runtime.host', 'runtime.powerState'] as const;

export class VmWatcher {
  readonly #client: VsphereClient;
  readonly #maxWait: number;
  readonly #state = new Map<string, VmPlacement>();
  #collector: MoRef | null = null;
  #view: MoRef | null = null;
  #generation = -1;
  #version = '';
  #stopped = false;
  #started = false;

  constructor(client: VsphereClient, options: VmWatcherOptions = {}) {
    this.#client = client;
    this.#maxWait = options.maxWaitSeconds ?? 30;
  }

  /** Last known placement of every VM, by moref value. */
  get placements(): ReadonlyMap<string, VmPlacement> {
    return this.#state;
  }

  /** Creates the server-side filter and reads the current state (no events for it). */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#setup();
    await this.#fullRead(true);
  }

  /**
   * One round: waits up to maxWaitSeconds for changes and returns the events (empty when nothing
   * changed or the watcher was stopped meanwhile). Rebuilds the filter after a session change.
   */
  async next(): Promise<VmEvent[]> {
    if (!this.#started) await this.start();
    if (this.#stopped) return [];
    if (this.#client.sessionGeneration !== this.#generation) return this.#resync('the vCenter session changed');
    let set: UpdateSet | null;
    try {
      set = await this.#client.waitForUpdatesEx(this.#collector as MoRef, this.#version, this.#maxWait);
    } catch (err) {
      if (this.#stopped) return [];
      if (err instanceof NotAuthenticatedError) {
        // Log in again through an ordinary call (which re-logs in once), then rebuild.
        await this.#client.currentTime();
        return this.#resync('the vCenter session was lost');
      }
      if (err instanceof VsphereError && (err.code === 'not_found' || err.faultType === 'InvalidCollectorVersion')) {
        return this.#resync(`the update filter was lost (${err.faultType})`);
      }
      throw err;
    }
    if (!set) return [];
    const events: VmEvent[] = [];
    for (;;) {
      this.#version = set.version;
      events.push(...this.#apply(set, null, false));
      if (!set.truncated) break;
      set = await this.#client.waitForUpdatesEx(this.#collector as MoRef, this.#version, 0);
      if (!set) break;
    }
    return events;
  }

  /** Calls `onEvents` for each non-empty round until `stop()` or the signal aborts. */
  async run(onEvents: (events: VmEvent[]) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    const abort = () => void this.stop();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      while (!this.#stopped && !signal?.aborted) {
        const events = await this.next();
        if (events.length > 0) await onEvents(events);
      }
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  /** Cancels a pending wait and removes the server-side collector and view. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#teardown();
  }

  async #setup(): Promise<void> {
    await this.#teardown();
    this.#view = await this.#client.createContainerView(['VirtualMachine']);
    this.#collector = await this.#client.createPropertyCollector();
    await this.#client.createFilter(this.#collector, seq(propertySpec('VirtualMachine', VM_PATHS), containerViewObjectSpec(this.#view)));
    // Creating them may itself have re-logged in: they belong to the session current now.
    this.#generation = this.#client.sessionGeneration;
    this.#version = '';
  }

  async #teardown(): Promise<void> {
    const sameSession = this.#generation === this.#client.sessionGeneration;
    const collector = this.#collector;
    const view = this.#view;
    this.#collector = null;
    this.#view = null;
    if (!sameSession) return; // they died with their session
    if (collector) {
      await this.#client.cancelWaitForUpdates(collector).catch(() => undefined);
      await this.#client.destroyPropertyCollector(collector).catch(() => undefined);
    }
    if (view) await this.#client.destroyView(view).catch(() => undefined);
  }

  async #resync(reason: string): Promise<VmEvent[]> {
    await this.#setup();
    const events = await this.#fullRead(false);
    return [{ kind: 'resync', reason, at: this.#client.clock.now() }, ...events];
  }

  /** The first answer of a fresh filter is every VM: whatever is not in it has gone. */
  async #fullRead(initial: boolean): Promise<VmEvent[]> {
    const seen = new Set<string>();
    const events: VmEvent[] = [];
    let set = await this.#client.waitForUpdatesEx(this.#collector as MoRef, '', 0);
    while (set) {
      this.#version = set.version;
      events.push(...this.#apply(set, seen, initial));
      if (!set.truncated) break;
      set = await this.#client.waitForUpdatesEx(this.#collector as MoRef, this.#version, 0);
    }
    for (const [vm, last] of [...this.#state]) {
      if (seen.has(vm)) continue;
      this.#state.delete(vm);
      if (!initial) events.push({ kind: 'vm.removed', vm, name: last.name, lastHost: last.host, at: this.#client.clock.now() });
    }
    return events;
  }

  #apply(set: UpdateSet, seen: Set<string> | null, silent: boolean): VmEvent[] {
    const events: VmEvent[] = [];
    for (const filter of set.filterSet) {
      for (const update of filter.objectSet) {
        if (update.obj.type !== 'VirtualMachine') continue;
        seen?.add(update.obj.value);
        const e = this.#applyOne(update);
        if (!silent) events.push(...e);
      }
    }
    return events;
  }

  #applyOne(update: ObjectUpdate): VmEvent[] {
    const vm = update.obj.value;
    const at = this.#client.clock.now();
    const prev = this.#state.get(vm);
    if (update.kind === 'leave') {
      this.#state.delete(vm);
      return prev ? [{ kind: 'vm.removed', vm, name: prev.name, lastHost: prev.host, at }] : [];
    }
    const next: VmPlacement = { ...(prev ?? { name: null, host: null, powerState: null }) };
    for (const change of update.changeSet) {
      const removed = change.op === 'remove' || change.op === 'indirectRemove';
      const val = removed ? null : change.val;
      if (change.name === 'name') next.name = typeof val === 'string' ? val : null;
      else if (change.name === 'runtime.host') next.host = refValue(val);
      else if (change.name === 'runtime.powerState') next.powerState = typeof val === 'string' ? val : null;
    }
    this.#state.set(vm, next);
    if (!prev) {
      return [{ kind: 'vm.added', vm, name: next.name, host: next.host, powerState: next.powerState, at }];
    }
    const events: VmEvent[] = [];
    if (prev.name !== next.name) events.push({ kind: 'vm.renamed', vm, from: prev.name, to: next.name, at });
    if (prev.host !== next.host) events.push({ kind: 'vm.moved', vm, name: next.name, fromHost: prev.host, toHost: next.host, at });
    if (prev.powerState !== next.powerState) {
      events.push({ kind: 'vm.powerState', vm, name: next.name, from: prev.powerState, to: next.powerState, at });
    }
    return events;
  }
}

function refValue(v: unknown): string | null {
  return v && typeof v === 'object' && typeof (v as MoRef).value === 'string' ? (v as MoRef).value : null;
}
