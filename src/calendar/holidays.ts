/**
 * National holidays (国民の祝日に関する法律) from @holiday-jp/holiday_jp, which already lists
 * 振替休日 (substitute holidays) and 国民の休日 (sandwiched days) as holidays of their own.
 * The package data covers a fixed range of years; outside it we refuse to answer rather than
 * pretend a date is a working day.
 */
import holidayJp from '@holiday-jp/holiday_jp';
import { calendarInputError, dayToYmd } from './jst.ts';

interface HolidayEntry {
  readonly name: string;
  readonly name_en: string;
}

const HOLIDAYS: Readonly<Record<string, HolidayEntry>> = holidayJp.holidays;

function detectRange(): { readonly from: number; readonly to: number } {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const ymd of Object.keys(HOLIDAYS)) {
    const year = Number(ymd.slice(0, 4));
    if (year < from) from = year;
    if (year > to) to = year;
  }
  if (!Number.isFinite(from)) throw new Error('@holiday-jp/holiday_jp: no holiday data found');
  return Object.freeze({ from, to });
}

/** First and last calendar year (inclusive) present in the holiday data, e.g. { from: 1970, to: 2050 }. */
export const HOLIDAY_DATA_RANGE: { readonly from: number; readonly to: number } = detectRange();

/** Version of the holiday data package, for display ("祝日データ 2.5.1"). */
export const HOLIDAY_DATA_VERSION: string = holidayJp.VERSION;

/** Throws InputError 'calendar.out_of_range' unless the day's year is covered by the holiday data. */
export function assertCovered(day: number, field = 'date'): void {
  const ymd = dayToYmd(day);
  const year = Number(ymd.slice(0, 4));
  if (year < HOLIDAY_DATA_RANGE.from || year > HOLIDAY_DATA_RANGE.to) {
    throw calendarInputError(field, 'calendar.out_of_range', {
      value: ymd,
      from: HOLIDAY_DATA_RANGE.from,
      to: HOLIDAY_DATA_RANGE.to,
    });
  }
}

/** The holiday on that day (no range check), or null. */
export function holidayOnDay(day: number): { name: string; nameEn: string } | null {
  const ymd = dayToYmd(day);
  const entry = Object.hasOwn(HOLIDAYS, ymd) ? HOLIDAYS[ymd] : undefined;
  return entry ? { name: entry.name, nameEn: entry.name_en } : null;
}
