import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/session.ts';
import { ROLES } from '../iam/roles.ts';
import type { Workbench } from './service.ts';

const searchQuery = z.object({ q: z.string().trim().min(1).max(200) }).strict();
const holdersQuery = z.object({ roles: z.string().trim().regex(new RegExp(`^(${ROLES.join('|')})(,(${ROLES.join('|')})){0,9}$`)) }).strict();
const settingsInput = z.object({ approvalDigest: z.boolean() }).strict();
const nameParam = z.object({ name: z.string().trim().min(1).max(60) }).strict();

/** 自分の作業 (inbox), the global search and the process flows, for every process on the kernel. */
export function workbenchRoutes(app: FastifyInstance, deps: { workbench: Workbench }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const wb = deps.workbench;
  const tags = ['workbench'];
  r.get('/api/inbox', { schema: { tags, summary: '自分の作業（承認待ちが先、期限順）' } }, async (req) => wb.inbox(sessionOf(req).actor));
  r.get('/api/inbox/count', { schema: { tags, summary: '自分の作業の件数' } }, async (req) => wb.count(sessionOf(req).actor));
  r.get('/api/search', { schema: { tags, summary: '横断検索（受付番号・CI名・ホスト名・IP・件名）', querystring: searchQuery } }, async (req) => ({
    groups: await wb.search(sessionOf(req).actor, req.query.q),
  }));
  r.get('/api/processes', { schema: { tags, summary: 'プロセス定義の一覧（状態・遷移・RACI）' } }, async () => ({ items: wb.flows() }));
  r.get('/api/processes/:name', { schema: { tags, summary: 'プロセス定義（状態・遷移・RACI）', params: nameParam } }, async (req) => wb.flow(req.params.name));
  r.get('/api/workbench/people', { schema: { tags, summary: '役割の保持者（担当者の選択）', querystring: holdersQuery } }, async (req) => {
    const roles = ROLES.filter((role) => req.query.roles.split(',').includes(role));
    return { items: await wb.holders(sessionOf(req).actor, roles) };
  });
  r.get('/api/workbench/settings', { schema: { tags, summary: '自分の作業の設定' } }, async (req) => wb.settings(sessionOf(req).actor));
  r.put('/api/workbench/settings', { schema: { tags, summary: '承認待ちのメール通知（1時間に1通まで）', body: settingsInput } }, async (req) =>
    wb.setSettings(sessionOf(req).actor, req.body),
  );
}
