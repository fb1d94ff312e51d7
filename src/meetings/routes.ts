import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/connection.ts';
import { multipartOptions, readUpload, sendStoredFile } from '../files/index.ts';
import { sessionOf } from '../http/session.ts';
import { ledgerFile, sendLedger } from '../incidents/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { actionItemInput, kindUpdate, actionListQuery, decisionInput, meetingInput, meetingListQuery, meetingUpdate, processActionInput, referenceInput } from './inputs.ts';
import { ACTION_LEDGER, MEETING_LEDGER } from './ledger.ts';
import { createMeetingService } from './service.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const actionParam = z.object({ id: z.uuid(), action: z.string().trim().min(1).max(40) }).strict();
const codeParam = z.object({ code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/) }).strict();
const refParam = z.object({ id: z.uuid(), refId: z.uuid() }).strict();

/**
 * 会議体 (ORG-6) under /api/meetings. Who may do what is the service's: the vendor's 管理者・責任者 keep the
 * meetings, the supervisor approves minutes where N says, attendees (system owners among them) read the
 * meetings they attend. The process definitions are the workbench's: GET /api/processes/meeting.
 */
export async function meetingRoutes(app: FastifyInstance, deps: { db: Db; clock: Clock; platformName?: string }): Promise<void> {
  const svc = createMeetingService(deps);
  await app.register(async (scope) => {
    await scope.register(multipart, multipartOptions());
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ['meetings'];
    const actor = (req: Parameters<typeof sessionOf>[0]) => sessionOf(req).actor;

    r.get('/api/meetings/kinds', { schema: { tags, summary: '会議体（N §2.7.3）と次回の開催時期' } }, async (req) => ({ items: await svc.kinds(actor(req)) }));
    r.patch('/api/meetings/kinds/:code', { schema: { tags, summary: '会議体の見直し（目的・会議内容・開催時期・必須出席者）', params: codeParam, body: kindUpdate } }, async (req) =>
      svc.updateKind(actor(req), req.params.code, req.body),
    );
    r.get('/api/meetings/people', { schema: { tags, summary: '出席者・宿題担当者の候補' } }, async (req) => svc.candidates(actor(req)));
    r.get('/api/meetings', { schema: { tags, summary: '会議一覧', querystring: meetingListQuery } }, async (req) => svc.list(actor(req), req.query));
    r.get('/api/meetings/actions', { schema: { tags, summary: '宿題一覧', querystring: actionListQuery } }, async (req) => svc.items.listActions(actor(req), req.query));
    for (const format of ['xlsx', 'csv'] as const) {
      r.get(`/api/meetings.${format}`, { schema: { tags, summary: `会議一覧の出力 (${format.toUpperCase()})`, querystring: meetingListQuery } }, async (req, reply) => {
        const { items } = await svc.list(actor(req), req.query);
        return sendLedger(reply, await ledgerFile({ en: 'meetings', ja: '会議一覧' }, format, MEETING_LEDGER, items, deps.clock.now()));
      });
      r.get(`/api/meetings/actions.${format}`, { schema: { tags, summary: `宿題一覧の出力 (${format.toUpperCase()})`, querystring: actionListQuery } }, async (req, reply) => {
        const { items } = await svc.items.listActions(actor(req), req.query);
        return sendLedger(reply, await ledgerFile({ en: 'meeting-actions', ja: '宿題一覧' }, format, ACTION_LEDGER, items, deps.clock.now()));
      });
    }
    r.get('/api/meetings/actions/:id', { schema: { tags, summary: '宿題', params: idParam } }, async (req) => svc.items.getAction(actor(req), req.params.id));
    r.post('/api/meetings/actions/:id/actions/:action', { schema: { tags, summary: '宿題の完了・再開', params: actionParam, body: processActionInput } }, async (req) =>
      svc.items.actOnAction(actor(req), req.params.id, req.params.action, req.body),
    );
    r.post('/api/meetings', { schema: { tags, summary: '会議の登録（出席者を省略すると必須出席者を設定）', body: meetingInput } }, async (req, reply) =>
      reply.status(201).send(await svc.create(actor(req), req.body)),
    );
    r.get('/api/meetings/:id', { schema: { tags, summary: '会議（議題・出席者・決定事項・宿題・議事録）', params: idParam } }, async (req) => svc.get(actor(req), req.params.id));
    r.patch('/api/meetings/:id', { schema: { tags, summary: '会議の変更（議事録本文を含む）', params: idParam, body: meetingUpdate } }, async (req) =>
      svc.update(actor(req), req.params.id, req.body),
    );
    r.post('/api/meetings/:id/actions/:action', { schema: { tags, summary: '会議の操作（開催・議事録承認依頼・承認・共有等）', params: actionParam, body: processActionInput } }, async (req) =>
      svc.act(actor(req), req.params.id, req.params.action, req.body),
    );
    r.post('/api/meetings/:id/decisions', { schema: { tags, summary: '決定事項の記録（次回メンテナンス日は変更スケジュールへ）', params: idParam, body: decisionInput } }, async (req, reply) =>
      reply.status(201).send(await svc.items.addDecision(actor(req), req.params.id, req.body)),
    );
    r.post('/api/meetings/:id/action-items', { schema: { tags, summary: '宿題の登録', params: idParam, body: actionItemInput } }, async (req, reply) =>
      reply.status(201).send(await svc.items.addAction(actor(req), req.params.id, req.body)),
    );
    r.post('/api/meetings/:id/references', { schema: { tags, summary: '資料の添付（種別と ID）', params: idParam, body: referenceInput } }, async (req, reply) =>
      reply.status(201).send(await svc.items.addReference(actor(req), req.params.id, req.body)),
    );
    r.delete('/api/meetings/:id/references/:refId', { schema: { tags, summary: '資料の添付の解除', params: refParam } }, async (req) =>
      svc.items.removeReference(actor(req), req.params.id, req.params.refId),
    );
    r.get('/api/meetings/:id/minutes-file', { schema: { tags, summary: '議事録ファイルのダウンロード', params: idParam } }, async (req, reply) =>
      sendStoredFile(reply, await svc.minutesFile(actor(req), req.params.id)),
    );
    r.post('/api/meetings/:id/minutes-file', { schema: { tags, summary: '議事録ファイルの登録（multipart）', params: idParam, consumes: ['multipart/form-data'] } }, async (req) =>
      svc.uploadMinutesFile(actor(req), req.params.id, await readUpload(req)),
    );
  });
}
