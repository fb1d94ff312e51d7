import type { BusinessCalendar } from '../calendar/index.ts';

/**
 * How a process step's deadline is counted, in the words of the source documents:
 *  - { minutes }          wall-clock time, day or night (「5分以内」 first report of a platform-wide outage);
 *  - { businessHours }    business time only, counted from the next opening (「4営業時間以内」);
 *  - { nextBusinessDay }  「翌開庁日まで」: closing time of the first business day after the start's date.
 */
export type DeadlineRule = { minutes: number } | { businessHours: number } | { nextBusinessDay: true };

/** The instant a step started at `start` is due, per `rule` and the deployment's business calendar. */
export function dueAt(calendar: BusinessCalendar, start: Date, rule: DeadlineRule): Date {
  if ('minutes' in rule) return new Date(start.getTime() + rule.minutes * 60_000);
  if ('businessHours' in rule) return calendar.addBusinessHours(start, rule.businessHours);
  return calendar.nextBusinessDayDeadline(start);
}

/** Past due and not yet done (a step done late stays "late", never "overdue"). */
export function isOverdue(due: Date | null, now: Date, doneAt: Date | null = null): boolean {
  return due !== null && doneAt === null && now.getTime() > due.getTime();
}
