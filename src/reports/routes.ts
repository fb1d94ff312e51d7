import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import { sendLedger } from '../incidents/index.ts';
import type { ReportService } from './service.ts';

// YYYY-MM, or the report's id (the inbox and the search link records by id).
const monthParam = z.object({ month: z.string().trim().max(36) }).strict();
const actionParam = z.object({ month: z.string().trim().max(36), action: z.string().trim().min(1).max(40) }).strict();

/** 月次報告 (SLM-6, N §3.1.3.3) under /api/reports/monthly. The process: GET /api/processes/monthly_report. */
export function reportRoutes(app: FastifyInstance, deps: { reports: ReportService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = deps.reports;
  const tags = ['reports'];
  const actor = (req: Parameters<typeof sessionOf>[0]) => sessionOf(req).actor;
  r.get('/api/reports/monthly', { schema: { tags, summary: '月次報告書の一覧' } }, async (req) => svc.list(actor(req)));
  r.get('/api/reports/monthly/:month', { schema: { tags, summary: '月次報告書', params: monthParam } }, async (req) => svc.get(actor(req), req.params.month));
  r.post('/api/reports/monthly/:month', { schema: { tags, summary: '月次報告書の作成（集計）', params: monthParam } }, async (req, reply) => {
    const out = await svc.draft(actor(req), req.params.month);
    return reply.status(out.created ? 201 : 200).send(out.report);
  });
  r.post(
    '/api/reports/monthly/:month/resnapshot',
    { schema: { tags, summary: '再集計（作成中のみ）', params: monthParam } },
    async (req) => (await svc.resnapshot(actor(req), req.params.month, req.body)).report,
  );
  r.put('/api/reports/monthly/:month', { schema: { tags, summary: '原因・対策・修正情報の記入', params: monthParam } }, async (req) =>
    svc.editTexts(actor(req), req.params.month, req.body),
  );
  r.post(
    '/api/reports/monthly/:month/actions/:action',
    { schema: { tags, summary: '提出・レビュー・承認・再報告・持ち越し・別途報告・議事録', params: actionParam } },
    async (req) => svc.act(actor(req), req.params.month, req.params.action, req.body),
  );
  for (const format of ['pdf', 'xlsx'] as const) {
    r.get(
      `/api/reports/monthly/:month/report.${format}`,
      { schema: { tags, summary: `月次報告書の出力 (${format.toUpperCase()})`, params: monthParam } },
      async (req, reply) => sendLedger(reply, await svc.file(actor(req), req.params.month, format)),
    );
  }
}
