import { type SQL, sql } from 'drizzle-orm';
import { fieldError } from './errors.ts';

/**
 * Keyset paging for ledgers (X-3 at 200,000 rows): the next page starts after the last row shown,
 * named by an opaque cursor — its sort value and its unique tie-break — so a deep page costs what the
 * first page costs (an index range from the cursor) instead of reading and dropping every row before
 * it (OFFSET). Values travel as PostgreSQL's own text form of the column (`::text`), so timestamps
 * round-trip to the microsecond.
 */
export interface KeysetOrder {
  /** The sort expression (a column). */
  expr: SQL;
  desc: boolean;
  /** A nullable column sorts its nulls last, in both directions. */
  nullable: boolean;
  /** The SQL type to cast the cursor's text back to ('timestamptz', or undefined for text). */
  cast?: 'timestamptz';
}

/** The tie-break: unique, not null (the receipt number, a CI's id). */
export interface KeysetTie {
  expr: SQL;
  desc: boolean;
}

export type Cursor = [value: string | null, tie: string];

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

/** Reads a cursor from the `after` parameter; anything else than one this server gave is refused, naming the field. */
export function decodeCursor(raw: string, field = 'after'): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw fieldError(field, 'field.invalid');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !(parsed[0] === null || (typeof parsed[0] === 'string' && parsed[0].length <= 1000)) ||
    typeof parsed[1] !== 'string' ||
    parsed[1].length > 200
  )
    throw fieldError(field, 'field.invalid');
  return parsed as Cursor;
}

/** `ORDER BY` of a keyset: the sort (nulls last), then the tie-break. */
export function keysetOrderBy(o: KeysetOrder, tie: KeysetTie): SQL[] {
  return [o.desc ? sql`${o.expr} DESC NULLS LAST` : sql`${o.expr} ASC NULLS LAST`, tie.desc ? sql`${tie.expr} DESC` : sql`${tie.expr} ASC`];
}

/**
 * The rows after the cursor in that order. Written so that the sort column's own range
 * (`expr <= v` for a descending sort) is an index condition; the tie-break only decides among rows
 * with the same value.
 */
export function keysetAfter(o: KeysetOrder, tie: KeysetTie, [value, t]: Cursor): SQL {
  const tieAfter = tie.desc ? sql`${tie.expr} < ${t}` : sql`${tie.expr} > ${t}`;
  if (value === null) {
    // Among the nulls (last): only the tie-break is left.
    if (!o.nullable) throw fieldError('after', 'field.invalid');
    return sql`(${o.expr} IS NULL AND ${tieAfter})`;
  }
  const v = o.cast ? sql`${value}::timestamptz` : sql`${value}`;
  const range = o.desc ? sql`${o.expr} <= ${v} AND (${o.expr} < ${v} OR ${tieAfter})` : sql`${o.expr} >= ${v} AND (${o.expr} > ${v} OR ${tieAfter})`;
  return o.nullable ? sql`((${range}) OR ${o.expr} IS NULL)` : sql`(${range})`;
}

/** The sort value of a row as the cursor carries it. */
export function keysetValue(o: KeysetOrder): SQL<string | null> {
  return sql<string | null>`(${o.expr})::text`;
}
