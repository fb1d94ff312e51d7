import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import { sendLedger } from '../incidents/index.ts';
import { linkInput, problemActionInput, unlinkInput, problemInput, problemListQuery, targetInput, targetQuery, targetUpdate } from './inputs.ts';
import type { ProblemService } from './service.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const linkParam = z.object({ id: z.uuid(), incidentId: z.uuid() }).strict();
const actionParam = z.object({ id: z.uuid(), action: z.string().trim().min(1).max(40) }).strict();

/** 問題管理 (PRB-1..4) under /api/problems. */
export function problemRoutes(app: FastifyInstance, deps: { problems: ProblemService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = deps.problems;
  const tags = ['problems'];

  r.get('/api/problems', { schema: { tags, summary: '問題管理台帳', querystring: problemListQuery } }, async (req) => svc.list(sessionOf(req).actor, req.query));
  for (const format of ['xlsx', 'csv'] as const) {
    r.get(`/api/problems.${format}`, { schema: { tags, summary: `問題管理台帳の出力 (${format.toUpperCase()})`, querystring: problemListQuery } }, async (req, reply) => {
      const { page: _p, pageSize: _s, ...filters } = req.query;
      return sendLedger(reply, await svc.exportLedger(sessionOf(req).actor, format, filters));
    });
  }
  // The process definition is the workbench's: GET /api/processes/problem.
  r.get('/api/problems/preventive-targets', { schema: { tags, summary: '予防保守対象機器一覧', querystring: targetQuery } }, async (req) =>
    svc.listTargets(sessionOf(req).actor, req.query),
  );
  r.post('/api/problems/preventive-targets', { schema: { tags, summary: '予防保守対象機器の登録', body: targetInput } }, async (req, reply) =>
    reply.status(201).send(await svc.createTarget(sessionOf(req).actor, req.body)),
  );
  r.patch('/api/problems/preventive-targets/:id', { schema: { tags, summary: '予防保守対象機器の変更', params: idParam, body: targetUpdate } }, async (req) =>
    svc.updateTarget(sessionOf(req).actor, req.params.id, req.body),
  );
  r.post('/api/problems', { schema: { tags, summary: '問題の受付・登録', body: problemInput } }, async (req, reply) =>
    reply.status(201).send(await svc.register(sessionOf(req).actor, req.body)),
  );
  r.get('/api/problems/:id', { schema: { tags, summary: '問題の詳細', params: idParam } }, async (req) => svc.get(sessionOf(req).actor, req.params.id));
  r.post('/api/problems/:id/actions/:action', { schema: { tags, summary: 'プロセスの操作（優先度承認・恒久対処の判断等）', params: actionParam, body: problemActionInput } }, async (req) =>
    svc.act(sessionOf(req).actor, req.params.id, req.params.action, req.body),
  );
  r.post('/api/problems/:id/incidents', { schema: { tags, summary: 'インシデントの紐付け', params: idParam, body: linkInput } }, async (req) =>
    svc.linkIncident(sessionOf(req).actor, req.params.id, req.body.incidentId),
  );
  r.post(
    '/api/problems/:id/incidents/:incidentId/unlink',
    { schema: { tags, summary: 'インシデントの紐付け解除（理由を記録）', params: linkParam, body: unlinkInput } },
    async (req) => svc.unlinkIncident(sessionOf(req).actor, req.params.id, req.params.incidentId, req.body),
  );
}
