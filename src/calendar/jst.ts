/**
 * Asia/Tokyo wall-clock arithmetic with a fixed +09:00 offset (Japan has had no DST since 1951).
 * Nothing here reads the process time zone: no local-time Date getters, no Date parsing of
 * offset-less strings. Calendar dates are handled as "day numbers" (days since 1970-01-01), computed
 * with integer civil-calendar arithmetic so that years below 100 are not silently remapped by Date.UTC.
 */
import { InputError } from '../kernel/errors.ts';

export const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** An InputError whose top-level key is the specific message key, naming the offending field. */
export function calendarInputError(field: string, key: string, params: Record<string, unknown> = {}): InputError {
  return new InputError(key, params, { [field]: { key, params } });
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil. */
export function civilFromDays(day: number): { y: number; m: number; d: number } {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function daysInMonth(y: number, m: number): number {
  return daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - daysFromCivil(y, m, 1);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function dayToYmd(day: number): string {
  const { y, m, d } = civilFromDays(day);
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** Strict 'YYYY-MM-DD' (a real calendar date) → day number; InputError 'calendar.bad_date' otherwise. */
export function ymdToDay(value: string, field = 'date'): number {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (match) {
    const y = Number(match[1]);
    const m = Number(match[2]);
    const d = Number(match[3]);
    if (m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) return daysFromCivil(y, m, d);
  }
  throw calendarInputError(field, 'calendar.bad_date', { value: String(value) });
}

/** The epoch milliseconds of a valid Date; InputError 'calendar.bad_instant' otherwise. */
export function instantMs(instant: Date, field = 'instant'): number {
  const t = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw calendarInputError(field, 'calendar.bad_instant', { value: String(instant) });
  return t;
}

/** Day number of the JST calendar date containing the instant. */
export function jstDayOf(t: number): number {
  return Math.floor((t + JST_OFFSET_MS) / DAY_MS);
}

/** Milliseconds since JST midnight of the instant. */
export function jstMsOfDay(t: number): number {
  return t + JST_OFFSET_MS - jstDayOf(t) * DAY_MS;
}

/** The instant at `msOfDay` after JST midnight of `day`. */
export function jstInstant(day: number, msOfDay: number): Date {
  return new Date(day * DAY_MS + msOfDay - JST_OFFSET_MS);
}

/** The JST calendar date ('YYYY-MM-DD') of an instant. */
export function toJstYmd(instant: Date): string {
  return dayToYmd(jstDayOf(instantMs(instant)));
}

/**
 * ISO 8601 in JST, e.g. `2026-11-24T09:00:00+09:00`; milliseconds are shown only when non-zero
 * (`2026-11-24T09:00:00.500+09:00`).
 */
export function formatJst(instant: Date): string {
  const t = instantMs(instant);
  const ms = jstMsOfDay(t);
  const h = Math.floor(ms / 3_600_000);
  const mi = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const frac = ms % 1000;
  return `${dayToYmd(jstDayOf(t))}T${pad(h)}:${pad(mi)}:${pad(s)}${frac ? `.${pad(frac, 3)}` : ''}+09:00`;
}

/**
 * Parses JST wall time 'YYYY-MM-DDTHH:mm' (optionally ':ss') into an instant. Anything else,
 * including impossible dates such as 2026-02-30 or 24:00, is InputError 'calendar.bad_datetime'.
 */
export function parseJstLocal(value: string, field = 'datetime'): Date {
  const match = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value) : null;
  const bad = () => calendarInputError(field, 'calendar.bad_datetime', { value: String(value) });
  if (!match) throw bad();
  let day: number;
  try {
    day = ymdToDay(match[1] ?? '', field);
  } catch {
    throw bad();
  }
  const h = Number(match[2]);
  const mi = Number(match[3]);
  const s = Number(match[4] ?? '0');
  if (h > 23 || mi > 59 || s > 59) throw bad();
  return jstInstant(day, ((h * 60 + mi) * 60 + s) * 1000);
}

/** Strict 'HH:mm' (00:00–23:59) → minutes after midnight, or null. */
export function parseHhMm(value: unknown): number | null {
  const match = typeof value === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value) : null;
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}
