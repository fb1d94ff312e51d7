import { and, desc, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/connection.ts';
import { type Actor, can } from '../iam/actor.ts';
import { bigrams, textArray } from '../kernel/grams.ts';
import { likePattern } from '../kernel/paging.ts';
import { type Bilingual, type FireContext, type ProcessDefinition, type ProcessRecord, workProcesses } from '../process/index.ts';

type AnyDefinition = ProcessDefinition<string, string, ProcessRecord, FireContext>;

/** One thing the header's search box found. */
export interface SearchHit {
  /** What it is: インシデント, 仮想マシン, ESXiサーバ… */
  kind: Bilingual;
  id: string;
  /** Its number or name, as people quote it. */
  ref: string;
  /** A second line: the title, or where the CI sits. */
  title: string;
  /** The state of a process record, for the hit's badge. */
  stateLabel?: Bilingual;
  path: string;
}

export interface SearchGroup {
  source: string;
  label: Bilingual;
  hits: SearchHit[];
}

/** The parsed search text: the whole of it (numbers, names, addresses) and its words (titles). */
export interface SearchQuery {
  text: string;
  words: string[];
  limit: number;
}

/**
 * A module's contribution to the global search beyond its process records (the CMDB's CIs). It must
 * apply the person's scope itself, as its own reads do; text is always bound as data.
 */
export interface Searcher {
  source: string;
  label: Bilingual;
  search(db: Db, actor: Actor, q: SearchQuery): Promise<SearchHit[]>;
}

export function parseSearch(text: string, limit = 8): SearchQuery {
  const t = text.normalize('NFKC').trim();
  return { text: t, words: [...new Set(t.split(/\s+/u).filter(Boolean))].slice(0, 5), limit };
}

/**
 * The process records matching `q` within the person's scope: the exact number (INC-2026-000123,
 * width ignored, typed in capitals or small letters) or every word in the title. A record with a bigram column is narrowed through
 * its GIN index first. `%`, `_` and `\` in the text are matched literally (likePattern).
 */
async function searchProcess(db: Db, actor: Actor, def: AnyDefinition, q: SearchQuery): Promise<SearchHit[]> {
  const w = def.work!;
  const title = sql`${w.title}`;
  const wordConds: SQL[] = q.words.map((word) => ilike(title as unknown as AnyPgColumn, likePattern(word)));
  // A one-letter piece ("a", or the "6" of "172.16.6.") has no gram of its own inside a longer run of
  // the title: only the two-letter grams narrow (every title holding the words has them), and ILIKE
  // decides. A query of one-letter pieces only is matched by ILIKE alone.
  const grams = w.grams ? bigrams(q.words.join(' ')).filter((g) => [...g].length === 2) : [];
  const byWords = and(grams.length ? sql`${w.grams} @> ${textArray(grams)}` : undefined, ...wordConds);
  // The number as typed, in capitals (receipt numbers) or in small letters (CI names): plain equality,
  // so that the ledger's unique index on the number answers it (upper(ref) would scan every row).
  const refs = [...new Set([q.text, q.text.toUpperCase(), q.text.toLowerCase()])];
  const byRef = sql`${w.ref} in (${sql.join(refs.map((r) => sql`${r}`), sql`, `)})`;
  const table = def.table;
  const rows = (await db
    .select({ id: table.id as AnyPgColumn, state: table.state as AnyPgColumn, ref: sql<string>`${w.ref}`, title: sql<string>`${title}` })
    .from(table)
    .where(and(or(byRef, byWords), w.scope(actor)))
    .orderBy(desc(sql`${w.ref}`), desc(table.id as AnyPgColumn))
    .limit(q.limit)) as { id: string; state: string; ref: string; title: string }[];
  return rows.map((r) => ({
    kind: w.module,
    id: r.id,
    ref: r.ref ?? '',
    title: r.title ?? '',
    stateLabel: def.states[r.state] ?? { ja: r.state, en: r.state },
    path: w.path(r.id),
  }));
}

/**
 * The header's one search box: every process defined on the kernel with a work spec, and every
 * registered searcher (the CMDB), each within the person's scope — an owner never finds another
 * department's record. Groups with no hit are left out.
 */
export async function searchAll(db: Db, actor: Actor, q: SearchQuery, searchers: readonly Searcher[], processes: readonly AnyDefinition[] = workProcesses()): Promise<SearchGroup[]> {
  const out: SearchGroup[] = [];
  for (const s of searchers) {
    const hits = await s.search(db, actor, q);
    if (hits.length) out.push({ source: s.source, label: s.label, hits });
  }
  for (const def of processes) {
    if (!def.work || !can(actor, def.work.permission)) continue;
    const hits = await searchProcess(db, actor, def, q);
    if (hits.length) out.push({ source: def.name, label: def.work.module, hits });
  }
  return out;
}
