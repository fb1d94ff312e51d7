import type { FastifyInstance } from 'fastify';
import { sessionOf } from '../../http/session.ts';
import { requirePermission, visibleDepartments } from '../../iam/actor.ts';
import type { DemoLive } from './live.ts';

/**
 * The demo's own endpoints, mounted only by a demo start: whether this is a demo (the web shows the
 * mail catcher's menu entry only then), the caught mails, and the simulator's state. Outside demo mode
 * they do not exist (404).
 *
 * The mails: people who see every department see every mail; anyone else only mails addressed to them.
 */
export function demoRoutes(app: FastifyInstance, live: DemoLive): void {
  app.get('/api/demo/status', { config: { public: true }, schema: { tags: ['demo'], summary: 'デモモードか / Demo mode' } }, async () => ({ demo: true }));

  app.get('/api/demo/mails', { schema: { tags: ['demo'], summary: 'メールキャッチャー / Caught mails (demo)' } }, async (req) => {
    const { actor, user } = sessionOf(req);
    requirePermission(actor, 'mail.read');
    const all = visibleDepartments(actor) === null;
    const me = user.email?.toLowerCase();
    const mails = live.catcher.mails().filter((m) => all || (me !== undefined && [...m.to, ...m.cc].some((a) => a.toLowerCase() === me)));
    return { items: mails.slice(0, 200), total: mails.length, smtp: `${live.catcher.host}:${live.catcher.port}` };
  });

  app.get('/api/demo/simulator', { schema: { tags: ['demo'], summary: 'シミュレータの状態 / Simulator state (demo)' } }, async (req) => {
    requirePermission(sessionOf(req).actor, 'monitoring.read');
    const hosts = live.simulator.hosts();
    return {
      hosts: hosts.length,
      webServers: hosts.reduce((n, h) => n + h.http.length, 0),
      firstAddress: hosts[0]?.loopback ?? null,
      lastAddress: hosts.at(-1)?.loopback ?? null,
      faults: live.simulator
        .faults()
        .map((f) => ({ target: f.target, kind: f.kind, from: new Date(f.from).toISOString(), until: new Date(f.until).toISOString() })),
      egress: { allowed: live.egress.stats.allowed, refused: live.egress.stats.refused, refusedTo: live.egress.stats.refusedTo },
    };
  });
}
