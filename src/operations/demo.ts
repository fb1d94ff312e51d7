import { and, asc, eq, isNotNull, ne } from 'drizzle-orm';
import { toJstYmd } from '../calendar/jst.ts';
import { cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/connection.ts';
import { actorsByLogin, systemActor } from '../iam/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { createRestoreService } from './restores.ts';
import { createOperationService } from './service.ts';

export interface DemoOperationsSummary {
  entries: number;
  changes: number;
  restores: number;
}

const DAY = 86_400_000;

/**
 * The demo's オペレーション管理: N's standard operations list, add/change/delete requests in every state
 * (one applied with its training record, one waiting for the training, one in review, one draft) and restore
 * requests of several departments (requested, in progress, awaiting the owner, closed). Training days are
 * taken a few days before the load clock, never after it (the service refuses a future training day).
 */
export async function loadDemoOperations(db: Db, clock: Clock): Promise<DemoOperationsSummary> {
  const ops = createOperationService({ db, clock });
  const restores = createRestoreService({ db, clock });
  const who = await actorsByLogin(db, ['operator', 'manager', 'lead', 'supervisor', 'owner']);
  const [op, mgr, lead, sup, owner] = ['operator', 'manager', 'lead', 'supervisor', 'owner'].map(who);
  const seeded = await ops.seed(systemActor('demo load'));
  const past = (days: number) => toJstYmd(new Date(clock.now().getTime() - days * DAY));
  const act = async (a: typeof mgr, id: string, action: string, body: Record<string, unknown> = {}) =>
    ops.act(a!, id, action, { version: (await ops.getChange(a!, id)).version, ...body });
  const entry = async (title: string) => (await ops.list(mgr!, { q: title, page: 1, pageSize: 5, sort: 'entryNo' })).items.find((e) => e.title === title)!;

  const base = {
    scope: 'platform' as const,
    category: 'routine' as const,
    ownerRole: 'operator' as const,
    departmentId: null,
    restoreKinds: [],
  };
  // Applied: a new monthly entry, trained three days ago.
  const cert = await ops.createChange(mgr!, {
    kind: 'add',
    reason: '証明書の期限切れによる停止を防ぐため',
    content: {
      ...base,
      title: '証明書の有効期限確認',
      procedure: '証明書一覧を確認し、90日以内に期限切れとなるものを管理者に報告する。',
      frequency: 'monthly',
      schedule: '毎月第1営業日',
      evidence: '証明書一覧の画面写し',
      preconditions: '証明書一覧が最新であること',
      keywords: ['証明書'],
    },
  });
  await act(mgr, cert.id, 'submit');
  await act(lead, cert.id, 'review_ok');
  await act(mgr, cert.id, 'record_training', { trainingDate: past(3), trainingAttendees: ['運用担当者（佐藤 翔太）', '運用担当者2'] });
  await act(sup, cert.id, 'approve', { comment: '承認します' });
  // Waiting for approval: a change of the Syslog check, trained yesterday.
  const syslog = await entry('ログ取得確認（Syslog）');
  const { id: _i, entryNo: _n, revisionNo: _r, ...current } = await ops.get(mgr!, syslog.id);
  const content = (over: Record<string, unknown>) => ({
    title: current.title,
    scope: current.scope,
    category: current.category,
    procedure: current.procedure,
    frequency: current.frequency,
    schedule: current.schedule,
    evidence: current.evidence,
    preconditions: current.preconditions,
    ownerRole: current.ownerRole,
    departmentId: current.departmentId,
    restoreKinds: current.restoreKinds,
    keywords: current.keywords,
    ...over,
  });
  const ch = await ops.createChange(mgr!, {
    kind: 'change',
    entryId: syslog.id,
    reason: '確認時刻を始業前に前倒し',
    content: content({ schedule: '毎朝（開庁日 8:45〜）' }),
  });
  await act(mgr, ch.id, 'submit');
  await act(lead, ch.id, 'review_ok');
  await act(mgr, ch.id, 'record_training', { trainingDate: past(1), trainingAttendees: ['運用担当者（佐藤 翔太）'] });
  // Waiting for the training record: a deletion.
  const snap = await entry('vSphere スナップショットの保管期間確認・削除');
  const del = await ops.createChange(mgr!, { kind: 'delete', entryId: snap.id, reason: 'スナップショットの保管期間を監視で確認するため' });
  await act(mgr, del.id, 'submit');
  await act(lead, del.id, 'review_ok');
  // In review, and a draft.
  const rev = await ops.createChange(mgr!, {
    kind: 'add',
    reason: 'NTP のずれによるログ時刻の不整合を防ぐため',
    content: {
      ...base,
      title: '時刻同期状態の確認',
      procedure: 'NTP サーバと各機器の時刻差を確認し、1秒以上ずれた機器を管理者に報告する。',
      frequency: 'weekly',
      schedule: '毎週月曜日',
      evidence: '時刻差の確認結果',
      preconditions: 'すべての機器が NTP サーバに同期していること',
      keywords: ['時刻同期', 'NTP'],
    },
  });
  await act(mgr, rev.id, 'submit');
  await ops.createChange(mgr!, {
    kind: 'add',
    reason: '年度末の棚卸の準備',
    content: {
      ...base,
      title: '仮想マシン棚卸（年度末）',
      procedure: '構成管理台帳の仮想マシンとvCenterの実在を突き合わせ、差異を報告する。',
      frequency: 'yearly',
      schedule: '毎年3月',
      evidence: '突合結果一覧',
      preconditions: 'vCenter の情報が取得できること',
    },
  });

  // Restore requests: VMs of several departments (the owner's own, others asked by the vendor).
  const vms = await db
    .select({ id: cmdbVms.id, name: cmdbVms.name, departmentId: cmdbSystems.departmentId })
    .from(cmdbVms)
    .innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .where(and(ne(cmdbVms.status, 'retired'), isNotNull(cmdbSystems.departmentId)))
    .orderBy(asc(cmdbVms.name));
  const ownVm = vms.find((v) => v.departmentId === owner!.departmentId);
  const others: typeof vms = [];
  for (const v of vms) if (v.departmentId !== owner!.departmentId && !others.some((o) => o.departmentId === v.departmentId)) others.push(v);
  let n = 0;
  const rAct = async (a: typeof op, id: string, action: string, body: Record<string, unknown> = {}) =>
    restores.act(a!, id, action, { version: (await restores.get(a!, id)).version, ...body });
  const tickAll = async (id: string) => {
    for (const c of (await restores.get(op!, id)).checklist)
      await restores.check(op!, id, { version: (await restores.get(op!, id)).version, key: c.key, done: true });
  };
  if (ownVm) {
    const a = await restores.create(owner!, {
      vmId: ownVm.id,
      kind: 'file',
      target: 'D:\\share\\道路台帳\\2026',
      restorePoint: `${past(1)} 夜間`,
      reason: 'フォルダを誤って削除した',
    });
    n++;
    await rAct(op, a.id, 'accept');
    await tickAll(a.id);
    await rAct(op, a.id, 'complete', { evidence: '\\\\ops\\evidence\\リストア 作業前後の画面写し' });
    await rAct(owner, a.id, 'confirm', { comment: '復元を確認しました' });
    await restores.create(owner!, { vmId: ownVm.id, kind: 'vm', restorePoint: `${past(1)} 夜間`, reason: 'OS 更新後に起動しなくなった' });
    n++;
  }
  const [o1, o2, o3] = others;
  if (o1) {
    const b = await restores.create(op!, {
      vmId: o1.id,
      kind: 'disk',
      target: 'ハードディスク 2',
      restorePoint: `${past(2)} 夜間`,
      reason: 'データディスクの破損（システム所管からの電話依頼）',
    });
    n++;
    await rAct(op, b.id, 'accept');
  }
  if (o2) {
    const c = await restores.create(op!, {
      vmId: o2.id,
      kind: 'vm',
      restorePoint: `${past(2)} 夜間`,
      reason: 'アプリケーション更新の失敗（所管課からの依頼）',
    });
    n++;
    await rAct(op, c.id, 'accept');
    await tickAll(c.id);
    await rAct(op, c.id, 'complete', { evidence: '\\\\ops\\evidence\\リストア 起動確認の画面写し' });
  }
  if (o3) {
    const d = await restores.create(op!, { vmId: o3.id, kind: 'file', target: 'E:\\data\\old', restorePoint: `${past(4)} 夜間`, reason: '確認のため' });
    n++;
    await rAct(op, d.id, 'withdraw', { reason: '依頼元で解決したため' });
  }
  return { entries: seeded.added.length + 1, changes: 5, restores: n };
}
