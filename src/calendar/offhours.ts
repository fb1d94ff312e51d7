/**
 * CAL-4 (N §2.4 ※1): non-urgent but impactful work outside business hours (e.g. moving VMs across
 * storage) is limited to a few times per JST calendar month — 月上限 2 回 by default.
 */
import type { BusinessCalendar } from './calendar.ts';
import { calendarInputError, instantMs, toJstYmd } from './jst.ts';

export const OFF_HOURS_MONTHLY_CAP = 2;

function checkMonth(monthYm: string): void {
  const match = typeof monthYm === 'string' ? /^\d{4}-(\d{2})$/.exec(monthYm) : null;
  const m = Number(match?.[1]);
  if (!match || m < 1 || m > 12) throw calendarInputError('month', 'calendar.bad_month', { value: String(monthYm) });
}

/** How many of the work instants fall in the JST month 'YYYY-MM' and outside business time. */
export function countOffHoursWork(calendar: BusinessCalendar, events: readonly Date[], monthYm: string): number {
  checkMonth(monthYm);
  return events.filter((e, i) => {
    instantMs(e, `events[${i}]`);
    return toJstYmd(e).startsWith(`${monthYm}-`) && !calendar.isBusinessTime(e);
  }).length;
}

/** True when that month's off-hours work count is above the cap (3 or more with the default 2). */
export function offHoursCapExceeded(
  calendar: BusinessCalendar,
  events: readonly Date[],
  monthYm: string,
  cap: number = OFF_HOURS_MONTHLY_CAP,
): boolean {
  if (!Number.isInteger(cap) || cap < 0) throw calendarInputError('cap', 'calendar.bad_cap', { value: String(cap) });
  return countOffHoursWork(calendar, events, monthYm) > cap;
}
