import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/connection.ts';
import { sessionOf } from '../http/session.ts';
import { listQuery } from '../kernel/paging.ts';
import { listAudit } from './service.ts';

export function auditRoutes(app: FastifyInstance, deps: { db: Db }): void {
  const q = listQuery(['at']).extend({ entityType: z.string().max(64).optional(), entityId: z.string().max(100).optional() });
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/audit', { schema: { tags: ['audit'], summary: '監査ログ', querystring: q } }, async (req) =>
      listAudit(deps.db, sessionOf(req).actor, req.query),
    );
}
