/** Shallow-ish diff of two JSON values for the audit log: nested plain objects become dotted keys. */

export type DiffKind = 'added' | 'removed' | 'changed';

export interface DiffEntry {
  /** Dotted path, '' when the whole value is a scalar/array. */
  key: string;
  before: unknown;
  after: unknown;
  kind: DiffKind;
}

/** Marker for "key absent" (distinct from JSON null). */
export const ABSENT: unique symbol = Symbol('absent');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>, depth: number): void {
  if (isPlainObject(value) && depth < 4) {
    const keys = Object.keys(value);
    if (keys.length === 0 && prefix) {
      out.set(prefix, value);
      return;
    }
    for (const k of keys) flatten(value[k], prefix ? `${prefix}.${k}` : k, out, depth + 1);
    return;
  }
  out.set(prefix, value);
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

export function diffJson(before: unknown, after: unknown): DiffEntry[] {
  const b = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  if (before !== null && before !== undefined) flatten(before, '', b, 0);
  if (after !== null && after !== undefined) flatten(after, '', a, 0);

  const keys: string[] = [...b.keys()];
  for (const k of a.keys()) if (!b.has(k)) keys.push(k);

  const entries: DiffEntry[] = [];
  for (const key of keys) {
    const hasB = b.has(key);
    const hasA = a.has(key);
    const vb = hasB ? b.get(key) : ABSENT;
    const va = hasA ? a.get(key) : ABSENT;
    if (hasB && hasA && same(vb, va)) continue;
    entries.push({ key, before: vb, after: va, kind: !hasB ? 'added' : !hasA ? 'removed' : 'changed' });
  }
  return entries;
}

/** Compact JSON for display; `ABSENT` → '—'. */
export function showValue(v: unknown, max = 300): string {
  if (v === ABSENT || v === undefined) return '—';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
