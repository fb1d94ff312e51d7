const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'] as const;
const JST_OFFSET_MS = 9 * 3_600_000;

/**
 * An instant as Japanese readers of an incident mail expect it, in Asia/Tokyo whatever the server's
 * time zone: 2026年11月24日(火) 10:05.
 */
export function jaDateTime(instant: Date): string {
  const j = new Date(instant.getTime() + JST_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${j.getUTCFullYear()}年${j.getUTCMonth() + 1}月${j.getUTCDate()}日(${WEEKDAYS[j.getUTCDay()]}) ${p(j.getUTCHours())}:${p(j.getUTCMinutes())}`;
}

/** 「開始 ～ 終了」; the end omits the date when it is the same JST day. */
export function jaPeriod(from: Date, to: Date): string {
  const a = jaDateTime(from);
  const b = jaDateTime(to);
  const sameDay = a.slice(0, a.indexOf(')') + 1) === b.slice(0, b.indexOf(')') + 1);
  return `${a} ～ ${sameDay ? b.slice(b.indexOf(')') + 2) : b}`;
}

/** A value for a one-line field: Date → Japanese date-time, list → 、-joined, empty → 未定. */
export function fieldValue(v: string | Date | readonly string[] | null | undefined): string {
  if (v === null || v === undefined) return '未定';
  if (v instanceof Date) return jaDateTime(v);
  if (Array.isArray(v)) return v.length ? v.join('、') : 'なし';
  const s = String(v).trim();
  return s === '' ? '未定' : s;
}
