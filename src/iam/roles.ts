/**
 * The roles of N §2.7.2 (主な役割) plus Kiban's own administrator, and what each may do.
 * Permissions are coarse capabilities checked in services; finer process gates (○ △ ◎ of each
 * process's RACI table) live in the process definitions.
 */
export const ROLES = [
  'supervisor', // 統括責任者 — prefecture, approves and decides
  'vendor_lead', // 責任者 — operations vendor, responsible for operations
  'vendor_manager', // 管理者 — operations vendor, manages operations
  'operator', // 担当者 — operations vendor, carries out the work
  'config_manager', // 構成管理者 — keeps the configuration ledger (N §3.5.3.1); usually held together with 担当者
  'system_owner', // システム所管 — a department owning systems (incl. its contractors)
  'ict_manager', // ICTサービスセンター管理者
  'security_officer', // セキュリティ管理者
  'datacenter_provider', // データセンター提供者 — notified only
  'admin', // システム管理者 — administers Kiban itself (people, roles)
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { ja: string; en: string }> = {
  supervisor: { ja: '統括責任者', en: 'Supervising officer' },
  vendor_lead: { ja: '責任者', en: 'Vendor lead' },
  vendor_manager: { ja: '管理者', en: 'Operations manager' },
  operator: { ja: '担当者', en: 'Operator' },
  config_manager: { ja: '構成管理者', en: 'Configuration manager' },
  system_owner: { ja: 'システム所管', en: 'System owner' },
  ict_manager: { ja: 'ICTサービスセンター管理者', en: 'ICT service-centre manager' },
  security_officer: { ja: 'セキュリティ管理者', en: 'Security officer' },
  datacenter_provider: { ja: 'データセンター提供者', en: 'Data-centre provider' },
  admin: { ja: 'システム管理者', en: 'Kiban administrator' },
};

/** N §2.7.2 ※1: 責任者、管理者、担当者について、兼務を禁止する。 */
export const MUTUALLY_EXCLUSIVE_ROLES: readonly Role[] = ['vendor_lead', 'vendor_manager', 'operator'];

export const PERMISSIONS = [
  'org.read',
  'org.manage',
  'audit.read',
  'mail.read',
  'cmdb.read',
  'cmdb.manage',
  'incident.read',
  'incident.manage',
  'problem.read',
  'problem.manage',
  // 変更管理 (changes/): the vendor's team manages; the supervisor reads and approves via the RACI table.
  'change.read',
  'change.manage',
  'monitoring.read',
  // 監視設定一覧 changes, alert handling (監視対応台帳) and suppression work: the vendor's team.
  'monitoring.manage',
  // Pushing values over HTTP (the JSON twin of the sender protocol): integration accounts only.
  'monitoring.push',
  // ドキュメント一覧 (documents/): read by the team, the supervisor and the ICT centre; a system owner reads
  // the published documents marked as affecting owners (documents/scope.ts). Revisions are gated by each
  // document's author/reviewer/approver roles; manage = editing the register itself (管理者・責任者).
  'document.read',
  'document.manage',
  // サービスレベル管理 (servicelevels/): everyone on the platform reads (a system owner: their own systems'
  // availability and the published service menu); the vendor's team judges cases and proposes targets/menus.
  'servicelevel.read',
  'servicelevel.manage',
  // 月次・半期報告 (reports/): the vendor's team and the supervisor (N 3.1.2.1's 報告 row); owners and the ICT centre do not.
  'report.read',
  'portal.read', // the owners' requests portal: plans, templates, OS list (OPS-3/4/7)
  'portal.catalog', // templates and the OS allow-list kept by the vendor manager
  // オペレーション管理 (operations/): the operations list and restore requests (OPS-1, BAK-5); a system owner
  // reads the list and their own department's restore requests. Entry changes are gated by the process table.
  'operations.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// Incidents and problems: 担当者 ○ registers and handles, 管理者 ◎ decides and closes (the process
// tables gate each step); the supervisor reads and approves where N says so.
const VENDOR: Permission[] = ['org.read', 'mail.read', 'cmdb.read', 'incident.read', 'incident.manage', 'problem.read', 'problem.manage', 'change.read', 'change.manage', 'monitoring.read', 'monitoring.manage', 'document.read', 'servicelevel.read', 'servicelevel.manage', 'report.read', 'portal.read', 'operations.read'];
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  supervisor: ['org.read', 'audit.read', 'mail.read', 'cmdb.read', 'incident.read', 'problem.read', 'change.read', 'monitoring.read', 'document.read', 'servicelevel.read', 'report.read', 'portal.read', 'operations.read'],
  // CMDB-4: only configuration managers edit the ledger; the vendor's 責任者 and 管理者 may too (they
  // direct its upkeep, N §3.5.3.2). 担当者 edit it only when also given 構成管理者.
  vendor_lead: [...VENDOR, 'cmdb.manage', 'document.manage', 'portal.catalog'],
  vendor_manager: [...VENDOR, 'cmdb.manage', 'document.manage', 'portal.catalog'],
  operator: VENDOR,
  config_manager: ['org.read', 'cmdb.read', 'cmdb.manage'],
  // incident.read is scoped to the owner's department by the incident service (ORG-4).
  // monitoring.read too: own department's CIs only (monitoring service), for suppression requests.
  // problem.read: the problems linked to their own incidents only (problems/scope.ts).
  // change.read: the changes touching their own systems and VMs only (changes/scope.ts).
  system_owner: ['org.read', 'cmdb.read', 'incident.read', 'problem.read', 'change.read', 'monitoring.read', 'document.read', 'servicelevel.read', 'portal.read', 'operations.read'],
  ict_manager: ['org.read', 'mail.read', 'cmdb.read', 'incident.read', 'document.read', 'servicelevel.read'],
  security_officer: ['org.read', 'audit.read', 'cmdb.read'],
  datacenter_provider: [],
  admin: ['org.read', 'org.manage', 'audit.read', 'mail.read', 'cmdb.read', 'incident.read', 'problem.read', 'change.read', 'monitoring.read', 'monitoring.push', 'document.read'],
};

/**
 * Roles whose holders see every department's records. Everyone else (system owners, the data-centre
 * provider) sees only their own department's (ORG-4).
 */
export const ALL_DEPARTMENTS_ROLES: readonly Role[] = [
  'supervisor',
  'vendor_lead',
  'vendor_manager',
  'operator',
  'config_manager',
  'ict_manager',
  'security_officer',
  'admin',
];
