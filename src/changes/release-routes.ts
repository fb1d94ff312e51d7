import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BusinessCalendar } from '../calendar/index.ts';
import type { Db } from '../db/index.ts';
import { multipartOptions, readUpload, sendStoredFile } from '../files/index.ts';
import { sessionOf } from '../http/session.ts';
import type { Clock } from '../kernel/clock.ts';
import { createMaintenanceDays } from './maintenance.ts';
import { maintenanceDayInput, maintenanceDayQuery, releaseActionInput, releasePlanInput, releaseUpdateInput, scheduleQuery } from './release-inputs.ts';
import { createReleaseService } from './release-service.ts';
import { createSchedule } from './schedule.ts';
import { releasePrint } from './release-print.ts';

const idParam = z.object({ id: z.uuid() }).strict();
const actionParam = z.object({ id: z.uuid(), action: z.string().trim().min(1).max(40) }).strict();
const evidenceParam = z.object({ id: z.uuid(), evidenceId: z.coerce.number().int().min(1) }).strict();

export interface ReleaseRouteDeps {
  db: Db;
  clock: Clock;
  platformName?: string;
  calendar?: BusinessCalendar;
  approvalLeadBusinessDays?: number;
  /** KIBAN_RELEASE_OVERRUN_HOURS: how long past its planned end a running release keeps its suppression. */
  overrunCeilingHours?: number;
}

/**
 * リリース作業 (CHG-2/3/7, CAL-4) under /api/changes: a change's releases, one release's plan, steps,
 * evidence and print, maintenance days and the change schedule. Its own plugin scope so multipart
 * parsing (evidence uploads) exists only here.
 */
export async function releaseRoutes(app: FastifyInstance, deps: ReleaseRouteDeps): Promise<void> {
  const calendar = deps.calendar ?? new BusinessCalendar();
  const svc = createReleaseService({ ...deps, calendar });
  const days = createMaintenanceDays(deps);
  const schedule = createSchedule({ db: deps.db, calendar });
  const tags = ['changes'];
  await app.register(async (scope) => {
    await scope.register(multipart, multipartOptions());
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.get('/api/changes/maintenance-days', { schema: { tags, summary: 'メンテナンス日の一覧', querystring: maintenanceDayQuery } }, async (req) =>
      days.list(sessionOf(req).actor, req.query),
    );
    r.post('/api/changes/maintenance-days', { schema: { tags, summary: 'メンテナンス日の登録', body: maintenanceDayInput } }, async (req, reply) =>
      reply.status(201).send(await days.create(sessionOf(req).actor, req.body)),
    );
    r.put(
      '/api/changes/maintenance-days/:id',
      {
        schema: {
          tags,
          summary: 'メンテナンス日の変更',
          params: idParam,
          body: maintenanceDayInput.extend({ updatedAt: z.iso.datetime({ offset: true }) }).strict(),
        },
      },
      async (req) => days.update(sessionOf(req).actor, req.params.id, req.body),
    );
    r.delete('/api/changes/maintenance-days/:id', { schema: { tags, summary: 'メンテナンス日の削除', params: idParam } }, async (req) =>
      days.remove(sessionOf(req).actor, req.params.id),
    );
    r.get('/api/changes/schedule', { schema: { tags, summary: '変更スケジュール（月）', querystring: scheduleQuery } }, async (req) =>
      schedule.month(sessionOf(req).actor, req.query),
    );

    r.get('/api/changes/:id/releases', { schema: { tags, summary: '変更のリリース一覧', params: idParam } }, async (req) =>
      svc.listForChange(sessionOf(req).actor, req.params.id),
    );
    r.post('/api/changes/:id/releases', { schema: { tags, summary: 'リリース計画の作成', params: idParam, body: releasePlanInput } }, async (req, reply) =>
      reply.status(201).send(await svc.create(sessionOf(req).actor, req.params.id, req.body)),
    );
    r.get('/api/changes/releases/:id', { schema: { tags, summary: 'リリース計画書兼完了報告書', params: idParam } }, async (req) =>
      svc.get(sessionOf(req).actor, req.params.id),
    );
    r.put('/api/changes/releases/:id', { schema: { tags, summary: 'リリース計画の修正（作成中）', params: idParam, body: releaseUpdateInput } }, async (req) =>
      svc.update(sessionOf(req).actor, req.params.id, req.body),
    );
    r.post(
      '/api/changes/releases/:id/actions/:action',
      { schema: { tags, summary: 'リリース作業の操作（報告・承認・開始・終了・切戻し）', params: actionParam, body: releaseActionInput } },
      async (req) => svc.act(sessionOf(req).actor, req.params.id, req.params.action, req.body),
    );
    r.get('/api/changes/releases/:id/evidence', { schema: { tags, summary: '作業証跡の一覧', params: idParam } }, async (req) =>
      svc.listEvidence(sessionOf(req).actor, req.params.id),
    );
    r.post(
      '/api/changes/releases/:id/evidence',
      { schema: { tags, summary: '作業証跡の登録（multipart）', params: idParam, consumes: ['multipart/form-data'] } },
      async (req, reply) => {
        const up = await readUpload(req);
        return reply.status(201).send(await svc.addEvidence(sessionOf(req).actor, req.params.id, up.file, up.fields.note));
      },
    );
    r.get(
      '/api/changes/releases/:id/evidence/:evidenceId',
      { schema: { tags, summary: '作業証跡のダウンロード', params: evidenceParam } },
      async (req, reply) => sendStoredFile(reply, await svc.evidenceFile(sessionOf(req).actor, req.params.id, req.params.evidenceId)),
    );
    for (const format of ['xlsx', 'pdf'] as const) {
      r.get(
        `/api/changes/releases/:id/print.${format}`,
        { schema: { tags, summary: `リリース計画書兼完了報告書の出力 (${format.toUpperCase()})`, params: idParam } },
        async (req, reply) => {
          const out = await releasePrint(await svc.printData(sessionOf(req).actor, req.params.id), format);
          return reply
            .header('content-type', out.mediaType)
            .header('content-disposition', `attachment; filename="${out.asciiName}"; filename*=UTF-8''${encodeURIComponent(out.fileName)}`)
            .send(out.data);
        },
      );
    }
  });
}
