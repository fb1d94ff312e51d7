import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import { type CiKind, ciInputs, placementInput, transitionInput } from './inputs.ts';
import { STATUS_LABELS, TRANSITIONS } from './lifecycle.ts';
import { KIND_LABELS } from './messages.ts';
import { capacityQuery, ciListQueries, historyQuery, namingCheckInput, retirementQuery } from './queries.ts';
import type { CmdbService } from './service.ts';

/** URL segment of each ledger. */
export const CI_SEGMENTS: Record<CiKind, string> = {
  site: 'sites',
  cluster: 'clusters',
  host: 'hosts',
  management_server: 'management-servers',
  storage: 'storage',
  network_device: 'network-devices',
  contract: 'contracts',
  system: 'systems',
  vm: 'vms',
  contact: 'contacts',
};

const idParam = z.object({ id: z.uuid() }).strict();
const exportFormat = z.enum(['xlsx', 'csv']);

/** The configuration ledger's HTTP API (CMDB-1..9, ORG-5) under /api/cmdb. */
export function cmdbRoutes(app: FastifyInstance, deps: { cmdb: CmdbService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { cmdb } = deps;
  const tags = ['cmdb'];

  r.get('/api/cmdb/lifecycle', { schema: { tags, summary: 'ステータスと許可される遷移' } }, async () => ({
    statuses: Object.entries(STATUS_LABELS).map(([status, label]) => ({ status, label, next: TRANSITIONS[status as keyof typeof TRANSITIONS] })),
    kinds: Object.entries(CI_SEGMENTS).map(([kind, segment]) => ({ kind, segment, label: KIND_LABELS[kind as CiKind] })),
  }));

  for (const [kind, segment] of Object.entries(CI_SEGMENTS) as [CiKind, string][]) {
    const base = `/api/cmdb/${segment}`;
    const label = KIND_LABELS[kind].ja;
    const listQ = ciListQueries[kind];

    r.get(base, { schema: { tags, summary: `${label}一覧`, querystring: listQ } }, async (req) =>
      cmdb.list(sessionOf(req).actor, kind, req.query),
    );
    for (const format of exportFormat.options) {
      r.get(`${base}.${format}`, { schema: { tags, summary: `${label}台帳の出力 (${format.toUpperCase()})`, querystring: listQ } }, async (req, reply) => {
        const { page: _p, pageSize: _s, ...filters } = req.query;
        const out = await cmdb.exportLedger(sessionOf(req).actor, kind, format, filters);
        return reply
          .header('content-type', out.contentType)
          .header('content-disposition', `attachment; filename="${out.filename}"; filename*=UTF-8''${encodeURIComponent(out.filenameJa)}`)
          .header('cache-control', 'no-store')
          .send(out.body);
      });
    }
    r.get(`${base}/:id`, { schema: { tags, summary: `${label}の詳細`, params: idParam } }, async (req) =>
      cmdb.get(sessionOf(req).actor, kind, req.params.id),
    );
    r.get(`${base}/:id/history`, { schema: { tags, summary: `${label}の変更履歴`, params: idParam, querystring: historyQuery } }, async (req) =>
      cmdb.history(sessionOf(req).actor, kind, req.params.id, req.query),
    );
    r.post(base, { schema: { tags, summary: `${label}の登録`, body: ciInputs[kind].create } }, async (req, reply) => {
      const row = await cmdb.create(sessionOf(req).actor, kind, req.body as never);
      return reply.status(201).send(row);
    });
    r.patch(`${base}/:id`, { schema: { tags, summary: `${label}の変更`, params: idParam, body: ciInputs[kind].update } }, async (req) =>
      cmdb.update(sessionOf(req).actor, kind, req.params.id, req.body as never),
    );
    r.post(
      `${base}/:id/transition`,
      { schema: { tags, summary: `${label}のステータス変更`, params: idParam, body: transitionInput } },
      async (req) => cmdb.transition(sessionOf(req).actor, kind, req.params.id, req.body),
    );
  }

  r.post(
    '/api/cmdb/systems/:id/confirm',
    {
      schema: {
        tags,
        summary: '業務システムの利用継続確認（システム所管）',
        params: idParam,
        body: z.object({ reason: z.string().trim().max(1000).optional() }).strict(),
      },
    },
    async (req) => cmdb.confirmInUse(sessionOf(req).actor, req.params.id, req.body),
  );

  r.post('/api/cmdb/placements', { schema: { tags, summary: '仮想マシンの配置変更（vMotion/DRS/HA）', body: placementInput } }, async (req) => {
    const { vm, host, ...opts } = req.body;
    return cmdb.recordPlacement(undefined, vm, host, { ...opts, actor: sessionOf(req).actor });
  });

  r.get('/api/cmdb/capacity', { schema: { tags, summary: 'リソース使用状況', querystring: capacityQuery } }, async (req) =>
    cmdb.capacity(sessionOf(req).actor, req.query),
  );
  r.get('/api/cmdb/n-1', { schema: { tags, summary: 'N-1 チェック（ホスト1台障害時の再起動可否）', querystring: capacityQuery } }, async (req) =>
    cmdb.n1(sessionOf(req).actor, req.query),
  );
  r.get('/api/cmdb/naming/violations', { schema: { tags, summary: '命名規約に合わないインスタンス名' } }, async (req) =>
    cmdb.namingViolations(sessionOf(req).actor),
  );
  r.post('/api/cmdb/naming/check', { schema: { tags, summary: 'インスタンス名の命名規約チェック', body: namingCheckInput } }, async (req) =>
    cmdb.checkName(sessionOf(req).actor, req.body),
  );
  r.get('/api/cmdb/retirement-candidates', { schema: { tags, summary: '廃止候補（停止中の仮想マシン・利用確認のないシステム）', querystring: retirementQuery } }, async (req) =>
    cmdb.retirementCandidates(sessionOf(req).actor, req.query),
  );
}
