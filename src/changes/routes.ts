import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import { sendLedger } from '../incidents/index.ts';
import { changeActionInput, changeInput, changeListQuery } from './inputs.ts';
import type { ChangeService } from './service.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const actionParam = z.object({ id: z.uuid(), action: z.string().trim().min(1).max(40) }).strict();

/** 変更管理 (CHG-1) under /api/changes; the process definition is the workbench's (GET /api/processes/change). */
export function changeRoutes(app: FastifyInstance, deps: { changes: ChangeService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = deps.changes;
  const tags = ['changes'];

  r.get('/api/changes', { schema: { tags, summary: '変更管理台帳', querystring: changeListQuery } }, async (req) => svc.list(sessionOf(req).actor, req.query));
  for (const format of ['xlsx', 'csv'] as const) {
    r.get(`/api/changes.${format}`, { schema: { tags, summary: `変更管理台帳の出力 (${format.toUpperCase()})`, querystring: changeListQuery } }, async (req, reply) => {
      const { page: _p, pageSize: _s, ...filters } = req.query;
      return sendLedger(reply, await svc.exportLedger(sessionOf(req).actor, format, filters));
    });
  }
  r.post('/api/changes', { schema: { tags, summary: '変更の受付・登録', body: changeInput } }, async (req, reply) =>
    reply.status(201).send(await svc.register(sessionOf(req).actor, req.body)),
  );
  r.get('/api/changes/:id', { schema: { tags, summary: '変更の詳細', params: idParam } }, async (req) => svc.get(sessionOf(req).actor, req.params.id));
  r.post('/api/changes/:id/actions/:action', { schema: { tags, summary: 'プロセスの操作（優先度・納期の承認、変更方針の検討、クローズ等）', params: actionParam, body: changeActionInput } }, async (req) =>
    svc.act(sessionOf(req).actor, req.params.id, req.params.action, req.body),
  );
}
