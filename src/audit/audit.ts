import { createHash } from 'node:crypto';
import { asc, desc, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { auditLog } from './schema.ts';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Keys never written to the audit log. */
const SECRET_KEYS = new Set(['passwordHash', 'password', 'csrfToken', 'token']);

/** JSON-safe copy without secrets; Dates become ISO strings, so what is hashed is what is stored. */
function clean(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, (k, v) => (SECRET_KEYS.has(k) ? undefined : v)),
  ) as unknown;
}

/** JSON with object keys sorted, so a jsonb round trip hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

export const GENESIS = '0'.repeat(64);

function linkHash(prevHash: string, row: {
  at: Date;
  actorId: string | null;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}): string {
  const body = canonical({
    at: row.at.toISOString(),
    actorId: row.actorId,
    actor: row.actor,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    before: row.before,
    after: row.after,
  });
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

/**
 * The one audit helper (X-2). Call it inside the transaction that makes the change, so the record and
 * the change commit together. Audit writes are serialised by a transaction-scoped advisory lock so the
 * hash chain never forks under concurrent writers.
 */
export async function audit(tx: Db, clock: Clock, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(4711002)`);
  const last = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const prevHash = last[0]?.hash ?? GENESIS;
  const row = {
    at: clock.now(),
    actorId: actor.personId,
    actor: actor.label,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    before: clean(entry.before),
    after: clean(entry.after),
  };
  await tx.insert(auditLog).values({ ...row, prevHash, hash: linkHash(prevHash, row) });
}

export type VerifyResult =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAt: number; reason: 'prev_hash_mismatch' | 'hash_mismatch' };

/** Walks the chain in id order and reports the first broken link. */
export async function verifyAuditChain(db: Db, batchSize = 5000): Promise<VerifyResult> {
  let prev = GENESIS;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const rows = await db.select().from(auditLog).where(gt(auditLog.id, lastId)).orderBy(asc(auditLog.id)).limit(batchSize);
    if (rows.length === 0) return { ok: true, checked };
    for (const r of rows) {
      if (r.prevHash !== prev) return { ok: false, checked, brokenAt: r.id, reason: 'prev_hash_mismatch' };
      if (linkHash(prev, r) !== r.hash) return { ok: false, checked, brokenAt: r.id, reason: 'hash_mismatch' };
      prev = r.hash;
      lastId = r.id;
      checked++;
    }
  }
}
