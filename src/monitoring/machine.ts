import type { Observation, Severity } from './model.ts';
import { type ItemRule, judge } from './rules.ts';
import type { EventKind, ItemStateName } from './schema.ts';

/**
 * One item's state machine (M §3.3(2)(3)):
 *
 *   ok ──detection──▶ suspect (counting) ──N in a row──▶ problem(severity) ──not a detection──▶ ok
 *                       └──not a detection──▶ ok (nothing was sent)            (event: recovered)
 *
 * An alert ("problem" event) goes out only after `n` detections in a row of the same severity —
 * M §3.3(3), noise suppression. A critical detection also exceeds the warning threshold, so it counts
 * towards a warning too: 86 %, 91 % (n = 2) alerts a warning; a second 91 % then raises it to
 * critical (event: severity_changed), and a later run of warnings lowers it again.
 * Recovery is the first check that is no longer a detection.
 */
export interface MachineState {
  state: ItemStateName;
  severity: Severity | null;
  consecutive: number;
  consecutiveCritical: number;
}

export const INITIAL_STATE: MachineState = { state: 'ok', severity: null, consecutive: 0, consecutiveCritical: 0 };

export type Transition = { next: MachineState; event?: { kind: EventKind; severity: Severity | null } };

export function step(s: MachineState, detected: Severity | null, n: number): Transition {
  if (detected === null) {
    const next: MachineState = { ...INITIAL_STATE };
    return s.state === 'problem' ? { next, event: { kind: 'recovered', severity: s.severity } } : { next };
  }
  const consecutive = s.consecutive + 1;
  const consecutiveCritical = detected === 'critical' ? s.consecutiveCritical + 1 : 0;
  const qualifying: Severity | null = consecutiveCritical >= n ? 'critical' : consecutive >= n ? 'warning' : null;
  const counted = { consecutive, consecutiveCritical };
  if (qualifying === null) {
    return { next: { ...counted, state: s.state === 'problem' ? 'problem' : 'suspect', severity: s.severity } };
  }
  const next: MachineState = { ...counted, state: 'problem', severity: qualifying };
  if (s.state !== 'problem') return { next, event: { kind: 'problem', severity: qualifying } };
  if (s.severity !== qualifying) return { next, event: { kind: 'severity_changed', severity: qualifying } };
  return { next };
}

/** FNV-1a over the item id: the same item always lands on the same offset within its interval. */
export function slotOffsetMs(itemId: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < itemId.length; i++) {
    h ^= itemId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % intervalMs;
}

/**
 * The item's next slot strictly after `after`. Slots are `offset + k × interval` on the epoch, with a
 * per-item offset, so 3,000 items with a 5-minute interval spread over the 5 minutes instead of all
 * firing at :00 — and a slow check does not make its item drift.
 */
export function nextSlot(itemId: string, intervalSec: number, after: Date): Date {
  const interval = Math.max(1, intervalSec) * 1000;
  const off = slotOffsetMs(itemId, interval);
  const k = Math.floor((after.getTime() - off) / interval) + 1;
  return new Date(off + k * interval);
}

/** What an item's state row says about it, as far as one decision needs. */
export interface ItemSnapshot extends MachineState {
  /** The open problem's alert was suppressed (then its recovery is suppressed too). */
  problemSuppressed: boolean;
}

/** A VM's ESXi host alive item, when it is in problem or still suspect; null otherwise. */
export type HostAlive = { state: ItemStateName; itemId: string } | null;

export interface DecisionInput {
  rule: ItemRule;
  /** Detections in a row before an alert (the item's `consecutive`). */
  consecutive: number;
  /** The target is a VM: its new problems are held or suppressed by its host's alive state. */
  isVm: boolean;
  before: ItemSnapshot;
  obs: Observation;
}

export type DecidedEvent = {
  kind: EventKind;
  severity: Severity | null;
  value: string | null;
  detail: string;
  consecutive: number;
  suppressed: boolean;
  suppressedBy: string | null;
};

export type Decision =
  /** Nothing could be read, or the value was not understood: counts neither way, only the detail is kept. */
  | { judged: false; detail: string }
  | {
      judged: true;
      /** The history row: a number, or the raw text when the value is not numeric. */
      num: number | null;
      text: string | null;
      lastValue: string;
      detail: string;
      next: MachineState;
      event?: DecidedEvent;
    };

/** `decide` needs the VM's host alive state and was not given it: look it up and ask again. */
export const NEEDS_HOST = Symbol('needs host');

/**
 * The whole per-observation decision, without I/O: judge the observation by the item's rule, step the
 * state machine, and apply the host rule to a VM's new alert —
 * - host suspect (still counting): the VM's alert waits (state suspect, no event), so the host's own
 *   check decides in its next round whether the VM's alert is the host's;
 * - host in problem: the VM's alert is recorded as suppressed by the host's alive item;
 * - a later event (severity change, recovery) of a suppressed problem is suppressed too.
 * `host` is consulted only for a VM's new problem; when it is `undefined` then, NEEDS_HOST comes back.
 * The engine's polled and pushed paths both apply observations through this one function.
 */
export function decide(input: DecisionInput, host?: HostAlive): Decision | typeof NEEDS_HOST {
  const { obs, before } = input;
  const j = judge(input.rule, obs);
  if (!j) return { judged: false, detail: obs.outcome !== 'value' ? obs.detail : 'value not understood' };
  const value = obs.outcome === 'value' ? obs.value : null;
  let { next, event } = step(before, j.severity, input.consecutive);
  let suppressed = false;
  let suppressedBy: string | null = null;
  if (event?.kind === 'problem') {
    if (input.isVm) {
      if (host === undefined) return NEEDS_HOST;
      if (host?.state === 'suspect') {
        next = { ...next, state: 'suspect', severity: null };
        event = undefined;
      } else if (host?.state === 'problem') {
        suppressed = true;
        suppressedBy = host.itemId;
      }
    }
  } else if (event) {
    suppressed = before.problemSuppressed;
  }
  return {
    judged: true,
    num: j.numeric,
    text: j.numeric === null ? (value ?? obs.outcome) : null,
    lastValue: value ?? obs.outcome,
    detail: j.detail,
    next,
    ...(event ? { event: { kind: event.kind, severity: event.severity, value, detail: j.detail, consecutive: next.consecutive, suppressed, suppressedBy } } : {}),
  };
}

/** Picks the host alive state that governs a VM from its host's alive items: problem first, then suspect. */
export function hostAliveOf(items: ReadonlyArray<{ itemId: string; state: ItemStateName }>): HostAlive {
  return items.find((r) => r.state === 'problem') ?? items.find((r) => r.state === 'suspect') ?? null;
}
