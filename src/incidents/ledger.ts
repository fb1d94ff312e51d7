import { and, count, eq, ilike, isNotNull, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import { bigrams, textArray } from '../kernel/grams.ts';
import { type Cursor, decodeCursor, encodeCursor, type KeysetOrder, keysetAfter, keysetOrderBy, keysetValue } from '../kernel/keyset.ts';
import { likePattern, parseSort } from '../kernel/paging.ts';
import type { IncidentListQuery } from './inputs.ts';
import type { Incident } from './process.ts';
import { incidents } from './schema.ts';
import { incidentScope } from './scope.ts';

/**
 * インシデント管理台帳 queries at 200,000 rows: filters, the text filter narrowed by the bigram
 * index, sorts with keyset paging (the `after` cursor), and the count.
 */

/** The overdue test of overdueReasons (service.ts) in SQL, for lists and the stocktake. */
export function overdueSql(now: Date): SQL {
  return and(
    sql`${incidents.state} NOT IN ('provisionally_closed', 'closed')`,
    or(
      and(isNull(incidents.firstReportedAt), lt(incidents.firstReportDueAt, now)),
      and(isNotNull(incidents.firstReportedAt), isNull(incidents.finalReportedAt), lt(incidents.nextReportDueAt, now)),
      and(isNull(incidents.recoveredAt), lt(incidents.recoveryDueAt, now)),
      lt(incidents.dueAt, now),
    ),
  )!;
}

const ts = (c: SQL): Omit<KeysetOrder, 'desc'> => ({ expr: c, nullable: false, cast: 'timestamptz' });
const SORTS: Record<string, Omit<KeysetOrder, 'desc'>> = {
  receiptNo: { expr: sql`${incidents.receiptNo}`, nullable: false },
  registeredAt: ts(sql`${incidents.registeredAt}`),
  detectedAt: ts(sql`${incidents.detectedAt}`),
  state: { expr: sql`${incidents.state}`, nullable: false },
  priority: { expr: sql`${incidents.priority}`, nullable: true },
  class: { expr: sql`${incidents.class}`, nullable: false },
  nextReportDueAt: { expr: sql`${incidents.nextReportDueAt}`, nullable: true, cast: 'timestamptz' },
  title: { expr: sql`${incidents.title}`, nullable: false },
};
/** Receipt numbers are unique: the tie-break of every order, newest number first. */
const TIE = { expr: sql`${incidents.receiptNo}`, desc: true };

/**
 * The text filter: the receipt number, or the title or description containing the text. Title and
 * description are narrowed through the bigram GIN index first (every text containing the words holds
 * their two-letter grams), then ILIKE decides. A receipt number is letters, digits and hyphens only, so
 * its (unindexed) substring match is tried only for such text.
 */
export function textFilter(q: string): SQL {
  const like = likePattern(q);
  const grams = bigrams(q).filter((g) => [...g].length === 2);
  const inText = and(
    grams.length ? sql`${incidents.grams} @> ${textArray(grams)}` : undefined,
    or(ilike(incidents.title, like), ilike(incidents.description, like)),
  )!;
  return /^[A-Za-z0-9-]+$/.test(q) ? or(ilike(incidents.receiptNo, like), inText)! : inText;
}

export function incidentWhere(actor: Actor, q: Partial<IncidentListQuery>, now: Date): SQL | undefined {
  return and(
    incidentScope(actor),
    q.state ? eq(incidents.state, q.state) : undefined,
    q.class ? eq(incidents.class, q.class) : undefined,
    q.source ? eq(incidents.source, q.source) : undefined,
    q.priority ? eq(incidents.priority, q.priority) : undefined,
    q.departmentId ? eq(incidents.departmentId, q.departmentId) : undefined,
    q.open === 'true' ? ne(incidents.state, 'closed') : q.open === 'false' ? eq(incidents.state, 'closed') : undefined,
    q.overdue === 'true' ? overdueSql(now) : q.overdue === 'false' ? sql`NOT (${overdueSql(now)})` : undefined,
    q.q ? textFilter(q.q) : undefined,
  );
}

/**
 * Counting stops here: a filter matching more rows answers "at least TOTAL_CAP" (`totalExact: false`).
 * Counting all 180,000 closed incidents, or rechecking 40,000 text matches, would cost many times the page;
 * the screen says 「1,000件以上」 and pages on by cursor.
 */
export const TOTAL_CAP = 1_000;

export interface LedgerPage {
  rows: Incident[];
  /** The number of matching rows, at most TOTAL_CAP. */
  total: number;
  /** False when more rows match than `total` says. */
  totalExact: boolean;
  /** The cursor of the page after this one (`after=`), null on the last page. */
  next: string | null;
}

/**
 * One page of the ledger. With `after` (a cursor from the previous page's `next`) the page starts
 * right after that row, whatever its depth; without it, at `page` (OFFSET — for jumping to a page number).
 */
export async function ledgerPage(db: Db, actor: Actor, q: IncidentListQuery, now: Date): Promise<LedgerPage> {
  const w = incidentWhere(actor, q, now);
  const { field, desc } = parseSort(q.sort, '-registeredAt');
  const order: KeysetOrder = { ...(SORTS[field] ?? SORTS.registeredAt!), desc };
  const cursor: Cursor | null = q.after ? decodeCursor(q.after) : null;
  const rows = await db
    .select({ row: incidents, key: keysetValue(order) })
    .from(incidents)
    .where(cursor ? and(w, keysetAfter(order, TIE, cursor)) : w)
    .orderBy(...keysetOrderBy(order, TIE))
    .limit(q.pageSize + 1)
    .offset(cursor ? 0 : (q.page - 1) * q.pageSize);
  const more = rows.length > q.pageSize;
  const shown = rows.slice(0, q.pageSize);
  const last = shown[shown.length - 1];
  const capped = db
    .select({ one: sql`1` })
    .from(incidents)
    .where(w)
    .limit(TOTAL_CAP + 1)
    .as('capped');
  const n = Number((await db.select({ n: count() }).from(capped))[0]?.n ?? 0);
  return {
    rows: shown.map((r) => r.row),
    total: Math.min(n, TOTAL_CAP),
    totalExact: n <= TOTAL_CAP,
    next: more && last ? encodeCursor([last.key, last.row.receiptNo]) : null,
  };
}

/**
 * Similar-inquiry search (INC-4) looks among the SIMILAR_WINDOW newest inquiries (in the person's
 * scope, of the class asked for) that share any bigram with the text, and ranks those by the number of
 * shared bigrams, newest first among equals. Ranking every sharing row was the 1.3 s / 5.5 s of
 * bench/RESULTS.md: common grams (仮想, マシ, ない) occur in a tenth of all inquiries. The window
 * is read in the ledger's order through its index, so the cost is bounded whatever the table size.
 */
export const SIMILAR_WINDOW = 5_000;

export interface SimilarHit {
  id: string;
  receiptNo: string;
  title: string;
  class: Incident['class'];
  state: string;
  resolution: string | null;
  registeredAt: Date;
  /** Shared bigrams, and their share of the text's bigrams. */
  overlap: number;
  score: number;
}

export async function similarIncidents(
  db: Db,
  actor: Actor,
  q: { q: string; class?: Incident['class']; exclude?: string; limit: number },
): Promise<SimilarHit[]> {
  const grams = bigrams(q.q);
  if (grams.length === 0) return [];
  const window = db.$with('window').as(
    db
      .select({
        id: incidents.id,
        receiptNo: incidents.receiptNo,
        title: incidents.title,
        class: incidents.class,
        state: incidents.state,
        resolution: incidents.resolution,
        registeredAt: incidents.registeredAt,
        grams: incidents.grams,
      })
      .from(incidents)
      .where(
        and(
          incidentScope(actor),
          sql`${incidents.grams} && ${textArray(grams)}`,
          q.class ? eq(incidents.class, q.class) : undefined,
          q.exclude ? ne(incidents.id, q.exclude) : undefined,
        ),
      )
      .orderBy(sql`${incidents.registeredAt} DESC NULLS LAST`, sql`${incidents.receiptNo} DESC`)
      .limit(SIMILAR_WINDOW),
  );
  // One pass over each row's grams; `= ANY` of a constant array is hashed by PostgreSQL.
  const overlap = sql<number>`(SELECT count(*)::int FROM unnest(${window.grams}) g WHERE g = ANY(${textArray(grams)}))`;
  const ranked = db
    .select({
      id: window.id,
      receiptNo: window.receiptNo,
      title: window.title,
      class: window.class,
      state: window.state,
      resolution: window.resolution,
      registeredAt: window.registeredAt,
      overlap: sql<number>`${overlap}`.as('overlap'),
    })
    .from(window)
    .as('ranked');
  const rows = await db
    .with(window)
    .select()
    .from(ranked)
    .where(sql`${ranked.overlap} >= greatest(2, ceil(${grams.length}::numeric * 0.1))`)
    .orderBy(sql`${ranked.overlap} DESC`, sql`${ranked.registeredAt} DESC`)
    .limit(q.limit);
  return rows.map((r) => ({ ...r, overlap: Number(r.overlap), score: Math.round((Number(r.overlap) / grams.length) * 1000) / 1000 }));
}
