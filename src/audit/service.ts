import { and, count, desc, eq, ilike, or } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { type Actor, requirePermission } from '../iam/actor.ts';
import { likePattern, type ListQuery, type Page } from '../kernel/paging.ts';
import { auditLog } from './schema.ts';

export type AuditView = {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
};

/** Reading the audit log is itself restricted (audit.read: supervisor, security officer, admin). */
export async function listAudit(
  db: Db,
  actor: Actor,
  q: ListQuery & { entityType?: string; entityId?: string },
): Promise<Page<AuditView>> {
  requirePermission(actor, 'audit.read');
  const where = and(
    q.entityType ? eq(auditLog.entityType, q.entityType) : undefined,
    q.entityId ? eq(auditLog.entityId, q.entityId) : undefined,
    q.q
      ? or(ilike(auditLog.action, likePattern(q.q)), ilike(auditLog.actor, likePattern(q.q)), ilike(auditLog.entityId, likePattern(q.q)))
      : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(q.pageSize).offset((q.page - 1) * q.pageSize),
    db.select({ n: count() }).from(auditLog).where(where),
  ]);
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      before: r.before,
      after: r.after,
    })),
    total: total?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}
