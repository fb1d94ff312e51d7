import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import { sendLedger } from '../incidents/routes.ts';
import { changeInput, provisionInput, requestAction, requestListQuery, requestSave } from './requests.inputs.ts';
import type { RequestService } from './requests.service.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const actionParam = z.object({ id: z.uuid(), action: z.string().trim().min(1).max(40) }).strict();

/** 仮想マシン払い出し申請・リソース変更申請 under /api/portal/requests (OPS-2/OPS-6). */
export function requestRoutes(app: FastifyInstance, svc: RequestService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['portal'];
  r.get('/api/portal/requests', { schema: { tags, summary: '払い出し・リソース変更申請の一覧', querystring: requestListQuery } }, async (req) =>
    svc.list(sessionOf(req).actor, req.query),
  );
  for (const format of ['xlsx', 'csv'] as const) {
    r.get(
      `/api/portal/requests.${format}`,
      { schema: { tags, summary: `申請台帳の出力 (${format.toUpperCase()})`, querystring: requestListQuery } },
      async (req, reply) => sendLedger(reply, await svc.exportLedger(sessionOf(req).actor, format, req.query)),
    );
  }
  r.get('/api/portal/requests/options', { schema: { tags, summary: '申請フォームの選択肢（システム・仮想マシン・テンプレート・OS）' } }, async (req) =>
    svc.formOptions(sessionOf(req).actor),
  );
  r.post('/api/portal/requests/provision', { schema: { tags, summary: '仮想マシン払い出し申請', body: provisionInput } }, async (req, reply) =>
    reply.status(201).send(await svc.createProvision(sessionOf(req).actor, req.body)),
  );
  r.post('/api/portal/requests/resource-change', { schema: { tags, summary: 'リソース変更申請', body: changeInput } }, async (req, reply) =>
    reply.status(201).send(await svc.createChange(sessionOf(req).actor, req.body)),
  );
  r.get('/api/portal/requests/:id', { schema: { tags, summary: '申請', params: idParam } }, async (req) => svc.get(sessionOf(req).actor, req.params.id));
  r.put('/api/portal/requests/:id', { schema: { tags, summary: '申請内容の修正（依頼元の確認待ちの間）', params: idParam, body: requestSave } }, async (req) =>
    svc.save(sessionOf(req).actor, req.params.id, req.body),
  );
  r.post(
    '/api/portal/requests/:id/actions/:action',
    { schema: { tags, summary: '受付・報告・承認・完了報告・受領', params: actionParam, body: requestAction } },
    async (req) => svc.act(sessionOf(req).actor, req.params.id, req.params.action, req.body),
  );
}
