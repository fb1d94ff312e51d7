import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/connection.ts';
import { sessionOf } from '../http/session.ts';
import { listFailedMails, listMailsFor } from './service.ts';

const recordQuery = z
  .object({ recordType: z.string().trim().min(1).max(64), recordId: z.string().trim().min(1).max(100) })
  .strict();

export function notifyRoutes(app: FastifyInstance, deps: { db: Db }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/mails',
    { schema: { tags: ['mail'], summary: '記録の送信メール一覧 / Mails of a record', querystring: recordQuery } },
    async (req) => ({ items: await listMailsFor(deps.db, sessionOf(req).actor, req.query.recordType, req.query.recordId) }),
  );
  r.get('/api/mails/failed', { schema: { tags: ['mail'], summary: '送信できなかったメール / Undeliverable mails' } }, async (req) => ({
    items: await listFailedMails(deps.db, sessionOf(req).actor),
  }));
}
