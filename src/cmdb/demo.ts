import { and, eq, getTableColumns, ne, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { audit } from '../audit/audit.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { systemActor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError } from '../kernel/errors.ts';
import type { CiStatus } from './lifecycle.ts';
import {
  cmdbClusters,
  cmdbContacts,
  cmdbContracts,
  cmdbHistory,
  cmdbHosts,
  cmdbManagementServers,
  cmdbNetworkDevices,
  cmdbSites,
  cmdbStorage,
  cmdbSystems,
  cmdbVms,
  type Nic,
} from './schema.ts';

/**
 * A plausible estate for demos and benchmarks: two sites (N §2.2), clusters of ESXi hosts, storage,
 * network, management servers, ~80 systems of the given departments and ~250 VMs mixing levels A/B/C
 * and dev/test, with contacts. `scale` multiplies everything (clusters, hosts, systems, VMs).
 * Deterministic: a seeded PRNG makes the same estate — including ids — every time. Rows go in with
 * batch inserts, each with a 'create' history row, so 20× loads in seconds.
 */
export interface DemoEstateSummary {
  sites: number;
  clusters: number;
  hosts: number;
  storage: number;
  networkDevices: number;
  managementServers: number;
  contracts: number;
  systems: number;
  vms: number;
  contacts: number;
}

/** mulberry32: small, fast, good enough for demo data. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const weighted = <T>(xs: readonly (readonly [T, number])[]): T => {
    const total = xs.reduce((s, [, w]) => s + w, 0);
    let r = next() * total;
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1]![0];
  };
  const uuid = () => {
    const h = Array.from({ length: 16 }, () => int(0, 255));
    h[6] = (h[6]! & 0x0f) | 0x40;
    h[8] = (h[8]! & 0x3f) | 0x80;
    const s = h.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
  return { next, int, pick, weighted, uuid };
}

const SYSTEMS: readonly (readonly [string, string])[] = [
  ['財務会計システム', 'zaimu'],
  ['文書管理システム', 'bunsho'],
  ['電子申請システム', 'shinsei'],
  ['道路台帳管理システム', 'doro'],
  ['県税システム', 'kenzei'],
  ['福祉総合システム', 'fukushi'],
  ['介護保険情報システム', 'kaigo'],
  ['統計データ管理システム', 'toukei'],
  ['農地情報管理システム', 'nouchi'],
  ['河川情報システム', 'kasen'],
  ['防災情報システム', 'bousai'],
  ['県立病院情報連携システム', 'byouin'],
  ['教職員人事給与システム', 'kyoshoku'],
  ['県立図書館情報システム', 'tosho'],
  ['観光情報発信システム', 'kanko'],
  ['県ホームページCMS', 'cms'],
  ['公共施設予約システム', 'yoyaku'],
  ['電子入札システム', 'nyusatsu'],
  ['議会会議録検索システム', 'gikai'],
  ['工業用水道料金システム', 'suido'],
  ['港湾管理システム', 'kowan'],
  ['漁業権管理システム', 'gyogyo'],
  ['森林GISシステム', 'shinrin'],
  ['環境監視テレメータシステム', 'kankyo'],
  ['感染症情報システム', 'kansen'],
  ['食品衛生監視システム', 'shokuhin'],
  ['旅券発給管理システム', 'ryoken'],
  ['運転免許関連システム', 'menkyo'],
  ['職員ポータル', 'portal'],
  ['人事給与システム', 'jinji'],
  ['庶務事務システム', 'shomu'],
  ['グループウェア', 'gw'],
  ['メールリレーシステム', 'mail'],
  ['ファイルサーバ', 'file'],
  ['統合認証基盤', 'ninsho'],
  ['資産管理システム', 'shisan'],
  ['補助金管理システム', 'hojokin'],
  ['建設工事積算システム', 'sekisan'],
  ['用地管理システム', 'youchi'],
  ['建築確認システム', 'kenchiku'],
  ['水質検査データシステム', 'suishitsu'],
  ['畜産衛生管理システム', 'chikusan'],
];
const ROLES = ['web', 'ap', 'db', 'batch', 'file', 'app'] as const;
const SURNAMES = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '松尾', '山口', '吉田', '森', '池田'];
const SURNAMES_ROMAJI = ['sato', 'suzuki', 'takahashi', 'tanaka', 'ito', 'watanabe', 'yamamoto', 'nakamura', 'kobayashi', 'matsuo', 'yamaguchi', 'yoshida', 'mori', 'ikeda'];
const GIVEN = ['太郎', '花子', '一郎', '美咲', '健太', '由美', '大輔', '恵', '翔', '直子'];
const OS = [
  ['Windows Server 2022 Standard', 4],
  ['Windows Server 2019 Standard', 2],
  ['Red Hat Enterprise Linux 9.5', 4],
  ['Red Hat Enterprise Linux 8.10', 2],
  ['Windows Server 2016 Standard', 1],
] as const;

const DAY = 86_400_000;
const BATCH = 1000;

/**
 * Bulk insert through one JSON parameter per batch (jsonb_populate_recordset): about three times
 * faster than thousands of bound parameters on PGlite, and the same on PostgreSQL. Columns not in the
 * rows take their defaults.
 */
async function insertAll(t: Db, tbl: PgTable, rows: Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  const cols = getTableColumns(tbl) as Record<string, { name: string }>;
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const names = sql.raw(keys.map((k) => `"${cols[k]!.name}"`).join(', '));
  for (let i = 0; i < rows.length; i += BATCH) {
    const json = JSON.stringify(rows.slice(i, i + BATCH).map((r) => Object.fromEntries(keys.map((k) => [cols[k]!.name, r[k] ?? null]))));
    await t.execute(sql`insert into ${tbl} (${names}) select ${names} from jsonb_populate_recordset(null::${tbl}, ${json}::jsonb)`);
  }
}

export async function loadDemoEstate(
  db: Db,
  clock: Clock,
  opts: { departments: { id: string; code: string; name: string }[]; scale?: number; seed?: number },
): Promise<DemoEstateSummary> {
  const scale = Math.max(1, Math.floor(opts.scale ?? 1));
  if (!opts.departments.length) throw new Error('loadDemoEstate needs at least one department');
  const r = prng(opts.seed ?? 20261124);
  const now = clock.now();
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const depts = [...opts.departments].sort((a, b) => a.code.localeCompare(b.code));
  const actor = systemActor('demo');

  const ci = (name: string, status: CiStatus, createdDaysAgo: number, statusDaysAgo = createdDaysAgo) => ({
    id: r.uuid(),
    name,
    status,
    statusChangedAt: ago(statusDaysAgo),
    createdAt: ago(createdDaysAgo),
    updatedAt: ago(Math.min(createdDaysAgo, statusDaysAgo)),
    version: 1,
  });

  // ---- sites, management servers, network
  const hq = { ...ci('県庁舎サーバルーム', 'active', 900), code: 'HQ', role: 'main' as 'main' | 'sub', address: '県庁舎 地下1階 サーバルーム' };
  const ntt = { ...ci('NTTデータセンター', 'active', 900), code: 'NTT', role: 'sub' as 'main' | 'sub', address: 'NTT データセンター 3階' };
  const sites = [hq, ntt];
  const mgmt = [
    { ...ci('hq-vc01', 'active', 880), kind: 'vcenter' as const, siteId: hq.id, ip: '10.10.0.10', os: 'VMware vCenter Server Appliance', middlewareVersion: 'vCenter Server 8.0 U3' },
    { ...ci('hq-mon01', 'active', 880), kind: 'monitoring' as const, siteId: hq.id, ip: '10.10.0.20', os: 'Red Hat Enterprise Linux 9.5', middlewareVersion: 'Zabbix 7.0 LTS' },
    { ...ci('ntt-mon01', 'active', 880), kind: 'monitoring' as const, siteId: ntt.id, ip: '10.20.0.20', os: 'Red Hat Enterprise Linux 9.5', middlewareVersion: 'Zabbix 7.0 LTS (proxy)' },
    { ...ci('hq-bk01', 'active', 880), kind: 'backup' as const, siteId: hq.id, ip: '10.10.0.30', os: 'Windows Server 2022 Standard', middlewareVersion: 'Veeam Backup & Replication 12' },
  ];
  const vcenterId = mgmt[0]!.id;
  const network: Record<string, unknown>[] = [];
  for (let g = 1; g <= scale; g++) {
    for (const [site, prefix, octet] of [[hq, 'hq', 10], [ntt, 'ntt', 20]] as const) {
      const sfx = String(g).padStart(2, '0');
      const devices = [
        ['switch', `${prefix}-core-sw${sfx}a`, 'Cisco Catalyst 9500', '17.9.5'],
        ['switch', `${prefix}-core-sw${sfx}b`, 'Cisco Catalyst 9500', '17.9.5'],
        ['firewall', `${prefix}-fw${sfx}`, 'FortiGate 600F', '7.2.10'],
        ['router', `${prefix}-rt${sfx}`, 'YAMAHA RTX3510', 'Rev.23.00.12'],
      ] as const;
      devices.forEach(([kind, name, model, firmware], i) => {
        network.push({
          ...ci(name, 'active', 870),
          kind,
          siteId: site.id,
          model,
          ip: `10.${octet}.${g}.${i + 1}`,
          firmware,
          config: `hostname ${name}\n! 運用構築フェーズで取得した設定（抜粋）\ninterface Vlan10\n description 業務LAN\n`,
        });
      });
    }
  }

  // ---- clusters, hosts, storage
  type ClusterSpec = { site: typeof hq; prefix: string; kind: 'prod' | 'dev'; hosts: number; cores: number; mem: number };
  const groups: ClusterSpec[] = [
    { site: hq, prefix: 'hq-prod', kind: 'prod', hosts: 4, cores: 48, mem: 1024 },
    { site: hq, prefix: 'hq-dev', kind: 'dev', hosts: 2, cores: 32, mem: 512 },
    { site: ntt, prefix: 'ntt-prod', kind: 'prod', hosts: 4, cores: 48, mem: 1024 },
  ];
  const clusters: (Record<string, unknown> & { id: string; kind: 'prod' | 'dev'; group: number })[] = [];
  const hosts: (Record<string, unknown> & { id: string; clusterId: string })[] = [];
  const storage: Record<string, unknown>[] = [];
  let hostSeq = 0;
  for (let g = 1; g <= scale; g++) {
    for (const spec of groups) {
      const sfx = String(g).padStart(2, '0');
      const c = { ...ci(`${spec.prefix}-cl${sfx}`, 'active', 860), siteId: spec.site.id, haEnabled: true, drsEnabled: spec.kind === 'prod', moref: `domain-c${1000 + clusters.length}` };
      clusters.push({ ...c, kind: spec.kind, group: g });
      const octet = spec.site === hq ? 10 : 20;
      for (let h = 1; h <= spec.hosts; h++) {
        hostSeq++;
        hosts.push({
          ...ci(`${spec.prefix}-esx${sfx}${String(h).padStart(2, '0')}`, 'active', 860),
          siteId: spec.site.id,
          clusterId: c.id,
          ip: `10.${octet}.${100 + g}.${h}`,
          os: 'VMware ESXi 8.0 U3',
          middlewareVersion: 'ESXi 8.0.3 build-24022510',
          model: spec.kind === 'prod' ? 'PRIMERGY RX2540 M7' : 'PRIMERGY RX2530 M7',
          serialNumber: `SN${String(100000 + hostSeq)}`,
          cpuSockets: 2,
          cpuCores: spec.cores,
          cpuGhz: spec.kind === 'prod' ? 2.8 : 2.4,
          memoryGib: spec.mem,
          localDiskGib: 0,
          moref: `host-${2000 + hostSeq}`,
        });
      }
      const cap = spec.kind === 'prod' ? 204_800 : 51_200;
      storage.push({
        ...ci(`${spec.prefix}-st${sfx}`, 'active', 860),
        siteId: spec.site.id,
        clusterId: c.id,
        model: spec.kind === 'prod' ? 'ETERNUS AF650 S3' : 'ETERNUS DX200 S5',
        ip: `10.${octet}.${50 + g}.1`,
        firmware: 'V11L71',
        capacityGib: cap,
        volumes: [1, 2, 3, 4].map((v) => ({ name: `${spec.prefix}-ds${sfx}-${v}`, capacityGib: cap / 4 })),
      });
    }
  }

  // ---- maintenance contracts for every host, storage and network device
  const contracts: Record<string, unknown>[] = [];
  const contract = (ciType: string, target: Record<string, unknown>, vendor: string, coverage: string) => {
    contracts.push({
      ...ci(`${target.name} 保守`, 'active', 860),
      ciType,
      ciId: target.id,
      vendor,
      contractNo: `MC-${2024}-${String(contracts.length + 1).padStart(5, '0')}`,
      coverage,
      startsOn: '2024-04-01',
      endsOn: r.next() < 0.15 ? '2027-03-31' : '2029-03-31',
      phone: '0120-000-000',
      email: 'support@vendor.example.jp',
    });
  };
  for (const h of hosts) contract('host', h, '富士通Japan株式会社', '24時間365日 オンサイト保守');
  for (const s of storage) contract('storage', s, '富士通Japan株式会社', '24時間365日 オンサイト保守');
  for (const n of network) contract('network_device', n, 'NTT西日本', '平日9時〜17時 センドバック');

  // ---- systems and their VMs
  const systems: (Record<string, unknown> & { id: string; code: string; serviceLevel: 'A' | 'B' | 'C'; environment: 'production' | 'dev_test'; status: CiStatus })[] = [];
  const contacts: Record<string, unknown>[] = [];
  const vms: Record<string, unknown>[] = [];
  const prodClusters = clusters.filter((c) => c.kind === 'prod');
  const devClusters = clusters.filter((c) => c.kind === 'dev');
  const hostsOf = new Map<string, string[]>();
  for (const h of hosts) hostsOf.set(h.clusterId, [...(hostsOf.get(h.clusterId) ?? []), h.id]);

  const systemCount = 80 * scale;
  for (let i = 0; i < systemCount; i++) {
    const [baseName, baseCode] = SYSTEMS[i % SYSTEMS.length]!;
    const round = Math.floor(i / SYSTEMS.length);
    const environment = r.next() < 0.2 ? ('dev_test' as const) : ('production' as const);
    const name = `${baseName}${round ? ` ${round + 1}` : ''}${environment === 'dev_test' ? '（検証環境）' : ''}`;
    const code = `${baseCode}${round ? round + 1 : ''}${environment === 'dev_test' ? 't' : ''}`;
    const serviceLevel = r.weighted([
      ['A', 15],
      ['B', 40],
      ['C', 45],
    ] as const);
    const status = r.weighted([
      ['active', 85],
      ['building', 5],
      ['acceptance', 5],
      ['stopped', 5],
    ] as const);
    const createdDays = r.int(30, 800);
    const dept = depts[i % depts.length]!;
    const sys = {
      ...ci(name, status, createdDays, r.int(0, createdDays)),
      code,
      departmentId: dept.id,
      serviceLevel,
      environment,
      lanConnected: r.next() < 0.9,
      closedNetwork: r.next() < 0.1,
      internet: r.next() < 0.3,
      ownerConfirmedAt: r.next() < 0.85 ? ago(r.int(0, 500)) : null,
    };
    systems.push(sys);

    // Contacts (ORG-5): a person or two in escalation order, and the department's distribution list.
    const people = r.int(1, 2);
    for (let p = 0; p < people; p++) {
      const si = r.int(0, SURNAMES.length - 1);
      contacts.push({
        ...ci(`${SURNAMES[si]} ${r.pick(GIVEN)}`, 'active', createdDays),
        systemId: sys.id,
        role: p === 0 ? 'システム担当' : '副担当',
        email: `${SURNAMES_ROMAJI[si]}-${code}${p}@pref.example.lg.jp`,
        phone: `095-824-${String(1000 + r.int(0, 8999))}`,
        escalationOrder: p + 1,
        distributionList: false,
      });
    }
    contacts.push({
      ...ci(`${dept.name} 連絡用メーリングリスト`, 'active', createdDays),
      systemId: sys.id,
      role: '所属配信先',
      email: `${code}-ml@pref.example.lg.jp`,
      phone: null,
      escalationOrder: people + 1,
      distributionList: true,
    });

    // About 3 VMs per system (1–6), on the clusters of the system's group.
    const group = (i % scale) + 1;
    const pool = (environment === 'production' ? prodClusters : devClusters).filter((c) => c.group === group);
    const cluster = r.pick(pool);
    const vmCount = r.weighted([
      [1, 20],
      [2, 25],
      [3, 25],
      [4, 15],
      [5, 10],
      [6, 5],
    ] as const);
    for (let v = 0; v < vmCount; v++) {
      const role = ROLES[v % ROLES.length]!;
      const vmStatus: CiStatus = status === 'stopped' ? 'stopped' : status === 'active' && r.next() < 0.04 ? 'stopped' : status;
      const stoppedDays = vmStatus === 'stopped' ? r.int(10, 400) : r.int(0, createdDays);
      const hostIds = hostsOf.get(cluster.id)!;
      const seq = vms.length + 1;
      const nics: Nic[] = [
        { network: '業務LAN', ip: `172.${16 + (seq >> 16)}.${(seq >> 8) & 255}.${seq & 255}`, adapter: 'vmxnet3' },
        { network: 'Backup LAN', ip: `192.168.${(seq >> 8) & 255}.${seq & 255}`, adapter: 'vmxnet3' },
      ];
      vms.push({
        ...ci(`${serviceLevel.toLowerCase()}${environment === 'production' ? 'p' : 't'}-${code}-${role}${String(Math.floor(v / ROLES.length) + 1).padStart(2, '0')}`, vmStatus, createdDays, Math.min(createdDays, stoppedDays)),
        systemId: sys.id,
        hostId: r.pick(hostIds),
        os: r.weighted(OS),
        vcpu: r.weighted([
          [1, 10],
          [2, 40],
          [4, 35],
          [8, 15],
        ] as const),
        memoryGib: r.weighted([
          [4, 25],
          [8, 40],
          [16, 25],
          [32, 10],
        ] as const),
        diskGib: r.weighted([
          [80, 30],
          [100, 30],
          [200, 25],
          [500, 15],
        ] as const),
        nics,
        provisionalProcedure: vmStatus === 'active' ? r.next() < 0.9 : r.next() < 0.3,
        hostPinned: r.next() < 0.05,
        ha: r.next() < 0.95,
        srm: serviceLevel === 'A' && r.next() < 0.7,
        serviceLevelOverride: null,
        serviceLevelOverrideReason: null,
        powerState: vmStatus === 'stopped' ? 'off' : 'on',
        moref: `vm-${10000 + seq}`,
        uuid: r.uuid(),
        vcenterId,
      });
    }
  }

  return inTx(db, async (t) => {
    const existing = await t
      .select({ id: cmdbSites.id })
      .from(cmdbSites)
      .where(and(eq(cmdbSites.code, 'HQ'), ne(cmdbSites.status, 'retired')));
    if (existing.length) throw new ConflictError('cmdb.demo_exists');
    const strip = <T extends Record<string, unknown>>(rows: T[], ...keys: string[]) =>
      rows.map((x) => Object.fromEntries(Object.entries(x).filter(([k]) => !keys.includes(k))));
    const sets: [string, PgTable, Record<string, unknown>[]][] = [
      ['site', cmdbSites, sites],
      ['management_server', cmdbManagementServers, mgmt],
      ['network_device', cmdbNetworkDevices, network],
      ['cluster', cmdbClusters, strip(clusters, 'kind', 'group')],
      ['host', cmdbHosts, hosts],
      ['storage', cmdbStorage, storage],
      ['contract', cmdbContracts, contracts],
      ['system', cmdbSystems, systems],
      ['contact', cmdbContacts, contacts],
      ['vm', cmdbVms, vms],
    ];
    for (const [kind, tbl, rows] of sets) {
      await insertAll(t, tbl, rows);
      await insertAll(
        t,
        cmdbHistory,
        rows.map((row) => ({
          ciType: kind,
          ciId: row.id,
          at: now,
          actorId: null,
          actor: actor.label,
          action: 'create',
          reason: 'デモ環境の生成',
          cause: null,
          source: 'demo',
          before: null,
          after: JSON.parse(JSON.stringify(row)),
        })),
      );
    }
    const summary: DemoEstateSummary = {
      sites: sites.length,
      clusters: clusters.length,
      hosts: hosts.length,
      storage: storage.length,
      networkDevices: network.length,
      managementServers: mgmt.length,
      contracts: contracts.length,
      systems: systems.length,
      vms: vms.length,
      contacts: contacts.length,
    };
    await audit(t, clock, actor, { action: 'cmdb.demo_load', entityType: 'cmdb', after: { scale, ...summary } });
    return summary;
  });
}
