import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../audit/index.ts';
import { changeDocuments, changes } from '../changes/schema.ts';
import { changeScope } from '../changes/scope.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { sessionOf } from '../http/session.ts';
import { type Actor, requirePermission } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, NotFoundError } from '../kernel/errors.ts';
import { recordEvent } from '../process/index.ts';
import { attachInput } from './inputs.ts';
import { KIND_LABELS } from './register.ts';
import { documents } from './schema.ts';
import { documentScope } from './scope.ts';

/** A register document attached to a change (its procedure documents), as the change page lists it. */
export interface ChangeDocument {
  documentId: string;
  docNo: string;
  name: string;
  kindLabel: string;
  location: string;
  currentRevisionId: string | null;
  currentRevisionNo: number | null;
  attachedAt: Date;
}

async function loadChange(t: Db, actor: Actor, id: string) {
  requirePermission(actor, 'change.read');
  const [c] = await t.select({ id: changes.id, state: changes.state, receiptNo: changes.receiptNo }).from(changes).where(and(eq(changes.id, id), changeScope(actor)));
  if (!c) throw new NotFoundError('document.change_not_found');
  return c;
}

/** The register documents attached to a change (the change's visibility is the caller's check). */
export async function documentsOfChange(t: Db, changeId: string): Promise<ChangeDocument[]> {
  const rows = await t
    .select({ cd: changeDocuments, doc: documents })
    .from(changeDocuments)
    .innerJoin(documents, eq(documents.id, changeDocuments.documentId))
    .where(eq(changeDocuments.changeId, changeId))
    .orderBy(asc(documents.docNo));
  return rows.map(({ cd, doc }) => ({
    documentId: doc.id,
    docNo: doc.docNo,
    name: doc.name,
    kindLabel: KIND_LABELS[doc.kind],
    location: doc.location,
    currentRevisionId: doc.currentRevisionId,
    currentRevisionNo: doc.currentRevisionNo,
    attachedAt: cd.attachedAt,
  }));
}

/** Changes and releases attach their procedure documents from the register (issue 10 §9). */
export function createChangeDocumentService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function list(actor: Actor, changeId: string) {
    await loadChange(db, actor, changeId);
    return { items: await documentsOfChange(db, changeId) };
  }

  async function attach(actor: Actor, changeId: string, documentId: string) {
    requirePermission(actor, 'change.manage');
    requirePermission(actor, 'document.read');
    return inTx(db, async (t) => {
      const c = await loadChange(t, actor, changeId);
      const [doc] = await t.select().from(documents).where(and(eq(documents.id, documentId), documentScope(actor)));
      if (!doc) throw fieldError('documentId', 'error.not_found');
      const [row] = await t
        .insert(changeDocuments)
        .values({ changeId, documentId, attachedBy: actor.personId, attachedAt: clock.now() })
        .onConflictDoNothing()
        .returning();
      if (!row) throw new ConflictError('document.already_attached');
      await recordEvent(t, clock.now(), actor, { process: 'change', recordId: changeId, action: 'attach_document', state: c.state, comment: `${doc.docNo} ${doc.name}` });
      await audit(t, clock, actor, { action: 'change.attach_document', entityType: 'change', entityId: changeId, after: { documentId, docNo: doc.docNo } });
      return { items: await documentsOfChange(t, changeId) };
    });
  }

  async function detach(actor: Actor, changeId: string, documentId: string) {
    requirePermission(actor, 'change.manage');
    return inTx(db, async (t) => {
      const c = await loadChange(t, actor, changeId);
      const gone = await t.delete(changeDocuments).where(and(eq(changeDocuments.changeId, changeId), eq(changeDocuments.documentId, documentId))).returning();
      if (gone.length === 0) throw new NotFoundError('document.not_attached');
      const [doc] = await t.select({ docNo: documents.docNo, name: documents.name }).from(documents).where(eq(documents.id, documentId));
      await recordEvent(t, clock.now(), actor, { process: 'change', recordId: changeId, action: 'detach_document', state: c.state, comment: doc ? `${doc.docNo} ${doc.name}` : documentId });
      await audit(t, clock, actor, { action: 'change.detach_document', entityType: 'change', entityId: changeId, before: { documentId, docNo: doc?.docNo } });
      return { items: await documentsOfChange(t, changeId) };
    });
  }

  return { list, attach, detach };
}
export type ChangeDocumentService = ReturnType<typeof createChangeDocumentService>;

const changeParam = z.object({ id: z.uuid() }).strict();
const detachParam = z.object({ id: z.uuid(), documentId: z.uuid() }).strict();

/** /api/changes/:id/documents — the procedure documents of a change, from the register. */
export function changeDocumentRoutes(app: FastifyInstance, deps: { changeDocuments: ChangeDocumentService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = deps.changeDocuments;
  const tags = ['changes', 'documents'];
  r.get('/api/changes/:id/documents', { schema: { tags, summary: '変更に添付したドキュメント', params: changeParam } }, async (req) => svc.list(sessionOf(req).actor, req.params.id));
  r.post('/api/changes/:id/documents', { schema: { tags, summary: 'ドキュメント一覧から変更に添付', params: changeParam, body: attachInput } }, async (req, reply) =>
    reply.status(201).send(await svc.attach(sessionOf(req).actor, req.params.id, req.body.documentId)),
  );
  r.delete('/api/changes/:id/documents/:documentId', { schema: { tags, summary: '変更からドキュメントの添付を外す', params: detachParam } }, async (req) =>
    svc.detach(sessionOf(req).actor, req.params.id, req.params.documentId),
  );
}
