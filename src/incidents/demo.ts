import { and, asc, eq, isNotNull, ne } from 'drizzle-orm';
import { cmdbHosts, cmdbVms } from '../cmdb/index.ts';
import type { Db } from '../db/connection.ts';
import { actorsByLogin } from '../iam/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { createProblemService } from '../problems/index.ts';
import { createIncidentService } from './service.ts';

export interface DemoIncidentsSummary {
  incidents: number;
  problems: number;
}

const MIN = 60_000;

/**
 * A handful of incidents and problems for the demo, made through the services as the demo people
 * (so every row, history entry, report and mail is what the real flow writes): a QA answered and
 * closed, a new QA like it, a work request routed to change management, a trouble on an ESXi host
 * still waiting for its first report, and a closed High trouble whose root cause became a problem.
 * Deterministic: the CIs are chosen by name and the times are offsets from `clock`.
 */
export async function loadDemoIncidents(db: Db, clock: Clock, opts: { departments?: { id: string; code: string }[] } = {}): Promise<DemoIncidentsSummary> {
  const base = clock.now().getTime();
  let cur = base;
  /** The services run on a clock the script moves (minutes before "now"). */
  const demoClock: Clock = { now: () => new Date(cur) };
  const at = (minutesAgo: number) => {
    cur = base - minutesAgo * MIN;
  };
  const iso = (minutesAgo: number) => new Date(base - minutesAgo * MIN).toISOString();
  const inc = createIncidentService({ db, clock: demoClock });
  const prb = createProblemService({ db, clock: demoClock });

  const actor = await actorsByLogin(db, ['operator', 'manager', 'supervisor', 'owner']);
  const op = actor('operator');
  const mgr = actor('manager');
  const sup = actor('supervisor');
  const ownerDept = actor('owner').departmentId ?? opts.departments?.[0]?.id;

  // CIs: the first host (by name) carrying active VMs of systems, and a VM on another host.
  const vmsOnHosts = await db
    .select({ id: cmdbVms.id, name: cmdbVms.name, hostId: cmdbVms.hostId })
    .from(cmdbVms)
    .innerJoin(cmdbHosts, eq(cmdbHosts.id, cmdbVms.hostId))
    .where(and(isNotNull(cmdbVms.systemId), eq(cmdbVms.status, 'active'), ne(cmdbHosts.status, 'retired')))
    .orderBy(asc(cmdbHosts.name), asc(cmdbVms.name));
  const hostId = vmsOnHosts[0]?.hostId;
  const otherVm = vmsOnHosts.find((v) => v.hostId !== hostId);
  if (!hostId || !otherVm) return { incidents: 0, problems: 0 };

  // 1. A QA answered and closed three days ago (the knowledge the next QA finds).
  at(3 * 24 * 60);
  const qa1 = await inc.register(op, {
    title: '仮想マシンのスナップショット取得について',
    description: '業務システムの更新前に仮想マシンのスナップショットを取得したい。申請方法と保持期間を教えてほしい。',
    source: 'system_owner',
    class: 'qa',
    requesterName: '道路建設課 松尾',
    departmentId: ownerDept,
  });
  at(3 * 24 * 60 - 10);
  let q = await inc.act(op, qa1.id, 'dispatch', { version: qa1.version });
  at(3 * 24 * 60 - 90);
  q = await inc.act(op, qa1.id, 'provisional_close', {
    version: q.version,
    requesterApproval: '松尾様 メールで了承（回答内容を確認済み）',
    resolution: 'スナップショットは作業依頼（依頼作業）で受け付ける。保持期間は最長72時間。取得前に容量を確認する。',
  });
  at(3 * 24 * 60 - 120);
  await inc.act(mgr, qa1.id, 'close', { version: q.version });

  // 2. A work request routed to change management yesterday.
  at(24 * 60);
  const wr = await inc.register(op, {
    title: '仮想マシンのメモリ増設依頼（16GB → 32GB）',
    description: '年度末の処理量増加に備え、業務サーバのメモリを増設したい。',
    source: 'system_owner',
    class: 'work_request',
    requesterName: '道路建設課 松尾',
    departmentId: ownerDept,
    dueAt: iso(-7 * 24 * 60),
  });
  at(24 * 60 - 30);
  await inc.act(op, wr.id, 'route', { version: wr.version, route: 'change', routeRef: 'CHG-2026-000012', comment: '構成変更のため変更管理へ' });

  // 3. A closed High trouble on one VM, with the problem opened for its root cause.
  at(5 * 24 * 60);
  const tr = await inc.register(op, {
    title: '仮想マシンの応答停止（メモリ枯渇）',
    description: '監視システムから応答なしのアラート。コンソールでメモリ枯渇を確認。',
    source: 'monitoring',
    class: 'trouble',
    detectedAt: iso(5 * 24 * 60 + 5),
    urgency: { citizenServiceStopped: true, citizenImpact: true, financialOrReputation: false, wideImpact: false },
    platformCaused: true,
    affected: { platform: false, hostIds: [], vmIds: [otherVm.id] },
    symptom: '仮想マシンが応答しない',
    businessImpact: '業務システムが利用できない',
  });
  let r = await inc.act(op, tr.id, 'dispatch', { version: tr.version });
  at(5 * 24 * 60 - 10);
  r = await inc.report(op, tr.id, { version: r.version, kind: 'first' });
  at(5 * 24 * 60 - 20);
  r = await inc.act(op, tr.id, 'submit_procedure', {
    version: r.version,
    probableCause: 'アプリケーションのメモリリークによるメモリ枯渇',
    steps: '1. 利用者へ停止連絡\n2. 仮想マシンを再起動\n3. サービス起動を確認',
    checklist: '□ 停止連絡 □ 再起動 □ 監視の正常化',
    schedule: '検知後30分以内に実施',
    risks: '再起動後にサービスが起動しない',
    fallback: '直前のバックアップから復元',
  });
  at(5 * 24 * 60 - 25);
  r = await inc.act(mgr, tr.id, 'review_procedure', { version: r.version });
  at(5 * 24 * 60 - 30);
  r = await inc.act(sup, tr.id, 'approve_procedure', { version: r.version, comment: '承認します' });
  at(5 * 24 * 60 - 35);
  const work = { workFrom: iso(5 * 24 * 60 - 35), workTo: iso(5 * 24 * 60 - 50), workers: ['運用担当者 佐藤'], description: '仮想マシンの再起動', businessImpact: '再起動中（約15分）業務停止' };
  r = await inc.act(op, tr.id, 'start_recovery', { version: r.version, ...work });
  at(5 * 24 * 60 - 50);
  r = await inc.act(op, tr.id, 'complete_recovery', { version: r.version, ...work });
  at(5 * 24 * 60 - 60);
  r = await inc.report(op, tr.id, { version: r.version, kind: 'final', probableCause: 'アプリケーションのメモリリーク', progress: '再起動により復旧。原因は問題管理で調査する。' });
  const problem = await prb.register(op, {
    title: 'メモリ枯渇の根本原因調査',
    description: '仮想マシンのメモリ枯渇によるトラブルの根本原因を調査し、恒久対処を検討する。',
    source: 'incident_root_cause',
    incidentIds: [tr.id],
  });
  at(5 * 24 * 60 - 90);
  r = await inc.act(op, tr.id, 'provisional_close', { version: r.version, requesterApproval: 'システム所管 松尾様 電話で了承', resolution: '再起動で復旧。根本原因は問題管理で調査。' });
  at(4 * 24 * 60);
  await inc.act(mgr, tr.id, 'close', { version: r.version });
  const p1 = await prb.act(mgr, problem.id, 'propose_priority', {
    version: problem.version,
    criteria: { missedRecoveryTarget: false, citizensOrManyDepartments: true, financialOrReputation: false },
    dueAt: iso(-14 * 24 * 60),
  });
  at(4 * 24 * 60 - 60);
  await prb.act(sup, problem.id, 'agree_priority', { version: p1.version });

  // 4. A new QA like the first one (its page shows the answered one).
  at(60);
  await inc.register(op, {
    title: 'スナップショットの保持期間について',
    description: 'メンテナンス前に取得した仮想マシンのスナップショットは何日間保持できるか。',
    source: 'ict_centre',
    class: 'qa',
    requesterName: 'ICTサービスセンター 吉田',
  });

  // 5. A trouble on an ESXi host now: its VMs are derived, the first report is due.
  at(20);
  const host = await inc.register(op, {
    title: 'ESXiサーバのハードウェア障害（PSU）',
    description: '監視システムからESXiサーバの電源ユニット異常を検知。HAによる仮想マシンの再起動を確認中。',
    source: 'monitoring',
    class: 'trouble',
    detectedAt: iso(25),
    urgency: { citizenServiceStopped: false, citizenImpact: true, financialOrReputation: false, wideImpact: false },
    platformCaused: true,
    affected: { platform: false, hostIds: [hostId], vmIds: [] },
    symptom: 'ESXiサーバの電源ユニット故障',
    businessImpact: '当該サーバ上の仮想マシンが一時停止',
  });
  at(15);
  await inc.act(op, host.id, 'dispatch', { version: host.version });
  cur = base;
  return { incidents: 5, problems: 1 };
}
