import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import { sendLedger } from '../incidents/routes.ts';
import { boardItemsQuery, boardQuery, historyQuery } from './board.ts';
import { alertActionInput, alertListQuery } from './alerts.ts';
import type { MonitoringService } from './service.ts';
import { settingChangeInput, settingsListQuery } from './settings.ts';
import { suppressionActionInput, suppressionInput, suppressionListQuery } from './suppression.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const actionParam = z.object({ id: z.uuid(), action: z.string().trim().min(1).max(40) }).strict();

/** The JSON twin of the sender protocol: {"data":[{host,key,value,clock?,ns?}]}. */
const pushBody = z
  .object({
    data: z
      .array(
        z
          .object({
            host: z.string().min(1).max(255),
            key: z.string().min(1).max(2048),
            value: z.union([z.string().max(65_535), z.number()]).transform((v) => String(v)),
            clock: z.number().int().nonnegative().optional(),
            ns: z.number().int().min(0).max(999_999_999).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(10_000),
  })
  .strict();

/** 監視 under /api/monitoring: the item states and recent events, and pushed values. */
export function monitoringRoutes(app: FastifyInstance, deps: { monitoring: MonitoringService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['monitoring'];
  r.get('/api/monitoring/status', { schema: { tags, summary: '監視項目の状態と最近のイベント / Item states and recent events' } }, async (req) =>
    deps.monitoring.status(sessionOf(req).actor),
  );
  r.post('/api/monitoring/values', { schema: { tags, summary: '監視値の送信 / Push values (JSON sender)', body: pushBody } }, async (req) => {
    const result = await deps.monitoring.pushValues(sessionOf(req).actor, req.body.data);
    return { response: 'success', ...result, total: req.body.data.length };
  });

  const m = deps.monitoring;
  // The live status board (roll-up by site/cluster/host/system/level), item pages and their history.
  r.get('/api/monitoring/board', { schema: { tags, summary: '監視状況ボード（拠点・クラスタ・ホスト・システム・レベル別）/ Status board', querystring: boardQuery } }, async (req) =>
    m.board.board(sessionOf(req).actor, req.query.by),
  );
  r.get('/api/monitoring/items', { schema: { tags, summary: '監視項目の一覧（状態・グループで絞込み）/ Items', querystring: boardItemsQuery } }, async (req) =>
    m.board.items(sessionOf(req).actor, req.query),
  );
  r.get('/api/monitoring/items/:id', { schema: { tags, summary: '監視項目の詳細と最近のイベント / Item', params: idParam } }, async (req) =>
    m.board.item(sessionOf(req).actor, req.params.id),
  );
  r.get('/api/monitoring/items/:id/history', { schema: { tags, summary: '監視値の履歴（グラフ用）/ Item history', params: idParam, querystring: historyQuery } }, async (req) =>
    m.board.history(sessionOf(req).actor, req.params.id, req.query),
  );

  // 監視対応台帳 (MON-4, MON-5). The process definitions are the workbench's: GET /api/processes/monitoring_alert
  // and /api/processes/monitoring_suppression.
  r.get('/api/monitoring/alerts', { schema: { tags, summary: '監視対応台帳 / Alert ledger', querystring: alertListQuery } }, async (req) =>
    m.alerts.list(sessionOf(req).actor, req.query),
  );
  r.get('/api/monitoring/alerts/:id', { schema: { tags, summary: '監視対応台帳の詳細', params: idParam } }, async (req) => m.alerts.get(sessionOf(req).actor, req.params.id));
  r.post('/api/monitoring/alerts/:id/actions/:action', { schema: { tags, summary: '監視対応の操作（初動・エスカレーション・完了）', params: actionParam, body: alertActionInput } }, async (req) =>
    m.alerts.act(sessionOf(req).actor, req.params.id, req.params.action, req.body),
  );

  // 監視の一時抑止・再開 (MON-6)
  r.get('/api/monitoring/suppressions', { schema: { tags, summary: '監視の一時抑止申請一覧', querystring: suppressionListQuery } }, async (req) =>
    m.suppressions.list(sessionOf(req).actor, req.query),
  );
  r.get('/api/monitoring/suppressions/rules', { schema: { tags, summary: '監視の一時抑止の申請期限と期間の上限' } }, async () => m.suppressions.rules);
  r.post('/api/monitoring/suppressions', { schema: { tags, summary: '監視の一時抑止申請', body: suppressionInput } }, async (req, reply) =>
    reply.status(201).send(await m.suppressions.create(sessionOf(req).actor, req.body)),
  );
  r.get('/api/monitoring/suppressions/:id', { schema: { tags, summary: '監視の一時抑止申請の詳細', params: idParam } }, async (req) =>
    m.suppressions.get(sessionOf(req).actor, req.params.id),
  );
  r.put(
    '/api/monitoring/suppressions/:id',
    { schema: { tags, summary: '差戻しされた申請の修正', params: idParam, body: suppressionInput.extend({ version: z.number().int().min(1) }) } },
    async (req) => {
      const { version, ...input } = req.body;
      return m.suppressions.update(sessionOf(req).actor, req.params.id, version, input);
    },
  );
  r.post('/api/monitoring/suppressions/:id/actions/:action', { schema: { tags, summary: '監視の一時抑止の操作（承認・差戻し・開始・再開・取下げ）', params: actionParam, body: suppressionActionInput } }, async (req) =>
    m.suppressions.act(sessionOf(req).actor, req.params.id, req.params.action, req.body),
  );

  // 監視設定一覧 (MON-7)
  r.get('/api/monitoring/settings', { schema: { tags, summary: '監視設定一覧', querystring: settingsListQuery } }, async (req) =>
    m.settings.list(sessionOf(req).actor, req.query),
  );
  for (const format of ['xlsx', 'csv'] as const) {
    r.get(`/api/monitoring/settings.${format}`, { schema: { tags, summary: `監視設定一覧の出力 (${format.toUpperCase()})`, querystring: settingsListQuery } }, async (req, reply) => {
      const { page: _p, pageSize: _s, ...filters } = req.query;
      return sendLedger(reply, await m.settings.exportLedger(sessionOf(req).actor, format, filters));
    });
  }
  r.get('/api/monitoring/settings/changes', { schema: { tags, summary: '監視の追加・変更・削除の一覧', querystring: z.object({ pending: z.enum(['true', 'false']).optional() }).strict() } }, async (req) => ({
    items: await m.settings.listChanges(sessionOf(req).actor, req.query.pending === 'true'),
  }));
  r.post('/api/monitoring/settings/changes', { schema: { tags, summary: '監視の追加・変更・削除（監視変更開始日に有効）', body: settingChangeInput } }, async (req, reply) =>
    reply.status(201).send(await m.settings.scheduleChange(sessionOf(req).actor, req.body)),
  );
  r.post('/api/monitoring/settings/changes/:id/cancel', { schema: { tags, summary: '未適用の監視設定変更の取消', params: idParam } }, async (req) =>
    m.settings.cancelChange(sessionOf(req).actor, req.params.id),
  );
}
