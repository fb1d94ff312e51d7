import type { Db } from '../db/index.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Suppression } from './suppression.ts';

/**
 * Work that keeps a suppression running past its planned end (issue 10: a release that overruns).
 * The suppression's own window stays as approved (its end is the planned end, shown as such); the
 * clock's resume waits while a holder says the work still runs, at most until the ceiling
 * (planned end + `overrunCeilingHours`, SuppressionRules), after which monitoring resumes anyway.
 *
 * Holders are registered by the modules that own such work (src/changes registers releases), so
 * monitoring does not depend on them — as servicelevels' registerKpiSource.
 */
export interface SuppressionHold {
  /** Names the work in history and mails: 「リリース CHG-2026-00012-R1」. */
  label: string;
  recordType: string;
  recordId: string;
}

export interface OverrunEvent {
  kind: 'overrun' | 'ceiling';
  suppression: Suppression;
  hold: SuppressionHold;
  at: Date;
  ceilingAt: Date;
  clock: Clock;
}

export interface SuppressionHolder {
  name: string;
  /** The running work that keeps `s` past its end, or null (then it ends at its end). */
  holdOf(tx: Db, s: Suppression): Promise<SuppressionHold | null>;
  /**
   * In the same transaction: once when the hold first keeps `s` past its end ('overrun'), and once
   * when the ceiling ends it while the work still runs ('ceiling') — the owner records it on its side.
   */
  onOverrun?(tx: Db, e: OverrunEvent): Promise<void>;
}

/** Planned end + N hours: past it, monitoring resumes even if the work still runs. */
export const DEFAULT_OVERRUN_CEILING_HOURS = 6;

const holders = new Map<string, SuppressionHolder>();

export function registerSuppressionHolder(h: SuppressionHolder): void {
  holders.set(h.name, h);
}

export async function findHold(tx: Db, s: Suppression): Promise<{ holder: SuppressionHolder; hold: SuppressionHold } | null> {
  for (const holder of holders.values()) {
    const hold = await holder.holdOf(tx, s);
    if (hold) return { holder, hold };
  }
  return null;
}

export const overrunCeiling = (endsAt: Date, hours: number): Date => new Date(endsAt.getTime() + hours * 3600_000);
