import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJstLocal } from '../calendar/index.ts';
import { createCmdbService } from '../cmdb/index.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { processHistory } from '../process/index.ts';
import { requireTasksDone } from './guards.ts';
import { changes, changeTasks } from './schema.ts';

/** The change checklist (CHG-5 service level, CHG-6 coverage, BAK-4 backups) and its API. */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const s = {} as Record<'op' | 'mgr' | 'sup' | 'owner' | 'ownerB' | 'ict', Session>;
let dept: string;
let hq: string;
let ntt: string;
const hosts: Record<string, string> = {};

const get = (who: Session, url: string) => t.app.inject({ url, headers: { cookie: who.cookie } });
const post = (who: Session, url: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
const cmdb = () => createCmdbService({ db: t.database.db, clock: t.clock });
const why = { reason: 'テスト構成' };

async function system(name: string, level: 'A' | 'B' | 'C', hostId: string | null, environment: 'production' | 'dev_test' = 'production') {
  const sys = await cmdb().create(admin, 'system', { name, departmentId: dept, serviceLevel: level, environment, status: 'active', ...why });
  if (hostId)
    await cmdb().create(
      admin,
      'vm',
      { name: `${name}-vm01`, systemId: sys.id, hostId, vcpu: 2, memoryGib: 4, diskGib: 40, status: 'active', ...why },
      { source: 'demo' },
    );
  return sys;
}

type Change = { id: string; receiptNo: string; state: string; version: number };
/** A change registered through the change API by the operator (受付・登録). */
async function change(body: Record<string, unknown>): Promise<Change> {
  const res = await post(s.op, '/api/changes', { title: 'テスト変更', description: '内容', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const act = async (who: Session, id: string, action: string, body: Record<string, unknown> = {}) => {
  const version = (await get(s.op, `/api/changes/${id}`)).json().version;
  return post(who, `/api/changes/${id}/actions/${action}`, { version, ...body });
};
const criteria = { problemHigh: false, citizensOrManyDepartments: false, financialOrReputation: false };
/** The manager reports priority and due date, the supervisor approves them (変更の準備指示). */
async function approve(c: Change): Promise<Change> {
  const reported = await act(s.mgr, c.id, 'report_priority', { criteria, dueAt: parseJstLocal('2026-12-20T17:00').toISOString() });
  expect(reported.statusCode, reported.body).toBe(200);
  const approved = await act(s.sup, c.id, 'approve_priority');
  expect(approved.statusCode, approved.body).toBe(200);
  return approved.json();
}
const tasksOf = (id: string) =>
  t.database.db.select().from(changeTasks).where(eq(changeTasks.changeId, id)).orderBy(asc(changeTasks.kind), asc(changeTasks.sortOrder));
const slKeys = async (id: string) => (await tasksOf(id)).filter((x) => x.kind === 'service_level').map((x) => x.key);

beforeAll(async () => {
  t = await testApp();
  t.clock.set(parseJstLocal('2026-12-07T10:00'));
  dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const person = t.person;
  const deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  await person('op', ['operator']);
  await person('mgr', ['vendor_manager']);
  await person('sup', ['supervisor']);
  await person('owner', ['system_owner'], { departmentId: dept });
  await person('ownerB', ['system_owner'], { departmentId: deptB });
  await person('ict', ['ict_manager']);
  for (const k of ['op', 'mgr', 'sup', 'owner', 'ownerB', 'ict'] as const) s[k] = await t.login(k);
  hq = (await cmdb().create(admin, 'site', { name: '県庁舎サーバルーム', code: 'HQ', role: 'main', status: 'active', ...why })).id;
  ntt = (await cmdb().create(admin, 'site', { name: 'NTTデータセンター', code: 'NTT', role: 'sub', status: 'active', ...why })).id;
  for (const [name, site] of [
    ['esx-hq01', hq],
    ['esx-hq02', hq],
    ['esx-ntt01', ntt],
  ] as const) {
    hosts[name] = (await cmdb().create(admin, 'host', { name, siteId: site, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512, status: 'active', ...why })).id;
  }
});
afterAll(() => t.close());

describe('service-level checklist (CHG-5, N §3.4.3.4) generated on the supervisor’s approval', () => {
  const common = ['rename_instance', 'chargeback', 'cmdb'];
  const sl = async (name: string, from: 'A' | 'B' | 'C', to: 'A' | 'B' | 'C', host: string | null, extra: { slToProduction?: boolean } = {}) => {
    const sys = await system(name, from, host, extra.slToProduction ? 'dev_test' : 'production');
    return change({ source: 'service_level_change', slSystemId: sys.id, slToLevel: to, slStartsAt: parseJstLocal('2026-12-14T09:00').toISOString(), ...extra });
  };

  it('nothing before the approval; the items of the transition after it, labelled as N lists them', async () => {
    const c = await sl('sys-ab', 'A', 'B', hosts['esx-hq01']!);
    expect(await tasksOf(c.id)).toEqual([]);
    await approve(c);
    expect(await slKeys(c.id)).toEqual([...common, 'dr_remove', 'replication', 'drs']);
    const labels = (await tasksOf(c.id)).map((x) => x.label);
    expect(labels).toContain('（システムサービスレベル Aから降格する場合）災害対策設定の削除');
    expect(labels).toContain('（A⇔B,C との変更の場合）ストレージ設計（レプリケーション設計）の変更');
    expect((await tasksOf(c.id)).every((x) => x.status === 'open')).toBe(true);
  });

  it('B → C: monitoring settings and operating hours, no DR, replication or DRS', async () => {
    const c = await sl('sys-bc', 'B', 'C', hosts['esx-hq01']!);
    await approve(c);
    expect(await slKeys(c.id)).toEqual([...common, 'monitoring_bc']);
  });

  it('C → A for a system at 県庁舎: DR settings per the system design; at the NTT data centre: none', async () => {
    const atHq = await sl('sys-ca-hq', 'C', 'A', hosts['esx-hq02']!);
    await approve(atHq);
    expect(await slKeys(atHq.id)).toEqual([...common, 'dr_setup', 'replication', 'drs']);
    const atNtt = await sl('sys-ca-ntt', 'C', 'A', hosts['esx-ntt01']!);
    await approve(atNtt);
    expect(await slKeys(atNtt.id)).toEqual([...common, 'replication', 'drs']);
  });

  it('development/test → production: monitoring settings and hours', async () => {
    const c = await sl('sys-dev', 'C', 'C', hosts['esx-ntt01']!, { slToProduction: true });
    await approve(c);
    expect(await slKeys(c.id)).toEqual([...common, 'monitoring_prod']);
  });

  it('a direct change gets no checklist; a second approval (the change sent back to it) adds nothing twice', async () => {
    const d = await change({ source: 'direct', targets: [{ ciType: 'host', ciId: hosts['esx-hq01'] }] });
    await approve(d);
    expect(await tasksOf(d.id)).toEqual([]);
    const c = await sl('sys-again', 'B', 'C', hosts['esx-hq01']!);
    await approve(c);
    await t.database.db.update(changes).set({ state: 'priority_review' }).where(eq(changes.id, c.id));
    expect((await act(s.sup, c.id, 'approve_priority')).statusCode).toBe(200);
    expect(await slKeys(c.id)).toEqual([...common, 'monitoring_bc']);
  });
});

describe('preventive maintenance: coverage of every target of its kind (CHG-6, N §3.4.3.5) and BAK-4', () => {
  let pm: Change;
  it('naming one ESXi host covers every ESXi host of the estate, with manual backups before and after', async () => {
    pm = await change({ source: 'preventive_maintenance', pmPatch: 'ESXi 8.0 U3e', targets: [{ ciType: 'host', ciId: hosts['esx-hq01'] }] });
    await approve(pm);
    const rows = await tasksOf(pm.id);
    expect(rows.filter((x) => x.kind === 'coverage').map((x) => x.label)).toEqual([
      'esx-hq01 への適用（ESXi 8.0 U3e）',
      'esx-hq02 への適用（ESXi 8.0 U3e）',
      'esx-ntt01 への適用（ESXi 8.0 U3e）',
    ]);
    expect(rows.filter((x) => x.kind === 'backup').map((x) => x.label)).toEqual(['手動バックアップの取得（作業前）', '手動バックアップの取得（作業後）']);
    const res = await get(s.mgr, `/api/changes/${pm.id}/tasks`);
    expect(res.statusCode).toBe(200);
    expect(res.json().coverage).toMatchObject({ total: 3, applied: 0, remaining: 3, leftOut: [], complete: false });
  });

  it('a host added after generation is a target left out: visible, counted as remaining, and can be added', async () => {
    const late = await cmdb().create(admin, 'host', { name: 'esx-ntt02', siteId: ntt, cpuCores: 32, cpuGhz: 2.4, memoryGib: 512, status: 'active', ...why });
    const cov = (await get(s.mgr, `/api/changes/${pm.id}/tasks`)).json().coverage;
    expect(cov).toMatchObject({ total: 4, remaining: 4, complete: false });
    expect(cov.leftOut).toEqual([{ taskId: null, ciType: 'host', ciId: late.id, name: 'esx-ntt02', status: 'left_out' }]);
    expect((await post(s.owner, `/api/changes/${pm.id}/tasks/coverage`, { ciType: 'host', ciId: late.id })).statusCode).toBe(403);
    const added = await post(s.op, `/api/changes/${pm.id}/tasks/coverage`, { ciType: 'host', ciId: late.id });
    expect(added.statusCode).toBe(201);
    expect(added.json().coverage).toMatchObject({ total: 4, remaining: 4, leftOut: [] });
    const again = await post(s.op, `/api/changes/${pm.id}/tasks/coverage`, { ciType: 'host', ciId: late.id });
    expect(again.statusCode).toBe(400);
    expect(Object.keys(again.json().error.fields)).toEqual(['ciId']);
  });

  it('applied / remaining per target as tasks are done; a waived target counts with its reason', async () => {
    const list = (await get(s.op, `/api/changes/${pm.id}/tasks`)).json();
    const coverage = list.tasks.filter((x: { kind: string }) => x.kind === 'coverage');
    const first = await post(s.op, `/api/changes/${pm.id}/tasks/${coverage[0].id}/done`, { version: coverage[0].version, comment: 'パッチ適用済' });
    expect(first.statusCode).toBe(200);
    const waived = await post(s.mgr, `/api/changes/${pm.id}/tasks/${coverage[1].id}/waive`, {
      version: coverage[1].version,
      reason: '保守部品交換のため翌月に個別適用',
    });
    expect(waived.statusCode).toBe(200);
    const cov = waived.json().coverage;
    expect(cov).toMatchObject({ total: 4, applied: 1, waived: 1, remaining: 2, complete: false });
    expect(cov.targets.map((x: { name: string; status: string }) => [x.name, x.status])).toEqual([
      ['esx-hq01', 'done'],
      ['esx-hq02', 'waived'],
      ['esx-ntt01', 'open'],
      ['esx-ntt02', 'open'],
    ]);
    const history = await t.database.db
      .select()
      .from(processHistory)
      .where(and(eq(processHistory.process, 'change'), eq(processHistory.recordId, pm.id), like(processHistory.action, 'task_%')))
      .orderBy(asc(processHistory.id));
    expect(history.map((h) => [h.action, h.comment])).toEqual([
      ['task_add', 'esx-ntt02 への適用（ESXi 8.0 U3e）'],
      ['task_done', 'esx-hq01 への適用（ESXi 8.0 U3e）：パッチ適用済'],
      ['task_waive', 'esx-hq02 への適用（ESXi 8.0 U3e）（対象外）：保守部品交換のため翌月に個別適用'],
    ]);
  });
});

describe('coverage after the CMDB moves: a target stopped is 対象外（停止中）, one retired is dropped', () => {
  it('counts neither as remaining, shows them as such, and does not hold the close back', async () => {
    const names = ['esx-cov01', 'esx-cov02', 'esx-cov03'];
    const ids: Record<string, { id: string; version: number }> = {};
    for (const name of names)
      ids[name] = await cmdb().create(admin, 'host', { name, siteId: ntt, cpuCores: 16, cpuGhz: 2.4, memoryGib: 256, status: 'active', ...why });
    const pm = await change({ source: 'preventive_maintenance', pmPatch: 'ESXi 8.0 U3f', targets: [{ ciType: 'host', ciId: ids['esx-cov01']!.id }] });
    await approve(pm);
    const before = (await get(s.op, `/api/changes/${pm.id}/tasks`)).json().coverage;
    const total = before.total;
    expect(before).toMatchObject({ remaining: total, stopped: 0, retired: [] });
    // After the tasks were made: cov02 stops, cov03 stops and is retired; a later host stops before it has a task.
    const move = async (name: string, to: 'stopped' | 'retired', version: number) =>
      (ids[name] = await cmdb().transition(admin, 'host', ids[name]!.id, { to, version, reason: 'テスト' }));
    await move('esx-cov02', 'stopped', ids['esx-cov02']!.version);
    await move('esx-cov03', 'stopped', ids['esx-cov03']!.version);
    await move('esx-cov03', 'retired', ids['esx-cov03']!.version);
    const late = await cmdb().create(admin, 'host', { name: 'esx-cov04', siteId: ntt, cpuCores: 16, cpuGhz: 2.4, memoryGib: 256, status: 'active', ...why });
    await cmdb().transition(admin, 'host', late.id, { to: 'stopped', version: late.version, reason: 'テスト' });
    const list = (await get(s.op, `/api/changes/${pm.id}/tasks`)).json();
    const cov = list.coverage;
    const statusOf = (name: string) => cov.targets.find((x: { name: string }) => x.name === name)?.status;
    expect(statusOf('esx-cov02')).toBe('stopped');
    expect(statusOf('esx-cov04')).toBe('stopped');
    expect(statusOf('esx-cov03')).toBeUndefined();
    expect(cov.retired.map((x: { name: string }) => x.name)).toEqual(['esx-cov03']);
    expect(cov.leftOut).toEqual([]);
    expect(cov).toMatchObject({ total: total, stopped: 2, remaining: total - 2, complete: false });
    const task02 = list.tasks.find((x: { label: string }) => x.label.startsWith('esx-cov02'));
    expect(task02).toMatchObject({ status: 'open', excluded: 'stopped', statusLabel: { ja: '対象外（停止中）' } });
    expect(list.tasks.find((x: { label: string }) => x.label.startsWith('esx-cov03'))).toMatchObject({ excluded: 'retired' });
    // Everything else done: the coverage is complete and the close guard does not wait for the stopped or retired hosts.
    for (const x of list.tasks.filter((x: { status: string; excluded: string | null }) => x.status === 'open' && !x.excluded)) {
      expect((await post(s.op, `/api/changes/${pm.id}/tasks/${x.id}/done`, { version: x.version })).statusCode).toBe(200);
    }
    const after = (await get(s.op, `/api/changes/${pm.id}/tasks`)).json();
    expect(after.open).toBe(0);
    expect(after.coverage).toMatchObject({ remaining: 0, complete: true });
    await expect(requireTasksDone({ tx: t.database.db, record: { id: pm.id } } as never)).resolves.toBeUndefined();
    // A host put back into service is remaining again.
    await cmdb().transition(admin, 'host', ids['esx-cov02']!.id, { to: 'active', version: ids['esx-cov02']!.version, reason: 'テスト' });
    expect((await get(s.op, `/api/changes/${pm.id}/tasks`)).json().coverage).toMatchObject({ remaining: 1, complete: false });
    await expect(requireTasksDone({ tx: t.database.db, record: { id: pm.id } } as never)).rejects.toThrow();
  });
});

describe('checklist API: bad input, stale version, roles, a closed change', () => {
  let c: Change;
  let task: { id: string; version: number };
  beforeAll(async () => {
    const sys = await system('sys-api', 'B', hosts['esx-hq01']!);
    c = await change({ source: 'service_level_change', slSystemId: sys.id, slToLevel: 'C', slStartsAt: parseJstLocal('2026-12-14T09:00').toISOString() });
    await approve(c);
    task = (await get(s.op, `/api/changes/${c.id}/tasks`)).json().tasks[0];
  });

  it('waiving without a reason: 400 naming reason in Japanese, nothing written', async () => {
    for (const body of [{ version: task.version }, { version: task.version, reason: '   ' }]) {
      const res = await post(s.op, `/api/changes/${c.id}/tasks/${task.id}/waive`, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.fields).toEqual({ reason: '必須項目です。' });
    }
    const [row] = await t.database.db.select().from(changeTasks).where(eq(changeTasks.id, task.id));
    expect(row).toMatchObject({ status: 'open', reason: null, version: task.version });
  });

  it('a stale version is refused (409) and changes nothing; the current one is accepted; a second click is refused', async () => {
    const done = await post(s.op, `/api/changes/${c.id}/tasks/${task.id}/done`, { version: task.version });
    expect(done.statusCode).toBe(200);
    const stale = await post(s.mgr, `/api/changes/${c.id}/tasks/${task.id}/waive`, { version: task.version, reason: '不要' });
    expect(stale.statusCode).toBe(409);
    const twice = await post(s.op, `/api/changes/${c.id}/tasks/${task.id}/done`, { version: task.version + 1 });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toContain('実施済');
    const [row] = await t.database.db.select().from(changeTasks).where(eq(changeTasks.id, task.id));
    expect(row).toMatchObject({ status: 'done', doneByLabel: 'op (op)', version: task.version + 1 });
  });

  it('the system owner reads the checklist of their system’s change but does not tick it; another department’s owner is told it does not exist', async () => {
    const other = (await get(s.op, `/api/changes/${c.id}/tasks`)).json().tasks[1];
    expect((await post(s.owner, `/api/changes/${c.id}/tasks/${other.id}/done`, { version: other.version })).statusCode).toBe(403);
    expect((await post(s.sup, `/api/changes/${c.id}/tasks/${other.id}/done`, { version: other.version })).statusCode).toBe(403);
    expect((await get(s.owner, `/api/changes/${c.id}/tasks`)).statusCode).toBe(200);
    expect((await get(s.ownerB, `/api/changes/${c.id}/tasks`)).statusCode).toBe(404);
    expect((await get(s.sup, `/api/changes/${c.id}/tasks`)).statusCode).toBe(200);
    const [row] = await t.database.db.select().from(changeTasks).where(eq(changeTasks.id, other.id));
    expect(row!.status).toBe('open');
  });

  it('a closed change’s checklist is frozen', async () => {
    const other = (await get(s.op, `/api/changes/${c.id}/tasks`)).json().tasks[1];
    await t.database.db.update(changes).set({ state: 'closed' }).where(eq(changes.id, c.id));
    const res = await post(s.op, `/api/changes/${c.id}/tasks/${other.id}/done`, { version: other.version });
    expect(res.statusCode).toBe(409);
    expect((await get(s.op, `/api/changes/${c.id}/tasks`)).json()).toMatchObject({ closed: true });
  });

  it('the scale-up/out policy (CHG-8) as N’s table', async () => {
    const res = await get(s.op, '/api/changes/scale-policy');
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p.title).toBe('拡張方針と拡張方法（案）');
    expect(
      p.rows.map((r: { target: string; scaleUp: { allowed: boolean; method: string }; scaleOut: { method: string } }) => [
        r.target,
        r.scaleUp.allowed,
        r.scaleUp.method,
        r.scaleOut.method,
      ]),
    ).toEqual([
      ['CPU', false, '-', 'ESXi サーバの追加'],
      ['メモリ', true, '空きスロットの範囲で実施', 'ESXi サーバの追加'],
      ['NIC', true, '空きスロットの範囲で実施', 'ESXi サーバの追加'],
      ['ストレージ', false, '-', 'ストレージの追加'],
      ['サーバスイッチ', true, '空きポートの範囲で実施', 'サーバスイッチの追加'],
    ]);
    expect(p.notes['※1']).toContain('リース期間に差が出る');
    expect((await get(s.ict, '/api/changes/scale-policy')).statusCode).toBe(403);
  });
});
