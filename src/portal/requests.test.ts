import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmdbHistory, cmdbVms, createCmdbService } from '../cmdb/index.ts';
import { admin, type TestApp, testApp } from '../http/testing.ts';
import { monitoringItems, monitoringTargets } from '../monitoring/schema.ts';
import { portalRequests } from './schema.ts';

/** 仮想マシン払い出し申請 and リソース変更申請 (OPS-2/5/6) through the HTTP API, on a small estate. */
let t: TestApp;
type Session = { cookie: string; csrf: string };
const who = ['mgr', 'sup', 'op', 'owner', 'ownerB'] as const;
const s = {} as Record<(typeof who)[number], Session>;
let sysA = '';
let sysB = '';
const hosts: Record<string, string> = {};

const get = (u: Session, url: string) => t.app.inject({ url, headers: { cookie: u.cookie } });
const send = (u: Session, method: 'POST' | 'PUT', url: string, payload: unknown) =>
  t.app.inject({ method, url, payload: payload as object, headers: { cookie: u.cookie, 'x-csrf-token': u.csrf } });
const rec = async (id: string) => (await get(s.mgr, `/api/portal/requests/${id}`)).json();
const act = async (u: Session, id: string, action: string, body: Record<string, unknown> = {}) =>
  send(u, 'POST', `/api/portal/requests/${id}/actions/${action}`, { version: (await rec(id)).version, ...body });
/** Sessions expire as the fake clock moves on: log in again. */
const relogin = async () => {
  for (const k of who) s[k] = await t.login(k);
};
const requestCount = async () => (await t.database.db.select({ n: count() }).from(portalRequests))[0]!.n;

const provision = (over: Record<string, unknown> = {}) => ({
  systemId: sysA,
  dueOn: '2026-12-04',
  hostName: 'doro-ap01',
  ip: '10.1.2.3',
  osCode: 'ws2022',
  templateCode: 'n-windows',
  cpu: 2,
  memoryGb: 4,
  diskGb: 80,
  nics: 2,
  site: 'main',
  ...over,
});

beforeAll(async () => {
  t = await testApp();
  const dept = (await t.iam.createDepartment(admin, { code: 'D10', name: '土木部', kind: 'prefecture' })).id;
  const deptB = (await t.iam.createDepartment(admin, { code: 'D20', name: '教育庁', kind: 'prefecture' })).id;
  await t.person('mgr', ['vendor_manager']);
  await t.person('sup', ['supervisor']);
  await t.person('op', ['operator']);
  await t.person('owner', ['system_owner'], { departmentId: dept });
  await t.person('ownerB', ['system_owner'], { departmentId: deptB });
  const cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
  const meta = { reason: 'テスト', status: 'active' as const };
  const main = (await cmdb.create(admin, 'site', { name: '県庁舎サーバルーム', code: 'main', role: 'main', ...meta } as never)).id;
  const cl = (await cmdb.create(admin, 'cluster', { name: 'cl-main', siteId: main, drsEnabled: false, ...meta } as never)).id;
  for (const h of ['esx01', 'esx02', 'esx03'])
    hosts[h] = (await cmdb.create(admin, 'host', { name: h, siteId: main, clusterId: cl, cpuCores: 16, cpuGhz: 2.4, memoryGib: 128, ...meta } as never)).id;
  sysA = (await cmdb.create(admin, 'system', { name: '道路台帳システム', code: 'pldoro', departmentId: dept, serviceLevel: 'B', ...meta } as never)).id;
  sysB = (await cmdb.create(admin, 'system', { name: '教職員システム', code: 'kyoin', departmentId: deptB, serviceLevel: 'C', ...meta } as never)).id;
  // 128 GiB hosts: esx01 carries two level-B VMs (60 + 50 GiB), esx02 and esx03 one level-C VM each (60 GiB).
  await cmdb.create(admin, 'vm', {
    name: 'bp-pldoro-old01',
    systemId: sysA,
    hostId: hosts.esx01,
    vcpu: 4,
    memoryGib: 60,
    diskGib: 100,
    os: 'Windows Server 2019',
    ...meta,
  } as never);
  await cmdb.create(admin, 'vm', {
    name: 'bp-pldoro-old02',
    systemId: sysA,
    hostId: hosts.esx01,
    vcpu: 4,
    memoryGib: 50,
    diskGib: 100,
    os: 'Windows Server 2019',
    ...meta,
  } as never);
  await cmdb.create(admin, 'vm', { name: 'cp-kyoin-web01', systemId: sysB, hostId: hosts.esx02, vcpu: 2, memoryGib: 60, diskGib: 50, ...meta } as never);
  await cmdb.create(admin, 'vm', { name: 'cp-kyoin-web02', systemId: sysB, hostId: hosts.esx03, vcpu: 2, memoryGib: 60, diskGib: 50, ...meta } as never);
  for (const k of who) s[k] = await t.login(k);
  // The approved plan: doro-ap01 as the N Windows template.
  const plan = (await send(s.owner, 'POST', '/api/portal/plans', { systemId: sysA, title: '道路台帳 更改', provisionUntil: '2030-03-31' })).json();
  const row = {
    hostName: 'doro-ap01',
    ip: '10.1.2.3',
    osCode: 'ws2022',
    edition: 'Standard',
    bits: 64,
    templateCode: 'n-windows',
    cpu: 2,
    memoryGb: 4,
    diskGb: 80,
    site: 'main',
    srm: false,
    ha: true,
    monitoring: ['ping'],
    mailAddresses: ['doro@pref.example.lg.jp'],
  };
  await send(s.owner, 'PUT', `/api/portal/plans/${plan.id}`, { version: plan.version, rows: [row] });
  for (const [u, a] of [
    [s.owner, 'submit'],
    [s.mgr, 'review'],
    [s.sup, 'approve'],
  ] as const) {
    const v = (await get(s.mgr, `/api/portal/plans/${plan.id}`)).json().version;
    expect((await send(u, 'POST', `/api/portal/plans/${plan.id}/actions/${a}`, { version: v })).statusCode).toBe(200);
  }
}, 120_000);
afterAll(() => t.close());

describe('払い出し申請 (OPS-2)', () => {
  it('refuses bad input naming each field in Japanese, writing nothing', async () => {
    const before = await requestCount();
    const res = await send(
      s.owner,
      'POST',
      '/api/portal/requests/provision',
      provision({ cpu: 12, memoryGb: 2, diskGb: 40, osCode: 'ws2016', dueOn: '2026-11-01', ip: '10.1.2.300' }),
    );
    expect(res.statusCode).toBe(400);
    const f = res.json().error.fields;
    expect(f.cpu).toBe('CPU（vCPU）はテンプレート「WindowsServer（N テンプレート）」の上限 8 を超えています（8 以下にしてください）。');
    expect(f.memoryGb).toBe('メモリ（GB）はテンプレート「WindowsServer（N テンプレート）」の最小値 4 を下回っています（4 以上にしてください）。');
    expect(f.diskGb).toContain('最小値 80');
    expect(f.osCode).toBe(
      'Windows Server 2016 Standard 64bit はメーカーのサポートが 2027-01-12 に終了するため、提供期間（2030-03-31 まで）には使用できません。',
    );
    expect(f.dueOn).toBe('希望納期は本日（2026-11-24）以降の日付にしてください。');
    expect(f.ip).toContain('IPアドレス');
    expect(await requestCount()).toBe(before);
  });

  it('an owner of another department gets 404 for the system; the vendor cannot request', async () => {
    expect((await send(s.ownerB, 'POST', '/api/portal/requests/provision', provision())).statusCode).toBe(404);
    expect((await send(s.mgr, 'POST', '/api/portal/requests/provision', provision())).statusCode).toBe(403);
  });

  it('a pinned host that would break N-1 is refused with the reason', async () => {
    const res = await send(
      s.owner,
      'POST',
      '/api/portal/requests/provision',
      provision({ hostName: 'doro-ap05', templateCode: 'n-windows', cpu: 8, memoryGb: 32, hostPinning: 'esx03', provisionUntil: '2030-03-31' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.hostPinning).toContain('N-1');
  });

  let planned = '';
  it('as planned: the manager instructs, the operator provisions, the CMDB and monitoring show it, the owner confirms', async () => {
    const res = await send(s.owner, 'POST', '/api/portal/requests/provision', provision());
    expect(res.statusCode).toBe(201);
    planned = res.json().id;
    let r = await rec(planned);
    expect(r).toMatchObject({ route: 'manager', planCheck: { status: 'match' }, state: 'submitted' });
    expect(r.spec.vmName).toBe('bp-pldoro-doro-ap01');
    expect(r.placement.hostName).not.toBe('esx01');
    expect(r.placement.reasons.map((x: { ja: string }) => x.ja).join('')).toContain('県庁舎サーバルーム');
    // The owner does not see the infrastructure (report, placement).
    const mine = (await get(s.owner, `/api/portal/requests/${planned}`)).json();
    expect(mine.report).toBeNull();
    expect(mine.placement).toBeNull();
    expect((await get(s.ownerB, `/api/portal/requests/${planned}`)).statusCode).toBe(404);
    expect((await act(s.op, planned, 'instruct')).statusCode).toBe(403);
    expect((await act(s.mgr, planned, 'instruct')).json().state).toBe('instructed');
    r = await rec(planned);
    const provisionStep = (await get(s.op, `/api/portal/requests/${planned}`)).json().process.actions.find((a: { action: string }) => a.action === 'provision');
    expect(provisionStep.fields.find((f: { name: string }) => f.name === 'hostId').options[0].label.ja).toContain('（提案）');
    // The checklist: antivirus for a prefectural-LAN VM is required; a host breaking N-1 is refused.
    const vmsBefore = (await t.database.db.select({ n: count() }).from(cmdbVms))[0]!.n;
    const noAv = await act(s.op, planned, 'provision', { hostId: r.placement.hostId, checklist: { template: true } });
    expect(noAv.statusCode).toBe(400);
    expect(noAv.json().error.fields.checklist).toBe('「アンチウイルスソフトの提供」を実施してチェックしてください。');
    expect((await t.database.db.select({ n: count() }).from(cmdbVms))[0]!.n).toBe(vmsBefore);
    const done = await act(s.op, planned, 'provision', { hostId: r.placement.hostId, checklist: { template: true, antivirus: true } });
    expect(done.statusCode).toBe(200);
    r = await rec(planned);
    expect(r.state).toBe('completed');
    const [vm] = await t.database.db.select().from(cmdbVms).where(eq(cmdbVms.name, 'bp-pldoro-doro-ap01'));
    expect(vm).toMatchObject({ status: 'building', vcpu: 2, memoryGib: 4, diskGib: 80, hostId: r.placement.hostId, systemId: sysA });
    const [h] = await t.database.db.select().from(cmdbHistory).where(eq(cmdbHistory.ciId, vm!.id));
    expect(h!.cause).toBe(`vm_request:${r.requestNo}`);
    expect(h!.reason).toContain(r.requestNo);
    expect(h!.actor).toContain('op');
    const [target] = await t.database.db.select().from(monitoringTargets).where(eq(monitoringTargets.ciId, vm!.id));
    expect(target!.enabled).toBe(false);
    const items = await t.database.db.select().from(monitoringItems).where(eq(monitoringItems.targetId, target!.id));
    expect(items.map((i) => i.key).sort()).toEqual(['icmpping', 'system.cpu.util', 'vfs.fs.size[C:,pused]', 'vm.memory.size[pavailable]']);
    expect(items.every((i) => !i.enabled)).toBe(true);
    expect((await act(s.mgr, planned, 'confirm')).statusCode).toBe(403);
    expect((await act(s.owner, planned, 'confirm')).json().state).toBe('closed');
  });

  it('not in the plan: the supervisor decides with the resource report; waiting on the requester is counted apart', async () => {
    const res = await send(
      s.owner,
      'POST',
      '/api/portal/requests/provision',
      provision({
        hostName: 'doro-db01',
        ip: '10.1.2.4',
        osCode: 'rhel9',
        templateCode: 'n-rhel',
        cpu: 4,
        memoryGb: 8,
        diskGb: 100,
        lanConnected: false,
        migration: true,
        dueOn: '2026-11-30',
      }),
    );
    expect(res.statusCode).toBe(201);
    const id = res.json().id;
    let r = await rec(id);
    expect(r).toMatchObject({ route: 'supervisor', planCheck: { status: 'not_in_plan' } });
    expect(r.report).toMatchObject({ clusterName: 'cl-main', delta: { vcpu: 4, memoryGib: 8 } });
    expect(r.report.before.memoryPercent).toBeLessThan(r.report.after.memoryPercent);
    expect((await get(s.mgr, `/api/portal/requests/${id}`)).json().process.actions.map((a: { action: string }) => a.action)).not.toContain('instruct');
    expect((await act(s.mgr, id, 'escalate')).json().state).toBe('supervisor_review');
    // The supervisor asks the owner; the owner corrects (stale version → 409) and resubmits a day later.
    expect((await act(s.sup, id, 'return', { reason: 'IP を確認してください' })).json().state).toBe('waiting_requester');
    r = await rec(id);
    const body = {
      ...provision({
        hostName: 'doro-db01',
        ip: '10.1.2.5',
        osCode: 'rhel9',
        templateCode: 'n-rhel',
        cpu: 4,
        memoryGb: 8,
        diskGb: 100,
        lanConnected: false,
        migration: true,
        dueOn: '2026-11-30',
      }),
      version: r.version,
    };
    delete (body as Record<string, unknown>).systemId;
    expect((await send(s.owner, 'PUT', `/api/portal/requests/${id}`, { ...body, version: r.version - 1 })).statusCode).toBe(409);
    expect((await send(s.owner, 'PUT', `/api/portal/requests/${id}`, body)).statusCode).toBe(200);
    t.clock.advance(24 * 3600_000);
    await relogin();
    expect((await act(s.owner, id, 'resubmit')).json().state).toBe('submitted');
    expect((await rec(id)).requesterWaitMinutes).toBe(1440);
    await act(s.mgr, id, 'escalate');
    expect((await act(s.sup, id, 'approve')).json().state).toBe('instructed');
    r = await rec(id);
    // Not on the prefectural LAN: antivirus must not be provided; the migration tool must.
    const av = await act(s.op, id, 'provision', { hostId: r.placement.hostId, checklist: { template: true, antivirus: true, migration_tool: true } });
    expect(av.json().error.fields.checklist).toContain('県庁 LAN に接続しない');
    // A host where the cluster would lose N-1 is refused, naming the host; the proposal is taken.
    const breaking = r.placement.candidates.find((c: { fits: boolean; n1Ok: boolean }) => c.fits && !c.n1Ok);
    expect(breaking).toBeTruthy();
    const refused = await act(s.op, id, 'provision', { hostId: breaking.hostId, checklist: { template: true, migration_tool: true } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields.hostId).toContain(`ESXi サーバ ${breaking.hostName} に置くと N-1 を保てません`);
    expect((await act(s.op, id, 'provision', { hostId: r.placement.hostId, checklist: { template: true, migration_tool: true } })).statusCode).toBe(200);
    t.clock.set('2026-12-01T03:00:00Z'); // confirmed a day after the due day, but it waited a day on its requester
    await relogin();
    expect((await act(s.owner, id, 'confirm')).json().state).toBe('closed');
    const kpis = (await get(s.sup, '/api/servicelevels/kpis?month=2026-12')).json();
    const k = kpis.kpis.find((x: { key: string }) => x.key === 'vm_provisioning_on_time');
    expect(k.status).toBe('measured');
    expect(k.excluded.map((c: { reason: string }) => c.reason)).toEqual(['依頼元の確認待ち 1440 分（依頼元の不備）を除くと納期内']);
  });

  it('exports the request ledger as XLSX and CSV, an owner seeing only their department', async () => {
    const xlsx = await get(s.mgr, '/api/portal/requests.xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const csv = await get(s.owner, '/api/portal/requests.csv');
    expect(csv.body).toContain('VMP-2026-');
    expect((await get(s.ownerB, '/api/portal/requests.csv')).body).not.toContain('VMP-2026-');
  });
});

describe('リソース変更申請 (OPS-6)', () => {
  it('checks the limits, sends additions to the supervisor and updates the CMDB naming the request', async () => {
    const [vm] = await t.database.db.select().from(cmdbVms).where(eq(cmdbVms.name, 'bp-pldoro-doro-ap01'));
    const base = { vmId: vm!.id, dueOn: '2026-12-20', cpu: 2, memoryGb: 4, diskGb: 80, nics: 2 };
    const same = await send(s.owner, 'POST', '/api/portal/requests/resource-change', base);
    expect(same.json().error.fields.cpu).toContain('変更がありません');
    const over = await send(s.owner, 'POST', '/api/portal/requests/resource-change', { ...base, memoryGb: 64 });
    expect(over.json().error.fields.memoryGb).toContain('上限 32');
    expect((await send(s.ownerB, 'POST', '/api/portal/requests/resource-change', { ...base, cpu: 4 })).statusCode).toBe(404);
    const res = await send(s.owner, 'POST', '/api/portal/requests/resource-change', { ...base, cpu: 4, memoryGb: 8 });
    expect(res.statusCode).toBe(201);
    const id = res.json().id;
    const r = await rec(id);
    expect(r).toMatchObject({ kind: 'resource_change', route: 'supervisor', current: { cpu: 2, memoryGb: 4 }, planCheck: { status: 'different' } });
    expect(r.report.delta).toMatchObject({ vcpu: 2, memoryGib: 4 });
    await act(s.mgr, id, 'escalate');
    expect((await act(s.owner, id, 'approve')).statusCode).toBe(403);
    await act(s.sup, id, 'approve');
    expect((await act(s.op, id, 'apply_change', { changeChecklist: { resources: true } })).json().error.fields.changeChecklist).toContain('バックアップ');
    expect((await act(s.op, id, 'apply_change', { changeChecklist: { resources: true, backup: true } })).statusCode).toBe(200);
    const [after] = await t.database.db.select().from(cmdbVms).where(eq(cmdbVms.id, vm!.id));
    expect(after).toMatchObject({ vcpu: 4, memoryGib: 8 });
    const history = await t.database.db.select().from(cmdbHistory).where(eq(cmdbHistory.ciId, vm!.id));
    expect(history.at(-1)!.reason).toContain(r.requestNo);
    expect((await act(s.owner, id, 'confirm')).json().state).toBe('closed');
  });

  it('shows up in the inbox of whoever acts next', async () => {
    const res = await send(s.owner, 'POST', '/api/portal/requests/provision', provision({ hostName: 'doro-ap02', ip: '10.1.2.6' }));
    const inbox = (await get(s.mgr, '/api/inbox')).json();
    const flat = JSON.stringify(inbox);
    expect(flat).toContain(res.json().requestNo);
    expect(JSON.stringify((await get(s.ownerB, '/api/inbox')).json())).not.toContain(res.json().requestNo);
  });
});
