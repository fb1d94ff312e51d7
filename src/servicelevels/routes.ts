import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import { sendLedger } from '../incidents/index.ts';
import { caseParam, kpiParam } from './inputs.ts';
import { periodQuery } from './period.ts';
import { idParam, type ServiceLevelService } from './service.ts';

const actionParam = z.object({ id: z.uuid(), action: z.string().trim().min(1).max(40) }).strict();

/**
 * サービスレベル管理 (SLM-3..5, SLM-8) under /api/servicelevels. Period queries take `month`
 * (YYYY-MM, default the previous month) or `from` and `to`. The process definitions are the
 * workbench's: GET /api/processes/sl_target and /api/processes/sl_menu.
 */
export function serviceLevelRoutes(app: FastifyInstance, deps: { serviceLevels: ServiceLevelService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = deps.serviceLevels;
  const tags = ['servicelevels'];
  const actor = (req: Parameters<typeof sessionOf>[0]) => sessionOf(req).actor;

  r.get('/api/servicelevels/dashboard', { schema: { tags, summary: 'ダッシュボード（12か月の稼働率・品質指標と目標）', querystring: z.object({ month: z.string().trim().optional() }).strict() } }, async (req) => svc.dashboard(actor(req), req.query));
  r.get('/api/servicelevels/availability', { schema: { tags, summary: '稼働率（レベル・システム・仮想マシン別、根拠のインシデントと計画停止）', querystring: periodQuery } }, async (req) => svc.availability(actor(req), req.query));
  r.get('/api/servicelevels/availability/systems/:id', { schema: { tags, summary: 'システムの稼働率と根拠', params: idParam, querystring: periodQuery } }, async (req) => svc.availabilityOf(actor(req), 'system', req.params.id, req.query));
  r.get('/api/servicelevels/availability/vms/:id', { schema: { tags, summary: '仮想マシンの稼働率と根拠', params: idParam, querystring: periodQuery } }, async (req) => svc.availabilityOf(actor(req), 'vm', req.params.id, req.query));
  r.get('/api/servicelevels/kpis', { schema: { tags, summary: '品質指標（目標・対象外の一覧つき）', querystring: periodQuery } }, async (req) => svc.kpis(actor(req), req.query));
  for (const format of ['xlsx', 'csv'] as const) {
    r.get(`/api/servicelevels/availability.${format}`, { schema: { tags, summary: `稼働率の出力 (${format.toUpperCase()})`, querystring: periodQuery } }, async (req, reply) => sendLedger(reply, await svc.exportAvailability(actor(req), format, req.query)));
    r.get(`/api/servicelevels/kpis.${format}`, { schema: { tags, summary: `品質指標の出力 (${format.toUpperCase()})`, querystring: periodQuery } }, async (req, reply) => sendLedger(reply, await svc.exportKpis(actor(req), format, req.query)));
  }
  r.put('/api/servicelevels/kpis/:kpi/cases/:recordId', { schema: { tags, summary: '個別の判定（対象外・成功・未達成）', params: caseParam } }, async (req) => svc.markCase(actor(req), req.params.kpi, req.params.recordId, req.body));
  r.put('/api/servicelevels/kpis/:kpi/manual', { schema: { tags, summary: '月次の手入力値（集約率）', params: kpiParam } }, async (req) => svc.setManualFigure(actor(req), req.params.kpi, req.body));

  r.get('/api/servicelevels/targets', { schema: { tags, summary: '品質目標と履歴' } }, async (req) => svc.listTargets(actor(req)));
  r.post('/api/servicelevels/targets', { schema: { tags, summary: '品質目標の提示（年度途中の変更は理由が必要）' } }, async (req, reply) => reply.status(201).send(await svc.proposeTarget(actor(req), req.body)));
  r.get('/api/servicelevels/targets/:id', { schema: { tags, summary: '品質目標', params: idParam } }, async (req) => svc.getTarget(actor(req), req.params.id));
  r.post('/api/servicelevels/targets/:id/actions/:action', { schema: { tags, summary: '品質目標の承認・差戻し・取下げ', params: actionParam } }, async (req) => svc.actTarget(actor(req), req.params.id, req.params.action, req.body));

  r.get('/api/servicelevels/menu', { schema: { tags, summary: 'サービスメニュー（現行版、チームには全版）' } }, async (req) => svc.menu(actor(req)));
  r.post('/api/servicelevels/menu', { schema: { tags, summary: 'サービスメニューの改版開始' } }, async (req, reply) => reply.status(201).send(await svc.createMenuVersion(actor(req), req.body)));
  r.get('/api/servicelevels/menu/:id', { schema: { tags, summary: 'サービスメニューの版', params: idParam } }, async (req) => svc.getMenu(actor(req), req.params.id));
  r.put('/api/servicelevels/menu/:id', { schema: { tags, summary: '作成中の版の編集', params: idParam } }, async (req) => svc.editMenu(actor(req), req.params.id, req.body));
  r.post('/api/servicelevels/menu/:id/actions/:action', { schema: { tags, summary: 'サービスメニューの版の操作（レビュー・承認）', params: actionParam } }, async (req) => svc.actMenu(actor(req), req.params.id, req.params.action, req.body));
}
