import { count, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../../http/testing.ts';
import { ConflictError, ForbiddenError } from '../../kernel/errors.ts';
import type { Actor } from '../../iam/actor.ts';
import { cmdbClusters, cmdbHistory, cmdbHosts, cmdbStorage, cmdbVms } from '../schema.ts';
import { type CmdbService, createCmdbService } from '../service.ts';
import { createRvtoolsImport, type RvtoolsImport } from './import.ts';
import type { UploadedFile } from './parse.ts';

let t: TestApp;
let cmdb: CmdbService;
let rv: RvtoolsImport;
let siteId: string;
let esx01: string;
let existingVm: string;
const why = { reason: 'テスト用の登録' };
const operator: Actor = { kind: 'person', personId: null, label: 'operator', roles: ['operator'], departmentId: null };

type Rows = (string | number | boolean | null)[][];

// RVTools 4.x headers (in its column order, abridged).
const VINFO = ['VM', 'Powerstate', 'Template', 'CPUs', 'Memory', 'NICs', 'Total disk capacity MiB', 'Provisioned MiB', 'In Use MiB', 'Annotation', 'Datacenter', 'Cluster', 'Host', 'OS according to the configuration file', 'VM ID', 'VM UUID'];
const VHOST = ['Host', 'Datacenter', 'Cluster', 'CPU Model', 'Speed', '# CPU', 'Cores per CPU', '# Cores', '# Memory', 'ESX Version', 'Vendor', 'Model', 'Serial number', 'Object ID'];
const VDS = ['Name', 'Type', 'Capacity MiB', 'In Use MiB', 'Free MiB', 'Hosts', 'Cluster name', 'Object ID'];

async function xlsx(sheets: Record<string, Rows>, filename = 'RVTools_export_all.xlsx'): Promise<UploadedFile> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  return { filename, data: Buffer.from(await wb.xlsx.writeBuffer()) };
}

const vm = (name: string, host: string, o: { cpus?: number | string; memory?: number | string; template?: boolean; id?: string } = {}) => [
  name,
  'poweredOn',
  o.template ?? false,
  o.cpus ?? 2,
  o.memory ?? 8192,
  1,
  102400,
  110000,
  50000,
  null,
  'HQ',
  'CL-PROD',
  host,
  'Red Hat Enterprise Linux 9 (64-bit)',
  o.id ?? null,
  null,
];

function sample(): Promise<UploadedFile> {
  return xlsx({
    vInfo: [
      VINFO,
      vm('bp-doro-web01', 'esx01.pref.lg.jp', { cpus: 4, memory: 16384, id: 'vm-101' }), // row 2: update
      vm('bp-doro-ap01', 'esx09.pref.lg.jp'), // row 3: unknown host
      vm('bp-doro-db01', 'esx02.pref.lg.jp'), // row 4: new, on a host new in this file
      vm('tmpl-rhel9', 'esx01.pref.lg.jp', { template: true }), // row 5: template, skipped
    ],
    vHost: [
      VHOST,
      ['esx01.pref.lg.jp', 'HQ', 'CL-PROD', 'Intel(R) Xeon(R) Gold 6338', 2000, 2, 32, 64, 1048576, 'VMware ESXi 8.0.2 build-22380479', 'Dell Inc.', 'PowerEdge R750', 'SN001', 'host-1'],
      ['esx02.pref.lg.jp', 'HQ', 'CL-NEW', 'Intel(R) Xeon(R) Gold 6338', 2000, 2, 32, 64, 524288, 'VMware ESXi 8.0.2 build-22380479', 'Dell Inc.', 'PowerEdge R750', 'SN002', 'host-2'],
    ],
    vDatastore: [VDS, ['ds-prod-01', 'VMFS', 10485760, 5242880, 5242880, 'esx01.pref.lg.jp, esx02.pref.lg.jp', null, 'datastore-11']],
  });
}

const rowsIn = async (tbl: typeof cmdbVms | typeof cmdbHosts | typeof cmdbClusters | typeof cmdbStorage | typeof cmdbHistory) =>
  Number((await t.database.db.select({ n: count() }).from(tbl))[0]?.n ?? 0);
const ledger = async () => ({
  vms: await rowsIn(cmdbVms),
  hosts: await rowsIn(cmdbHosts),
  clusters: await rowsIn(cmdbClusters),
  storage: await rowsIn(cmdbStorage),
  history: await rowsIn(cmdbHistory),
});

beforeAll(async () => {
  t = await testApp();
  cmdb = createCmdbService({ db: t.database.db, clock: t.clock });
  rv = createRvtoolsImport({ db: t.database.db, clock: t.clock, cmdb });
  siteId = (await cmdb.create(admin, 'site', { name: '県庁舎サーバルーム', code: 'HQ', status: 'active', ...why })).id;
  const cluster = await cmdb.create(admin, 'cluster', { name: 'CL-PROD', siteId, status: 'active', ...why });
  esx01 = (await cmdb.create(admin, 'host', { name: 'esx01.pref.lg.jp', siteId, clusterId: cluster.id, cpuCores: 64, cpuGhz: 2, memoryGib: 512, status: 'active', ...why })).id;
  existingVm = (await cmdb.create(admin, 'vm', { name: 'bp-doro-web01', hostId: esx01, vcpu: 2, memoryGib: 8, diskGib: 100, status: 'active', ...why })).id;
});
afterAll(() => t.close());

describe('preview (dry run)', () => {
  it('lists creates, updates with field diffs, skipped templates and conflicts with sheet/row/column — and writes nothing', async () => {
    const before = await ledger();
    const p = await rv.previewImport(admin, await sample());
    expect(await ledger()).toEqual(before);

    expect(p.rows).toEqual({ vInfo: 4, vHost: 2, vDatastore: 1 });
    expect(p.conflicts).toEqual([
      expect.objectContaining({ sheet: 'vInfo', row: 3, column: 'M', header: 'Host', key: 'rvtools.unknown_host', params: { host: 'esx09.pref.lg.jp' } }),
    ]);
    expect(p.conflicts[0]?.message).toContain('esx09.pref.lg.jp');
    expect(p.canCommit).toBe(false);
    expect(p.skipped).toEqual([{ sheet: 'vInfo', row: 5, reason: 'template' }]);
    expect(p.creates.map((c) => [c.kind, c.name])).toEqual([
      ['cluster', 'CL-NEW'],
      ['host', 'esx02.pref.lg.jp'],
      ['storage', 'ds-prod-01'],
      ['vm', 'bp-doro-db01'],
    ]);
    expect(p.creates.find((c) => c.kind === 'host')?.fields).toMatchObject({ siteId, cpuCores: 64, cpuSockets: 2, cpuGhz: 2, memoryGib: 512, moref: 'host-2', serialNumber: 'SN002' });
    expect(p.creates.find((c) => c.kind === 'storage')?.fields).toMatchObject({ siteId, capacityGib: 10240 });
    const vmUpdate = p.updates.find((u) => u.kind === 'vm');
    expect(vmUpdate).toMatchObject({ sheet: 'vInfo', row: 2, id: existingVm });
    expect(vmUpdate?.changes).toEqual(
      expect.arrayContaining([
        { field: 'vcpu', before: 2, after: 4 },
        { field: 'memoryGib', before: 8, after: 16 },
        { field: 'moref', before: null, after: 'vm-101' },
      ]),
    );
    expect(p.updates.find((u) => u.kind === 'host')?.changes).toEqual(expect.arrayContaining([{ field: 'memoryGib', before: 512, after: 1024 }]));
  });

  it('reports duplicate names, non-numbers and absurd values at their cells', async () => {
    const p = await rv.previewImport(
      admin,
      await xlsx({
        vInfo: [VINFO, vm('bp-x-01', 'esx01.pref.lg.jp'), vm('BP-X-01', 'esx01.pref.lg.jp'), vm('bp-x-02', 'esx01.pref.lg.jp', { cpus: 'abc' }), vm('bp-x-03', 'esx01.pref.lg.jp', { memory: -5 }), vm('bp-x-04', 'esx01.pref.lg.jp', { cpus: 4096 })],
      }),
    );
    const at = p.conflicts.map((c) => [c.row, c.header, c.key]);
    expect(at).toEqual([
      [2, 'VM', 'rvtools.duplicate'],
      [3, 'VM', 'rvtools.duplicate'],
      [4, 'CPUs', 'rvtools.not_a_number'],
      [5, 'Memory', 'rvtools.out_of_range'],
      [6, 'CPUs', 'rvtools.out_of_range'],
    ]);
  });

  it('reads RVTools CSV tabs too (semicolon-separated, 3.x "MB" headers)', async () => {
    const csv = [
      'VM;Powerstate;Template;CPUs;Memory;Provisioned MB;In Use MB;Host;Cluster;Datacenter;OS according to the configuration file',
      'bp-csv-01;poweredOff;False;1;2048;"40,960";1024;esx01.pref.lg.jp;CL-PROD;HQ;Microsoft Windows Server 2022 (64-bit)',
    ].join('\r\n');
    const p = await rv.previewImport(admin, { filename: 'RVTools_tabvInfo.csv', data: Buffer.from(`\uFEFF${csv}`) });
    expect(p.conflicts).toEqual([]);
    expect(p.creates).toEqual([expect.objectContaining({ kind: 'vm', name: 'bp-csv-01', fields: expect.objectContaining({ vcpu: 1, memoryGib: 2, diskGib: 40, powerState: 'off', hostId: esx01 }) })]);
  });

  it('refuses a file without RVTools sheets, and people without cmdb.manage', async () => {
    await expect(rv.previewImport(admin, await xlsx({ Sheet1: [['a', 'b']] }))).rejects.toMatchObject({ key: 'rvtools.no_sheets' });
    await expect(rv.previewImport(admin, await xlsx({ vInfo: [['VM', 'Powerstate']] }))).rejects.toMatchObject({ key: 'rvtools.missing_columns' });
    await expect(rv.previewImport(operator, await sample())).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('commit', () => {
  it('a file with bad rows is refused and nothing is written', async () => {
    const before = await ledger();
    await expect(rv.commitImport(admin, { files: await sample() }, 'RVTools 取込み')).rejects.toBeInstanceOf(ConflictError);
    const p = await rv.previewImport(admin, await sample());
    await expect(rv.commitImport(admin, { token: p.token }, 'RVTools 取込み')).rejects.toMatchObject({ key: 'rvtools.has_conflicts', params: { count: 1, sheet: 'vInfo', row: 3, column: 'M' } });
    expect(await ledger()).toEqual(before);
    await expect(rv.commitImport(operator, { token: p.token }, 'x')).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('applies the preview once the bad row is excluded, in one go, with history source rvtools', async () => {
    const p = await rv.previewImport(admin, await sample(), { exclude: [{ sheet: 'vInfo', row: 3 }] });
    expect(p.canCommit).toBe(true);
    const r = await rv.commitImport(admin, { token: p.token }, '2026年11月 RVTools 取込み', { exclude: [{ sheet: 'vInfo', row: 3 }] });
    expect(r.created).toEqual({ cluster: 1, host: 1, storage: 1, vm: 1 });
    expect(r.updated).toMatchObject({ host: 1, vm: 1 });
    const [db01] = await t.database.db.select().from(cmdbVms).where(eq(cmdbVms.name, 'bp-doro-db01'));
    const [esx02] = await t.database.db.select().from(cmdbHosts).where(eq(cmdbHosts.name, 'esx02.pref.lg.jp'));
    expect(db01).toMatchObject({ hostId: esx02?.id, systemId: null, status: 'active', vcpu: 2, memoryGib: 8, diskGib: 100, powerState: 'on' });
    const [cl] = await t.database.db.select().from(cmdbClusters).where(eq(cmdbClusters.name, 'CL-NEW'));
    expect(esx02?.clusterId).toBe(cl?.id);
    const h = await t.database.db.select().from(cmdbHistory).where(eq(cmdbHistory.ciId, existingVm));
    expect(h.at(-1)).toMatchObject({ action: 'update', source: 'rvtools', reason: '2026年11月 RVTools 取込み' });
    expect(h.at(-1)?.cause).toMatch(/^rvtools:/);
    // The token is used up; the same file again changes nothing.
    await expect(rv.commitImport(admin, { token: p.token }, 'again')).rejects.toMatchObject({ key: 'rvtools.token_unknown' });
    const again = await rv.previewImport(admin, await sample(), { excludeConflicts: true });
    expect(again.creates).toEqual([]);
    expect(again.updates).toEqual([]);
  });

  // A sheet of realistic size in one transaction (5,000 rows are measured in bench/cmdb-sync.ts, not here).
  it('imports 1,000 VMs in one commit', async () => {
    const hosts: Rows = [VHOST];
    for (let i = 1; i <= 10; i++) hosts.push([`esx-bulk-${i}`, 'HQ', 'CL-BULK', 'Xeon', 2600, 2, 32, 64, 2097152, 'VMware ESXi 8.0.2', 'HPE', 'DL380', `B${i}`, null]);
    const vms: Rows = [VINFO];
    for (let i = 0; i < 1000; i++) vms.push(vm(`cp-bulk-${String(i).padStart(4, '0')}`, `esx-bulk-${(i % 10) + 1}`, { id: `vm-${10000 + i}` }));
    const file = await xlsx({ vInfo: vms, vHost: hosts });
    const p = await rv.previewImport(admin, file);
    expect(p.conflicts).toEqual([]);
    expect(p.creates.filter((c) => c.kind === 'vm')).toHaveLength(1000);
    const r = await rv.commitImport(admin, { token: p.token }, '一括取込み');
    expect(r.created.vm).toBe(1000);
    const [n] = await t.database.db.select({ n: count() }).from(cmdbVms).where(eq(cmdbVms.status, 'active'));
    expect(n?.n).toBeGreaterThanOrEqual(1000);
  }, 300_000);
});

describe('routes', () => {
  let kosei: { cookie: string; csrf: string };
  let owner: { cookie: string; csrf: string };

  beforeAll(async () => {
    const dept = await t.iam.createDepartment(admin, { code: 'D10', name: '土木部道路建設課', kind: 'prefecture' });
    await t.iam.createPerson(admin, { login: 'kosei', displayName: '構成 管理子', password: TEST_PASSWORD, roles: ['operator', 'config_manager'] });
    await t.iam.createPerson(admin, { login: 'owner', displayName: '道路 太郎', departmentId: dept.id, password: TEST_PASSWORD, roles: ['system_owner'] });
    kosei = await t.login('kosei');
    owner = await t.login('owner');
  });

  function multipart(file: UploadedFile, fields: Record<string, string> = {}) {
    const boundary = '----kibanTestBoundary7MA4YWxk';
    const parts: Buffer[] = [];
    for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      file.data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    );
    return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
  }

  it('POST /api/cmdb/rvtools/preview then /commit with the token', async () => {
    const file = await xlsx({ vInfo: [VINFO, vm('bp-route-01', 'esx01.pref.lg.jp'), vm('bp-route-02', 'esx-nowhere')] });
    const body = multipart(file);
    const res = await t.app.inject({ method: 'POST', url: '/api/cmdb/rvtools/preview', payload: body.payload, headers: { ...body.headers, cookie: kosei.cookie, 'x-csrf-token': kosei.csrf } });
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p.conflicts).toEqual([expect.objectContaining({ sheet: 'vInfo', row: 3, column: 'M', header: 'Host' })]);

    const refused = await t.app.inject({ method: 'POST', url: '/api/cmdb/rvtools/commit', payload: { token: p.token, reason: '取込み' }, headers: { cookie: kosei.cookie, 'x-csrf-token': kosei.csrf } });
    expect(refused.statusCode).toBe(409);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/cmdb/rvtools/commit',
      payload: { token: p.token, reason: '取込み', exclude: [{ sheet: 'vInfo', row: 3 }] },
      headers: { cookie: kosei.cookie, 'x-csrf-token': kosei.csrf },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().created.vm).toBe(1);
  });

  it('commit with the file attached; a system owner is refused; an oversized upload is 413', async () => {
    const file = await xlsx({ vInfo: [VINFO, vm('bp-route-03', 'esx01.pref.lg.jp')] });
    const direct = multipart(file, { reason: 'ファイル直接取込み' });
    const res = await t.app.inject({ method: 'POST', url: '/api/cmdb/rvtools/commit', payload: direct.payload, headers: { ...direct.headers, cookie: kosei.cookie, 'x-csrf-token': kosei.csrf } });
    expect(res.statusCode).toBe(200);
    expect(res.json().created.vm).toBe(1);

    const denied = multipart(file);
    const r403 = await t.app.inject({ method: 'POST', url: '/api/cmdb/rvtools/preview', payload: denied.payload, headers: { ...denied.headers, cookie: owner.cookie, 'x-csrf-token': owner.csrf } });
    expect(r403.statusCode).toBe(403);

    const huge = multipart({ filename: 'big.csv', data: Buffer.alloc(21 * 1024 * 1024, 0x41) });
    const r413 = await t.app.inject({ method: 'POST', url: '/api/cmdb/rvtools/preview', payload: huge.payload, headers: { ...huge.headers, cookie: kosei.cookie, 'x-csrf-token': kosei.csrf } });
    expect(r413.statusCode).toBe(413);
  });
});
