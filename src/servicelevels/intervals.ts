import { type BusinessCalendar, parseJstLocal, toJstYmd } from '../calendar/index.ts';

/** A half-open time interval [from, to), in epoch milliseconds. */
export interface Span {
  from: number;
  to: number;
}

/** The union of spans, sorted and merged (overlapping or touching spans become one). */
export function union(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.to > s.from).sort((a, b) => a.from - b.from);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}

/** The parts of `spans` inside `within` (both unions). */
export function intersect(spans: readonly Span[], within: readonly Span[]): Span[] {
  const a = union(spans);
  const b = union(within);
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = Math.max(a[i]!.from, b[j]!.from);
    const to = Math.min(a[i]!.to, b[j]!.to);
    if (to > from) out.push({ from, to });
    if (a[i]!.to < b[j]!.to) i++;
    else j++;
  }
  return out;
}

/** The parts of `spans` outside `minus`. */
export function subtract(spans: readonly Span[], minus: readonly Span[]): Span[] {
  const m = union(minus);
  const out: Span[] = [];
  for (const s of union(spans)) {
    let cur = s.from;
    for (const x of m) {
      if (x.to <= cur || x.from >= s.to) continue;
      if (x.from > cur) out.push({ from: cur, to: x.from });
      cur = Math.max(cur, x.to);
    }
    if (cur < s.to) out.push({ from: cur, to: s.to });
  }
  return out;
}

export function totalMinutes(spans: readonly Span[]): number {
  return union(spans).reduce((n, s) => n + (s.to - s.from), 0) / 60_000;
}

/** Level C counts business hours only (SLM-1): the business-hours windows of the calendar within [from, to). */
export function businessWindows(calendar: BusinessCalendar, from: Date, to: Date): Span[] {
  const out: Span[] = [];
  const last = toJstYmd(new Date(to.getTime() - 1));
  for (let ymd = toJstYmd(from); ymd <= last; ymd = nextYmd(ymd)) {
    if (!calendar.isBusinessDay(ymd)) continue;
    out.push({ from: parseJstLocal(`${ymd}T${calendar.open}`).getTime(), to: parseJstLocal(`${ymd}T${calendar.close}`).getTime() });
  }
  return intersect(out, [{ from: from.getTime(), to: to.getTime() }]);
}

function nextYmd(ymd: string): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
