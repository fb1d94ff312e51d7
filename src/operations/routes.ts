import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BusinessHours } from '../calendar/index.ts';
import type { Db } from '../db/connection.ts';
import { sessionOf } from '../http/session.ts';
import { sendLedger } from '../incidents/index.ts';
import type { Clock } from '../kernel/clock.ts';
import {
  changeActionInput,
  checkInput,
  changeEdit,
  changeInput,
  entryListQuery,
  licenceQuery,
  matchQuery,
  restoreActionInput,
  restoreInput,
  restoreListQuery,
} from './inputs.ts';
import { createRestoreService } from './restores.ts';
import { createOperationService } from './service.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const actionParam = z.object({ id: z.uuid(), action: z.string().trim().min(1).max(40) }).strict();

/**
 * オペレーション管理 under /api/operations: オペレーション一覧 and its add/change/delete requests (OPS-1),
 * restore requests (BAK-5), the licence helper (OPS-8). The process definitions are the workbench's:
 * GET /api/processes/operation_entry_change and /api/processes/restore_request.
 */
export function operationRoutes(app: FastifyInstance, deps: { db: Db; clock: Clock; businessHours?: BusinessHours; restoreDueBusinessDays?: number }): void {
  const ops = createOperationService(deps);
  const restores = createRestoreService(deps);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['operations'];
  const actor = (req: Parameters<typeof sessionOf>[0]) => sessionOf(req).actor;

  r.get('/api/operations/entries', { schema: { tags, summary: 'オペレーション一覧', querystring: entryListQuery } }, async (req) =>
    ops.list(actor(req), req.query),
  );
  for (const format of ['xlsx', 'csv'] as const) {
    r.get(
      `/api/operations/entries.${format}`,
      { schema: { tags, summary: `オペレーション一覧の出力 (${format.toUpperCase()})`, querystring: entryListQuery } },
      async (req, reply) => {
        const { page: _p, pageSize: _s, ...filters } = req.query;
        return sendLedger(reply, await ops.exportLedger(actor(req), format, filters));
      },
    );
  }
  r.post('/api/operations/entries/seed', { schema: { tags, summary: 'N のオペレーションを一覧に初期登録（登録済みは変更しない）' } }, async (req) =>
    ops.seed(actor(req)),
  );
  r.get(
    '/api/operations/entries/match',
    { schema: { tags, summary: '作業依頼の内容に該当するオペレーション（INC-3）', querystring: matchQuery } },
    async (req) => ops.match(actor(req), req.query.q),
  );
  r.get('/api/operations/entries/:id', { schema: { tags, summary: 'オペレーションと版の履歴・振り分けられた作業', params: idParam } }, async (req) =>
    ops.get(actor(req), req.params.id),
  );

  r.get('/api/operations/changes', { schema: { tags, summary: '処理中の追加・変更・削除の依頼' } }, async (req) => ops.listChanges(actor(req)));
  r.post('/api/operations/changes', { schema: { tags, summary: 'オペレーションの追加・変更・削除の依頼（管理者）', body: changeInput } }, async (req, reply) =>
    reply.status(201).send(await ops.createChange(actor(req), req.body)),
  );
  r.get('/api/operations/changes/:id', { schema: { tags, summary: '追加・変更・削除の依頼', params: idParam } }, async (req) =>
    ops.getChange(actor(req), req.params.id),
  );
  r.patch('/api/operations/changes/:id', { schema: { tags, summary: '作成中の依頼の修正', params: idParam, body: changeEdit } }, async (req) =>
    ops.editChange(actor(req), req.params.id, req.body),
  );
  r.post(
    '/api/operations/changes/:id/actions/:action',
    { schema: { tags, summary: '依頼の操作（レビュー・教育の記録・承認等）', params: actionParam, body: changeActionInput } },
    async (req) => ops.act(actor(req), req.params.id, req.params.action, req.body),
  );

  r.get('/api/operations/restores', { schema: { tags, summary: 'リストア依頼の一覧', querystring: restoreListQuery } }, async (req) =>
    restores.list(actor(req), req.query),
  );
  r.post('/api/operations/restores', { schema: { tags, summary: 'リストア依頼（BAK-5）', body: restoreInput } }, async (req, reply) =>
    reply.status(201).send(await restores.create(actor(req), req.body)),
  );
  r.get('/api/operations/restores/:id', { schema: { tags, summary: 'リストア依頼', params: idParam } }, async (req) => restores.get(actor(req), req.params.id));
  r.post('/api/operations/restores/:id/checklist', { schema: { tags, summary: 'チェックリストの更新', params: idParam, body: checkInput } }, async (req) =>
    restores.check(actor(req), req.params.id, req.body),
  );
  r.post(
    '/api/operations/restores/:id/actions/:action',
    { schema: { tags, summary: 'リストア依頼の操作（受付・完了報告・確認等）', params: actionParam, body: restoreActionInput } },
    async (req) => restores.act(actor(req), req.params.id, req.params.action, req.body),
  );

  r.get('/api/operations/licences', { schema: { tags, summary: '仮想マシンに必要なライセンス数（OPS-8）', querystring: licenceQuery } }, async (req) => {
    const { vmId, ...counts } = req.query;
    return restores.licences(actor(req), vmId, counts);
  });
}
