/**
 * The business calendar (業務日・開庁時間), N §1.3 #5 and §2.4, M §1.2.
 *
 * - A business day (業務日/開庁日) is a day that is not Saturday or Sunday, not in the year-end
 *   closure 12/29–1/3, not a national holiday (incl. 振替休日 and 国民の休日), and not one of the
 *   deployment's extra closed dates.
 * - Business hours are the half-open interval [open, close) of JST wall time on a business day:
 *   with 09:00–17:45, 09:00:00 is open and 17:45:00 is already closed.
 * - Every instant is a JS Date (a UTC instant); every wall-clock reading is Asia/Tokyo (+09:00),
 *   whatever process.env.TZ says.
 * - Dates outside the years covered by the holiday data throw InputError 'calendar.out_of_range'.
 */
import {
  calendarInputError,
  dayToYmd,
  instantMs,
  jstDayOf,
  jstInstant,
  jstMsOfDay,
  parseHhMm,
  weekdayOfDay,
  ymdToDay,
} from './jst.ts';
import { assertCovered, HOLIDAY_DATA_RANGE, holidayOnDay } from './holidays.ts';

export interface BusinessHours {
  /** Opening time, JST 'HH:mm'. */
  readonly open: string;
  /** Closing time, JST 'HH:mm'; must be after `open` (same day). */
  readonly close: string;
}

export interface BusinessCalendarConfig extends Partial<BusinessHours> {
  /** Additional closed days of this deployment ('YYYY-MM-DD'), e.g. a prefectural closure. */
  readonly extraClosedDates?: readonly string[];
}

/** N §2.4: 業務日の午前９時から午後５時 45 分. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = Object.freeze({ open: '09:00', close: '17:45' });
/** M §1.2: maintenance response hours 08:00–20:00. */
export const MAINTENANCE_BUSINESS_HOURS: BusinessHours = Object.freeze({ open: '08:00', close: '20:00' });

/** Why a day is not a business day. */
export type ClosedReason = 'weekend' | 'year_end' | 'holiday' | 'extra_closed';

const HOUR_MS = 3_600_000;

export class BusinessCalendar {
  readonly open: string;
  readonly close: string;
  readonly extraClosedDates: readonly string[];
  readonly #openMs: number;
  readonly #closeMs: number;
  readonly #extraClosed: ReadonlySet<number>;

  constructor(config: BusinessCalendarConfig = {}) {
    const open = config.open ?? DEFAULT_BUSINESS_HOURS.open;
    const close = config.close ?? DEFAULT_BUSINESS_HOURS.close;
    const openMin = parseHhMm(open);
    if (openMin === null) throw calendarInputError('open', 'calendar.bad_time', { field: 'open', value: String(open) });
    const closeMin = parseHhMm(close);
    if (closeMin === null) throw calendarInputError('close', 'calendar.bad_time', { field: 'close', value: String(close) });
    if (closeMin <= openMin) throw calendarInputError('close', 'calendar.close_not_after_open', { open, close });
    const extra = config.extraClosedDates ?? [];
    if (!Array.isArray(extra)) throw calendarInputError('extraClosedDates', 'calendar.bad_date', { value: String(extra) });
    this.#extraClosed = new Set(extra.map((ymd, i) => ymdToDay(ymd, `extraClosedDates[${i}]`)));
    this.open = open;
    this.close = close;
    this.extraClosedDates = Object.freeze([...extra].sort());
    this.#openMs = openMin * 60_000;
    this.#closeMs = closeMin * 60_000;
  }

  /** Years (inclusive) this calendar can answer for; the holiday data's range. */
  get coveredYears(): { readonly from: number; readonly to: number } {
    return HOLIDAY_DATA_RANGE;
  }

  /** Length of one business day in hours (8.75 for 09:00–17:45). */
  get hoursPerDay(): number {
    return (this.#closeMs - this.#openMs) / HOUR_MS;
  }

  /** Why the day is closed, or null for a business day. A Date means its JST calendar date. */
  closedReason(date: string | Date): ClosedReason | null {
    return this.#closedReasonOfDay(toDay(date, 'date'), 'date');
  }

  /** 業務日: not Sat/Sun, not 12/29–1/3, not a national holiday, not an extra closed date. */
  isBusinessDay(date: string | Date): boolean {
    return this.closedReason(date) === null;
  }

  /** Japanese name of the national holiday on that date (e.g. '振替休日' variants), or null. */
  holidayName(date: string | Date): string | null {
    return holidayName(date);
  }

  /** Within [open, close) JST on a business day. */
  isBusinessTime(instant: Date): boolean {
    const t = instantMs(instant);
    const ms = jstMsOfDay(t);
    return ms >= this.#openMs && ms < this.#closeMs && this.#isBusinessDay(jstDayOf(t), 'instant');
  }

  /** The first business day strictly after the given date ('YYYY-MM-DD'). */
  nextBusinessDay(date: string | Date): string {
    const day = toDay(date, 'date');
    assertCovered(day, 'date');
    return dayToYmd(this.#nextBusinessDayAfter(day, 'date'));
  }

  /** The instant itself if it is business time, else the opening of the next business period. */
  nextOpening(instant: Date): Date {
    const t = instantMs(instant);
    const day = jstDayOf(t);
    const ms = jstMsOfDay(t);
    if (this.#isBusinessDay(day, 'instant')) {
      if (ms < this.#openMs) return jstInstant(day, this.#openMs);
      if (ms < this.#closeMs) return new Date(t);
    }
    return jstInstant(this.#nextBusinessDayAfter(day, 'instant'), this.#openMs);
  }

  /**
   * Adds `hours` of business time (fractional allowed, millisecond precision). Starting outside
   * business hours, counting begins at the next opening. When the budget runs out exactly at a
   * closing time the result is that closing instant (a deadline "by 17:45"), not the next opening.
   * Zero hours yields nextOpening(instant).
   */
  addBusinessHours(instant: Date, hours: number): Date {
    instantMs(instant);
    if (typeof hours !== 'number' || !Number.isFinite(hours) || hours < 0) {
      throw calendarInputError('hours', 'calendar.bad_hours', { value: String(hours) });
    }
    let remaining = Math.round(hours * HOUR_MS);
    let cur = this.nextOpening(instant).getTime();
    for (;;) {
      const day = jstDayOf(cur);
      const closeAt = jstInstant(day, this.#closeMs).getTime();
      if (remaining <= closeAt - cur) return new Date(cur + remaining);
      remaining -= closeAt - cur;
      cur = jstInstant(this.#nextBusinessDayAfter(day, 'instant'), this.#openMs).getTime();
    }
  }

  /**
   * 「翌開庁日まで」: the closing time of the first business day after the instant's JST date
   * (detected Friday any time → due Monday 17:45, if Monday is a business day).
   */
  nextBusinessDayDeadline(instant: Date): Date {
    const day = jstDayOf(instantMs(instant));
    assertCovered(day, 'instant');
    return jstInstant(this.#nextBusinessDayAfter(day, 'instant'), this.#closeMs);
  }

  /**
   * Business days in [fromYmd, toYmd): `from` included, `to` excluded, so consecutive ranges add up
   * and (d, nextDay(d)) counts d alone. If `to` is before `from` the result is the negated count of
   * [toYmd, fromYmd).
   */
  countBusinessDays(fromYmd: string, toYmd: string): number {
    const from = ymdToDay(fromYmd, 'from');
    const to = ymdToDay(toYmd, 'to');
    const [lo, hi, sign] = to < from ? [to, from, -1] : [from, to, 1];
    let n = 0;
    for (let day = lo; day < hi; day++) if (this.#isBusinessDay(day, day === from ? 'from' : 'to')) n++;
    return n === 0 ? 0 : sign * n; // never -0
  }

  #closedReasonOfDay(day: number, field: string): ClosedReason | null {
    assertCovered(day, field);
    const wd = weekdayOfDay(day);
    if (wd === 0 || wd === 6) return 'weekend';
    if (holidayOnDay(day)) return 'holiday';
    const md = dayToYmd(day).slice(5);
    if (md >= '12-29' || md <= '01-03') return 'year_end';
    if (this.#extraClosed.has(day)) return 'extra_closed';
    return null;
  }

  #isBusinessDay(day: number, field: string): boolean {
    return this.#closedReasonOfDay(day, field) === null;
  }

  #nextBusinessDayAfter(day: number, field: string): number {
    let d = day + 1;
    while (!this.#isBusinessDay(d, field)) d++;
    return d;
  }
}

function toDay(date: string | Date, field: string): number {
  return date instanceof Date ? jstDayOf(instantMs(date, field)) : ymdToDay(date, field);
}

/** Japanese name of the national holiday on that date, or null. Throws outside the covered years. */
export function holidayName(date: string | Date): string | null {
  const day = toDay(date, 'date');
  assertCovered(day, 'date');
  return holidayOnDay(day)?.name ?? null;
}
