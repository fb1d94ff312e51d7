import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import type { LedgerFile } from './export.ts';
import { actionInput, incidentListQuery, registerInput, reportInput, reprioritiseInput, similarQuery, stocktakeInput } from './inputs.ts';
import { CADENCE_LABELS, CHANNEL_LABELS, RECOVERY_TARGETS, REPORT_RULES } from './report-rules.ts';
import type { IncidentService } from './service.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const actionParam = z.object({ id: z.uuid(), action: z.string().trim().min(1).max(40) }).strict();

export function sendLedger(reply: FastifyReply, out: LedgerFile) {
  return reply
    .header('content-type', out.contentType)
    .header('content-disposition', `attachment; filename="${out.filename}"; filename*=UTF-8''${encodeURIComponent(out.filenameJa)}`)
    .header('cache-control', 'no-store')
    .send(out.body);
}

/** インシデント管理 (INC-1..10) under /api/incidents. */
export function incidentRoutes(app: FastifyInstance, deps: { incidents: IncidentService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = deps.incidents;
  const tags = ['incidents'];

  r.get('/api/incidents', { schema: { tags, summary: 'インシデント管理台帳', querystring: incidentListQuery } }, async (req) =>
    svc.list(sessionOf(req).actor, req.query),
  );
  for (const format of ['xlsx', 'csv'] as const) {
    r.get(`/api/incidents.${format}`, { schema: { tags, summary: `インシデント管理台帳の出力 (${format.toUpperCase()})`, querystring: incidentListQuery } }, async (req, reply) => {
      const { page: _p, pageSize: _s, ...filters } = req.query;
      return sendLedger(reply, await svc.exportLedger(sessionOf(req).actor, format, filters));
    });
  }
  // The process definition itself is the workbench's: GET /api/processes/incident.
  r.get('/api/incidents/report-rules', { schema: { tags, summary: '報告時間表と復旧目標時間' } }, async () => ({
    reportRules: REPORT_RULES.map((x) => ({
      ...x,
      firstChannelLabel: x.firstChannel ? CHANNEL_LABELS[x.firstChannel] : null,
      continuingLabel: CADENCE_LABELS[x.continuing],
      continuingChannelLabel: CHANNEL_LABELS[x.continuingChannel],
    })),
    recoveryTargets: RECOVERY_TARGETS,
  }));
  r.get('/api/incidents/similar', { schema: { tags, summary: '類似する過去の問合せ（QA）', querystring: similarQuery } }, async (req) => ({
    items: await svc.similar(sessionOf(req).actor, req.query),
  }));
  r.get('/api/incidents/stocktake', { schema: { tags, summary: '棚卸（ディスパッチもれ・期限超過）' } }, async (req) => svc.stocktake(sessionOf(req).actor));
  r.get('/api/incidents/stocktakes', { schema: { tags, summary: '棚卸の記録一覧' } }, async (req) => ({ items: await svc.listStocktakes(sessionOf(req).actor) }));
  r.post('/api/incidents/stocktakes', { schema: { tags, summary: '棚卸の記録（品質懸念は統括責任者へ報告）', body: stocktakeInput } }, async (req, reply) =>
    reply.status(201).send(await svc.recordStocktake(sessionOf(req).actor, req.body)),
  );
  r.get(
    '/api/incidents/reports-due',
    { schema: { tags, summary: '報告期限が近い・超過したトラブル', querystring: z.object({ withinMinutes: z.coerce.number().int().min(0).max(1440).default(60) }).strict() } },
    async (req) => ({ items: await svc.reportsDue(sessionOf(req).actor, req.query.withinMinutes) }),
  );
  r.post('/api/incidents', { schema: { tags, summary: 'インシデントの受付・登録', body: registerInput } }, async (req, reply) =>
    reply.status(201).send(await svc.register(sessionOf(req).actor, req.body)),
  );
  r.get('/api/incidents/:id', { schema: { tags, summary: 'インシデントの詳細', params: idParam } }, async (req) => svc.get(sessionOf(req).actor, req.params.id));
  r.post('/api/incidents/:id/actions/:action', { schema: { tags, summary: 'プロセスの操作（振り分け・承認・クローズ等）', params: actionParam, body: actionInput } }, async (req) =>
    svc.act(sessionOf(req).actor, req.params.id, req.params.action, req.body),
  );
  r.post('/api/incidents/:id/reports', { schema: { tags, summary: '障害報告（第一報・継続報・最終報）', params: idParam, body: reportInput } }, async (req) =>
    svc.report(sessionOf(req).actor, req.params.id, req.body),
  );
  r.post('/api/incidents/:id/priority', { schema: { tags, summary: '優先度の見直し', params: idParam, body: reprioritiseInput } }, async (req) =>
    svc.reprioritise(sessionOf(req).actor, req.params.id, req.body),
  );
}
