import { randomBytes } from 'node:crypto';
import { count } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { departments } from '../iam/schema.ts';
import { systemActor } from '../iam/actor.ts';
import type { Role } from '../iam/roles.ts';
import { createIamService } from '../iam/service.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError } from '../kernel/errors.ts';

/**
 * The demo organisation after the seeds: the prefecture's departments that own systems on the
 * platform, the platform office that supervises it (N §2.7.2: スマート県庁推進課情報基盤班), the
 * operations vendor, the ICT service centre and the data-centre provider. Deterministic: the same
 * names, codes and logins every time (only the generated passwords differ).
 */
export const DEMO_DEPARTMENTS: ReadonlyArray<{ code: string; name: string; kind: DeptKind }> = [
  { code: 'SMART', name: 'スマート県庁推進課 情報基盤班', kind: 'platform_office' },
  { code: 'ICTSC', name: 'ICTサービスセンター', kind: 'ict_centre' },
  { code: 'VENDOR', name: '運用ベンダー（サーバ仮想化統合基盤運用チーム）', kind: 'vendor' },
  { code: 'DC', name: 'NTTデータセンター（データセンター提供事業者）', kind: 'datacenter' },
  ...(
    [
      ['SOM-JIN', '総務部 人事課'],
      ['SOM-ZAI', '総務部 財政課'],
      ['SOM-ZEI', '総務部 税務課'],
      ['SOM-GAK', '総務部 学事振興課'],
      ['SOM-BOS', '危機管理部 防災企画課'],
      ['KIK-SEI', '企画部 政策企画課'],
      ['KIK-TOK', '企画部 統計課'],
      ['KIK-KOT', '企画部 交通政策課'],
      ['KEN-KOC', '県民生活環境部 広聴広報課'],
      ['KEN-SYO', '県民生活環境部 消費生活課'],
      ['KEN-KAN', '県民生活環境部 環境政策課'],
      ['KEN-HAI', '県民生活環境部 資源循環推進課'],
      ['FUK-FUK', '福祉保健部 福祉保健課'],
      ['FUK-IRY', '福祉保健部 医療政策課'],
      ['FUK-KOU', '福祉保健部 国保・健康増進課'],
      ['FUK-CHO', '福祉保健部 長寿社会課'],
      ['FUK-SHO', '福祉保健部 障害福祉課'],
      ['KOD-KOD', 'こども政策局 こども未来課'],
      ['SAN-KEI', '産業労働部 経営支援課'],
      ['SAN-KOY', '産業労働部 雇用労働政策課'],
      ['BUN-KAN', '文化観光国際部 観光振興課'],
      ['BUN-KOK', '文化観光国際部 国際課'],
      ['NOR-NOS', '農林部 農政課'],
      ['NOR-RIN', '農林部 林政課'],
      ['NOR-NOK', '農林部 農村整備課'],
      ['SUI-SUI', '水産部 漁政課'],
      ['DOB-KAN', '土木部 監理課'],
      ['DOB-DOR', '土木部 道路建設課'],
      ['DOB-KAS', '土木部 河川課'],
      ['DOB-KOW', '土木部 港湾課'],
      ['DOB-TOS', '土木部 都市政策課'],
      ['DOB-JUT', '土木部 住宅課'],
      ['KAI-KAI', '会計課'],
      ['KYO-SOM', '教育庁 総務課'],
      ['KYO-GAK', '教育庁 学校教育課'],
      ['KYO-KOK', '教育庁 高校教育課'],
      ['KEI-JOH', '警察本部 情報管理課'],
      ['GIK-SOM', '議会事務局 総務課'],
    ] as const
  ).map(([code, name]) => ({ code, name, kind: 'prefecture' as const })),
];

type DeptKind = 'prefecture' | 'platform_office' | 'vendor' | 'ict_centre' | 'datacenter';

/** One login per role of N §2.7.2 (plus the system administrator), printed once at load. */
export const DEMO_LOGINS: ReadonlyArray<{ login: string; displayName: string; dept: string; roles: Role[] }> = [
  { login: 'admin', displayName: 'システム管理者', dept: 'VENDOR', roles: ['admin'] },
  { login: 'supervisor', displayName: '情報基盤 統括（山口 直樹）', dept: 'SMART', roles: ['supervisor'] },
  { login: 'lead', displayName: '運用責任者（中村 健一）', dept: 'VENDOR', roles: ['vendor_lead'] },
  { login: 'manager', displayName: '運用管理者（田中 美咲）', dept: 'VENDOR', roles: ['vendor_manager'] },
  { login: 'operator', displayName: '運用担当者（佐藤 翔太）', dept: 'VENDOR', roles: ['operator'] },
  { login: 'owner', displayName: '道路建設課 システム担当（松尾 浩二）', dept: 'DOB-DOR', roles: ['system_owner'] },
  { login: 'ict', displayName: 'ICTサービスセンター管理者（吉田 恵）', dept: 'ICTSC', roles: ['ict_manager'] },
  { login: 'security', displayName: '情報セキュリティ責任者（森 正人）', dept: 'SMART', roles: ['security_officer'] },
  { login: 'datacenter', displayName: 'データセンター担当（井上 亮）', dept: 'DC', roles: ['datacenter_provider'] },
];

const FAMILY = ['山口', '田中', '佐藤', '鈴木', '高橋', '伊藤', '渡辺', '中島', '小林', '松尾', '川口', '前田', '森', '林', '池田', '本田', '岩永', '浦川', '古賀', '松本'];
const GIVEN = ['誠', '陽子', '大輔', '直美', '拓也', '由美', '健太', '恵子', '和也', '真理', '聡', '彩'];

export interface DemoOrgResult {
  departments: Array<{ id: string; code: string; name: string; kind: DeptKind }>;
  logins: Array<{ login: string; password: string; roles: Role[]; department: string }>;
  people: number;
}

/** Loads the demo organisation into an empty database. Refuses when departments already exist. */
export async function loadDemoOrganisation(db: Db, clock: Clock, opts: { password?: string } = {}): Promise<DemoOrgResult> {
  const [existing] = await db.select({ n: count() }).from(departments);
  if ((existing?.n ?? 0) > 0) throw new ConflictError('demo.not_empty');
  const iam = createIamService({ db, clock });
  const actor = systemActor('demo load');
  const depts: DemoOrgResult['departments'] = [];
  for (const d of DEMO_DEPARTMENTS) {
    const row = await iam.createDepartment(actor, d);
    depts.push({ id: row.id, code: d.code, name: d.name, kind: d.kind });
  }
  const byCode = new Map(depts.map((d) => [d.code, d]));
  const password = () => opts.password ?? randomBytes(12).toString('base64url');

  const logins: DemoOrgResult['logins'] = [];
  let people = 0;
  for (const p of DEMO_LOGINS) {
    const pw = password();
    const dept = byCode.get(p.dept)!;
    await iam.createPerson(actor, {
      login: p.login,
      displayName: p.displayName,
      email: `${p.login}@demo.kiban.example`,
      departmentId: dept.id,
      password: pw,
      roles: p.roles,
    });
    logins.push({ login: p.login, password: pw, roles: p.roles, department: dept.name });
    people++;
  }
  // The rest of the vendor team and a system contact in every department that owns systems.
  const extra: Array<{ login: string; dept: string; roles: Role[] }> = [
    { login: 'operator2', dept: 'VENDOR', roles: ['operator'] },
    { login: 'operator3', dept: 'VENDOR', roles: ['operator'] },
    { login: 'operator4', dept: 'VENDOR', roles: ['operator'] },
    { login: 'manager2', dept: 'VENDOR', roles: ['vendor_manager'] },
    { login: 'ict2', dept: 'ICTSC', roles: ['ict_manager'] },
    ...depts
      .filter((d) => d.kind === 'prefecture' && d.code !== 'DOB-DOR')
      .map((d) => ({ login: `owner-${d.code.toLowerCase()}`, dept: d.code, roles: ['system_owner'] as Role[] })),
  ];
  for (const [i, p] of extra.entries()) {
    await iam.createPerson(actor, {
      login: p.login,
      displayName: `${FAMILY[i % FAMILY.length]} ${GIVEN[(i * 7) % GIVEN.length]}`,
      email: `${p.login}@demo.kiban.example`,
      departmentId: byCode.get(p.dept)!.id,
      // Not printed: an administrator sets a password for these people when needed.
      password: randomBytes(18).toString('base64url'),
      roles: p.roles,
    });
    people++;
  }
  return { departments: depts, logins, people };
}

/** The table printed once after a demo load. */
export function formatDemoLogins(logins: DemoOrgResult['logins']): string {
  const lines = ['Demo logins (shown once) / デモ用ログイン（この表示は一度だけです）:'];
  for (const l of logins) lines.push(`  ${l.login.padEnd(11)} ${l.password.padEnd(18)} ${l.roles.join(',').padEnd(20)} ${l.department}`);
  return lines.join('\n');
}
