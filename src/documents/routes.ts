import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/connection.ts';
import { multipartOptions, readUpload, sendStoredFile } from '../files/index.ts';
import { sessionOf } from '../http/session.ts';
import { sendLedger } from '../incidents/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { changeDocumentRoutes, createChangeDocumentService } from './attach.ts';
import { diffQuery, documentInput, documentListQuery, documentUpdate, monthQuery, revisionActionInput } from './inputs.ts';
import { createDocumentService } from './service.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const actionParam = z.object({ id: z.uuid(), action: z.string().trim().min(1).max(40) }).strict();

/**
 * システム運用ドキュメント管理 (DOC-1, DOC-2) under /api/documents, and the documents of a change under
 * /api/changes/:id/documents. Uploads (multipart, the file limit of src/files) exist only in this
 * plugin's scope; the process definition is the workbench's: GET /api/processes/document_revision.
 */
export async function documentRoutes(app: FastifyInstance, deps: { db: Db; clock: Clock; platformName?: string }): Promise<void> {
  const svc = createDocumentService(deps);
  changeDocumentRoutes(app, { changeDocuments: createChangeDocumentService(deps) });
  await app.register(async (scope) => {
    await scope.register(multipart, multipartOptions());
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ['documents'];

    r.get('/api/documents', { schema: { tags, summary: 'ドキュメント一覧', querystring: documentListQuery } }, async (req) => svc.list(sessionOf(req).actor, req.query));
    for (const format of ['xlsx', 'csv'] as const) {
      r.get(`/api/documents.${format}`, { schema: { tags, summary: `ドキュメント一覧の出力 (${format.toUpperCase()})`, querystring: documentListQuery } }, async (req, reply) => {
        const { page: _p, pageSize: _s, ...filters } = req.query;
        return sendLedger(reply, await svc.exportLedger(sessionOf(req).actor, format, filters));
      });
    }
    r.post('/api/documents', { schema: { tags, summary: 'ドキュメント一覧への登録', body: documentInput } }, async (req, reply) =>
      reply.status(201).send(await svc.create(sessionOf(req).actor, req.body)),
    );
    r.post('/api/documents/seed', { schema: { tags, summary: 'N §3.6.3.1 の管理対象ドキュメントを登録（登録済みは変更しない）' } }, async (req) => svc.seed(sessionOf(req).actor));
    r.get('/api/documents/changes', { schema: { tags, summary: '月のドキュメント一覧の変更（月次報告会用）', querystring: monthQuery } }, async (req) =>
      svc.monthlyChanges(sessionOf(req).actor, req.query.month),
    );
    r.get('/api/documents/revisions/:id', { schema: { tags, summary: '改版の詳細', params: idParam } }, async (req) => svc.getRevision(sessionOf(req).actor, req.params.id));
    r.get('/api/documents/revisions/:id/file', { schema: { tags, summary: '改版のファイルのダウンロード', params: idParam } }, async (req, reply) =>
      sendStoredFile(reply, await svc.revisionFile(sessionOf(req).actor, req.params.id)),
    );
    r.post('/api/documents/revisions/:id/file', { schema: { tags, summary: '作成・修正中の改版のファイル差替え（multipart）', params: idParam, consumes: ['multipart/form-data'] } }, async (req) =>
      svc.replaceFile(sessionOf(req).actor, req.params.id, await readUpload(req)),
    );
    r.post('/api/documents/revisions/:id/actions/:action', { schema: { tags, summary: '改版の操作（レビュー・承認・格納等）', params: actionParam, body: revisionActionInput } }, async (req) =>
      svc.act(sessionOf(req).actor, req.params.id, req.params.action, req.body),
    );
    r.get('/api/documents/:id', { schema: { tags, summary: 'ドキュメントと改版履歴', params: idParam } }, async (req) => svc.get(sessionOf(req).actor, req.params.id));
    r.patch('/api/documents/:id', { schema: { tags, summary: 'ドキュメント一覧の変更', params: idParam, body: documentUpdate } }, async (req) =>
      svc.update(sessionOf(req).actor, req.params.id, req.body),
    );
    r.get('/api/documents/:id/diff', { schema: { tags, summary: '二つの版のメタデータの差分', params: idParam, querystring: diffQuery } }, async (req) =>
      svc.diff(sessionOf(req).actor, req.params.id, req.query.from, req.query.to),
    );
    r.post('/api/documents/:id/revisions', { schema: { tags, summary: '改版の開始（ファイルと改版理由、multipart）', params: idParam, consumes: ['multipart/form-data'] } }, async (req, reply) =>
      reply.status(201).send(await svc.createRevision(sessionOf(req).actor, req.params.id, await readUpload(req))),
    );
  });
}
