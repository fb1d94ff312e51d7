import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import type { Clock } from '../kernel/clock.ts';
import { portalOs, portalTemplates } from './schema.ts';

export type PortalOs = typeof portalOs.$inferSelect;
export type PortalTemplate = typeof portalTemplates.$inferSelect;

/**
 * 使用可能な OS (OPS-4, M §2.4 表 2-3 brought up to date). The dates are the vendors' published end of
 * support as of writing — Microsoft's end of extended support, Red Hat's end of Maintenance Support
 * (ELS add-ons not counted):
 *   Windows Server 2016 2027-01-12, 2019 2029-01-09, 2022 2031-10-14, 2025 2034-11-14;
 *   RHEL 8 2029-05-31, RHEL 9 2032-05-31.
 * THE OPERATOR MUST CHECK THEM against the vendors' lifecycle pages (Microsoft Lifecycle, Red Hat
 * Enterprise Linux Life Cycle) and correct them on the templates/OS page: vendors do move them.
 */
export const SEED_OS: Omit<PortalOs, 'updatedAt' | 'version'>[] = [
  { code: 'ws2016', name: 'Windows Server 2016 Standard 64bit', family: 'windows', endOfSupportOn: '2027-01-12', allowed: true, note: '延長サポート終了日（要確認）' },
  { code: 'ws2019', name: 'Windows Server 2019 Standard 64bit', family: 'windows', endOfSupportOn: '2029-01-09', allowed: true, note: '延長サポート終了日（要確認）' },
  { code: 'ws2022', name: 'Windows Server 2022 Standard 64bit', family: 'windows', endOfSupportOn: '2031-10-14', allowed: true, note: '延長サポート終了日（要確認）' },
  { code: 'ws2025', name: 'Windows Server 2025 Standard 64bit', family: 'windows', endOfSupportOn: '2034-11-14', allowed: true, note: '延長サポート終了日（要確認）' },
  { code: 'rhel8', name: 'Red Hat Enterprise Linux 8 64bit', family: 'linux', endOfSupportOn: '2029-05-31', allowed: true, note: 'Maintenance Support 終了日（要確認）' },
  { code: 'rhel9', name: 'Red Hat Enterprise Linux 9 64bit', family: 'linux', endOfSupportOn: '2032-05-31', allowed: true, note: 'Maintenance Support 終了日（要確認）' },
];

/**
 * 払い出しテンプレート (OPS-3): N §3.10's two (<テンプレート一覧>) and M's VM defaults (1 core, 8 GB,
 * 100 GB, no RDM). The limits are Kiban's starting values for "within the template" (above: flagged for
 * the supervisor); the vendor manager adjusts them.
 */
export const SEED_TEMPLATES: Omit<PortalTemplate, 'updatedAt' | 'version'>[] = [
  {
    code: 'n-windows',
    name: 'WindowsServer（N テンプレート）',
    osCode: 'ws2022',
    vcpu: 2,
    memoryGb: 4,
    diskGb: 80,
    nics: 2,
    partitioning: 'C ドライブ：システムドライブのみ（80GB）／NIC：業務 LAN 用、Backup 用',
    install: '',
    maxVcpu: 8,
    maxMemoryGb: 32,
    source: 'N §3.10',
  },
  {
    code: 'n-rhel',
    name: 'LinuxServer（N テンプレート）',
    osCode: 'rhel9',
    vcpu: 2,
    memoryGb: 4,
    diskGb: 40,
    nics: 2,
    partitioning: '/boot：1GB、/：30GB、swap：8GB（ファイルシステム：xfs）／NIC：業務 LAN 用、Backup 用',
    install: '最小インストール ＋ snmp-utils（RHEL 9.5）',
    maxVcpu: 8,
    maxMemoryGb: 32,
    source: 'N §3.10',
  },
  {
    code: 'm-default',
    name: '仮想マシン既定値（M）',
    osCode: null,
    vcpu: 1,
    memoryGb: 8,
    diskGb: 100,
    nics: 1,
    partitioning: 'RDM なし',
    install: '',
    maxVcpu: 8,
    maxMemoryGb: 32,
    source: 'M §2',
  },
];

const seeded = new WeakSet<object>();

/** The seed rows, once per database; rows already there (perhaps corrected by the vendor) are kept. */
export async function ensurePortalCatalog(db: Db, clock: Clock): Promise<void> {
  if (seeded.has(db)) return;
  const now = clock.now();
  await db.insert(portalOs).values(SEED_OS.map((o) => ({ ...o, updatedAt: now }))).onConflictDoNothing({ target: portalOs.code });
  await db.insert(portalTemplates).values(SEED_TEMPLATES.map((x) => ({ ...x, updatedAt: now }))).onConflictDoNothing({ target: portalTemplates.code });
  seeded.add(db);
}

export async function listOs(db: Db): Promise<PortalOs[]> {
  return db.select().from(portalOs).orderBy(asc(portalOs.family), asc(portalOs.code));
}
export async function listTemplates(db: Db): Promise<PortalTemplate[]> {
  return db.select().from(portalTemplates).orderBy(asc(portalTemplates.code));
}
export async function findOs(db: Db, code: string): Promise<PortalOs | undefined> {
  return (await db.select().from(portalOs).where(eq(portalOs.code, code)))[0];
}

export type OsCheck = { ok: true } | { ok: false; key: 'portal.os_unknown' | 'portal.os_not_allowed' | 'portal.os_support_ends'; params: Record<string, unknown> };

/**
 * M §2.4: 統合サーバの提供期間中にメーカーのサポートが終了する OS は原則として利用できません. Refuses
 * an OS off the list, withdrawn, or whose support ends on or before `provisionUntil` (YYYY-MM-DD),
 * naming the end-of-support day.
 */
export function checkOsSupport(os: PortalOs | undefined, provisionUntil: string): OsCheck {
  if (!os) return { ok: false, key: 'portal.os_unknown', params: {} };
  if (!os.allowed) return { ok: false, key: 'portal.os_not_allowed', params: { os: os.name } };
  if (os.endOfSupportOn <= provisionUntil) return { ok: false, key: 'portal.os_support_ends', params: { os: os.name, date: os.endOfSupportOn, until: provisionUntil } };
  return { ok: true };
}
