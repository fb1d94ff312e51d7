import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * Character bigrams of Japanese text, for similar-inquiry search (INC-4). Japanese has no spaces to
 * split words on; two-character grams match 「仮想マシンが起動しない」 with 「仮想マシンの起動ができない」
 * through 仮想・想マ・マシ・シン・起動 without a dictionary. Text is NFKC-normalised (全角英数 →
 * 半角) and lower-cased; whitespace and punctuation break grams. The set is stored in a text[] column
 * with a GIN index and matched in SQL (`&&` then overlap count), the same on PGlite and PostgreSQL.
 */
export function bigrams(text: string): string[] {
  const norm = text.normalize('NFKC').toLowerCase();
  const out = new Set<string>();
  for (const run of norm.split(/[\s\p{P}\p{S}]+/u)) {
    const chars = [...run];
    if (chars.length === 1) out.add(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  }
  out.delete('');
  return [...out].sort();
}

/** `ARRAY[$1, $2, …]::text[]` with every gram as a bound parameter. */
export function textArray(values: readonly string[]): SQL {
  if (values.length === 0) return sql`'{}'::text[]`;
  return sql`ARRAY[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
}

/** How many of the query's grams the row shares (computed in SQL). */
export function overlapCount(column: AnyPgColumn, grams: readonly string[]): SQL<number> {
  return sql<number>`cardinality(ARRAY(SELECT unnest(${column}) INTERSECT SELECT unnest(${textArray(grams)})))`;
}
