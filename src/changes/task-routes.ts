import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import { requirePermission } from '../iam/actor.ts';
import type { Db } from '../db/connection.ts';
import type { Clock } from '../kernel/clock.ts';
import { scalePolicy } from './scale-policy.ts';
import { coverageAddInput, createChangeTaskService, taskDoneInput, taskWaiveInput } from './tasks.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const taskParam = z.object({ id: z.uuid(), taskId: z.uuid() }).strict();
// The waive reason is checked by the service (blank → 400 naming `reason`), so the schema takes any string.
const waiveBody = taskWaiveInput.extend({ reason: z.string().max(2000).optional() });

/** The change checklist (CHG-5/6, BAK-4) and the scale-up/out policy (CHG-8) under /api/changes. */
export function changeTaskRoutes(app: FastifyInstance, deps: { db: Db; clock: Clock }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const svc = createChangeTaskService(deps);
  const tags = ['changes'];

  r.get('/api/changes/scale-policy', { schema: { tags, summary: '拡張方針と拡張方法（ESXi サーバのスケールアップ・スケールアウト）' } }, async (req) => {
    requirePermission(sessionOf(req).actor, 'change.read');
    return scalePolicy();
  });
  r.get('/api/changes/:id/tasks', { schema: { tags, summary: '変更のチェックリスト（適用状況を含む）', params: idParam } }, async (req) =>
    svc.list(sessionOf(req).actor, req.params.id),
  );
  r.post('/api/changes/:id/tasks/:taskId/done', { schema: { tags, summary: 'チェック項目の実施', params: taskParam, body: taskDoneInput } }, async (req) =>
    svc.done(sessionOf(req).actor, req.params.id, req.params.taskId, req.body),
  );
  r.post('/api/changes/:id/tasks/:taskId/waive', { schema: { tags, summary: 'チェック項目を対象外とする（理由必須）', params: taskParam, body: waiveBody } }, async (req) =>
    svc.waive(sessionOf(req).actor, req.params.id, req.params.taskId, { ...req.body, reason: req.body.reason ?? '' }),
  );
  r.post('/api/changes/:id/tasks/coverage', { schema: { tags, summary: '適用対象の漏れを追加', params: idParam, body: coverageAddInput } }, async (req, reply) =>
    reply.status(201).send(await svc.addCoverage(sessionOf(req).actor, req.params.id, req.body)),
  );
}
