import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import { InputError } from '../kernel/errors.ts';
import { osCreate, osUpdate, planAction, planCreate, planSave, templateUpdate } from './inputs.ts';
import { ownerHomeRoutes } from './home.ts';
import { requestRoutes } from './requests.routes.ts';
import type { PortalService } from './service.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const codeParam = z.object({ code: z.string().trim().min(1).max(40) }).strict();
const actionParam = z.object({ id: z.uuid(), action: z.string().trim().min(1).max(40) }).strict();
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The owners' requests portal under /api/portal: templates and OS list (OPS-3/4), 統合計画書 (OPS-7). */
export async function portalRoutes(app: FastifyInstance, deps: { portal: PortalService }): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 5 } });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const svc = deps.portal;
    const tags = ['portal'];
    r.get('/api/portal/catalog', { schema: { tags, summary: 'テンプレートと使用可能な OS' } }, async (req) => svc.catalog(sessionOf(req).actor));
    r.post('/api/portal/os', { schema: { tags, summary: '使用可能な OS の追加', body: osCreate } }, async (req, reply) =>
      reply.status(201).send(await svc.createOs(sessionOf(req).actor, req.body)),
    );
    r.patch('/api/portal/os/:code', { schema: { tags, summary: '使用可能な OS の修正（サポート終了日等）', params: codeParam, body: osUpdate } }, async (req) =>
      svc.updateOs(sessionOf(req).actor, req.params.code, req.body),
    );
    r.patch('/api/portal/templates/:code', { schema: { tags, summary: 'テンプレートの修正', params: codeParam, body: templateUpdate } }, async (req) =>
      svc.updateTemplate(sessionOf(req).actor, req.params.code, req.body),
    );
    r.get('/api/portal/systems', { schema: { tags, summary: '統合計画書を作成できるシステム' } }, async (req) => svc.systems(sessionOf(req).actor));
    r.get(
      '/api/portal/plans',
      {
        schema: { tags, summary: '統合計画書の一覧', querystring: z.object({ systemId: z.uuid().optional(), state: z.string().max(40).optional() }).strict() },
      },
      async (req) => svc.list(sessionOf(req).actor, req.query),
    );
    r.post('/api/portal/plans', { schema: { tags, summary: '統合計画書の作成（下書き）', body: planCreate } }, async (req, reply) =>
      reply.status(201).send(await svc.create(sessionOf(req).actor, req.body)),
    );
    r.get('/api/portal/plans/:id', { schema: { tags, summary: '統合計画書', params: idParam } }, async (req) => svc.get(sessionOf(req).actor, req.params.id));
    r.put('/api/portal/plans/:id', { schema: { tags, summary: '統合計画書の下書き保存', params: idParam, body: planSave } }, async (req) =>
      svc.save(sessionOf(req).actor, req.params.id, req.body),
    );
    r.post(
      '/api/portal/plans/:id/actions/:action',
      { schema: { tags, summary: '提出・確認・差し戻し・承認', params: actionParam, body: planAction } },
      async (req) => svc.act(sessionOf(req).actor, req.params.id, req.params.action, req.body),
    );
    r.get('/api/portal/plans/:id/xlsx', { schema: { tags, summary: '統合計画書の XLSX 出力', params: idParam } }, async (req, reply) => {
      const f = await svc.exportXlsx(sessionOf(req).actor, req.params.id);
      return reply
        .header('content-type', XLSX)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.fileName)}`)
        .send(f.data);
    });
    r.post(
      '/api/portal/plans/:id/xlsx',
      {
        schema: {
          tags,
          summary: '統合計画書の XLSX 取込み（プレビュー：全行を検証して行を返す。何も書かない。確定は下書き保存）',
          params: idParam,
          consumes: ['multipart/form-data'],
        },
      },
      async (req) => {
        let data: Buffer | null = null;
        for await (const part of req.parts()) if (part.type === 'file') data = await part.toBuffer();
        if (!data) throw new InputError('error.invalid_input', {}, { file: { key: 'field.required' } });
        return svc.previewXlsx(sessionOf(req).actor, req.params.id, data);
      },
    );
    requestRoutes(scope, svc.requests);
    ownerHomeRoutes(scope, svc.home);
  });
}
