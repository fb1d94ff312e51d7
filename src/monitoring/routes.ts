import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import type { MonitoringService } from './service.ts';

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
}
