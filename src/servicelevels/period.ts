import { z } from 'zod';
import { parseJstLocal, toJstYmd } from '../calendar/index.ts';
import { fieldError } from '../kernel/errors.ts';

/** A reporting period [from, to): a JST month (YYYY-MM) or two instants. */
export interface Period {
  from: Date;
  to: Date;
  /** The month when the period is one (YYYY-MM), else null. */
  month: string | null;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const periodQuery = z
  .object({
    month: z.string().trim().optional(),
    from: z.string().trim().optional(),
    to: z.string().trim().optional(),
  })
  .strict();
export type PeriodQuery = z.input<typeof periodQuery>;

/** The JST month [first day 00:00, next month's first day 00:00). */
export function monthPeriod(month: string, field = 'month'): Period {
  const m = MONTH.exec(month);
  if (!m) throw fieldError(field, 'servicelevel.bad_month');
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  return { from: parseJstLocal(`${month}-01T00:00`), to: parseJstLocal(`${next}-01T00:00`), month };
}

export function monthOf(at: Date): string {
  return toJstYmd(at).slice(0, 7);
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/**
 * Reads a period from a query: `month`, or `from` and `to` (ISO instants, or JST 'YYYY-MM-DDTHH:mm').
 * Neither given: the previous month of `now`. A period that ends after `now`'s month, is empty or
 * longer than 400 days is refused, naming the field.
 */
export function parsePeriod(q: PeriodQuery, now: Date): Period {
  let p: Period;
  if (q.month) {
    p = monthPeriod(q.month);
  } else if (q.from || q.to) {
    if (!q.from) throw fieldError('from', 'field.required');
    if (!q.to) throw fieldError('to', 'field.required');
    p = { from: instant(q.from, 'from'), to: instant(q.to, 'to'), month: null };
    if (p.to <= p.from) throw fieldError('to', 'servicelevel.period_empty');
    if (p.to.getTime() - p.from.getTime() > 400 * 86_400_000) throw fieldError('to', 'servicelevel.period_too_long');
  } else {
    p = monthPeriod(addMonths(monthOf(now), -1));
  }
  if (p.from > now) throw fieldError(q.month ? 'month' : 'from', 'servicelevel.period_future');
  return p;
}

function instant(v: string, field: string): Date {
  const d = /[zZ]|[+-]\d\d:\d\d$/.test(v) ? new Date(v) : (() => {
    try {
      return parseJstLocal(v, field);
    } catch {
      return new Date(Number.NaN);
    }
  })();
  if (Number.isNaN(d.getTime())) throw fieldError(field, 'servicelevel.bad_instant');
  return d;
}
