import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import { sendLedger } from '../incidents/index.ts';
import type { HalfYearService } from './halfyear-service.ts';

const halfParam = z.object({ half: z.string().trim().max(36) }).strict();
const actionParam = z.object({ half: z.string().trim().max(36), action: z.string().trim().min(1).max(40) }).strict();

/** 半期報告 (SLM-7) under /api/reports/halfyear/:half ('2026-H1' / '2026-H2'). The process: GET /api/processes/halfyear_report. */
export function halfYearRoutes(app: FastifyInstance, deps: { halfYear: HalfYearService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = deps.halfYear;
  const tags = ['reports'];
  const actor = (req: Parameters<typeof sessionOf>[0]) => sessionOf(req).actor;
  r.get('/api/reports/halfyear', { schema: { tags, summary: '半期報告書の一覧' } }, async (req) => svc.list(actor(req)));
  r.get('/api/reports/halfyear/:half', { schema: { tags, summary: '半期報告書', params: halfParam } }, async (req) => svc.get(actor(req), req.params.half));
  r.post('/api/reports/halfyear/:half', { schema: { tags, summary: '半期報告書の作成（集計）', params: halfParam } }, async (req, reply) => {
    const out = await svc.draft(actor(req), req.params.half);
    return reply.status(out.created ? 201 : 200).send(out.report);
  });
  r.post('/api/reports/halfyear/:half/resnapshot', { schema: { tags, summary: '再集計（作成中のみ）', params: halfParam } }, async (req) =>
    svc.resnapshot(actor(req), req.params.half, req.body),
  );
  r.put('/api/reports/halfyear/:half', { schema: { tags, summary: '所見・目標案・移行・IT計画の記入', params: halfParam } }, async (req) =>
    svc.editTexts(actor(req), req.params.half, req.body),
  );
  r.post(
    '/api/reports/halfyear/:half/actions/:action',
    { schema: { tags, summary: '提出・レビュー・差し戻し・承認・再報告', params: actionParam } },
    async (req) => svc.act(actor(req), req.params.half, req.params.action, req.body),
  );
  for (const format of ['pdf', 'xlsx'] as const) {
    r.get(
      `/api/reports/halfyear/:half/report.${format}`,
      { schema: { tags, summary: `半期報告書の出力 (${format.toUpperCase()})`, params: halfParam } },
      async (req, reply) => sendLedger(reply, await svc.file(actor(req), req.params.half, format)),
    );
  }
}
