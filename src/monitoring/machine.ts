import type { Severity } from './model.ts';
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
