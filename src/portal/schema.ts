import { boolean, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cmdbSystems } from '../cmdb/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const PLAN_SITES = ['main', 'sub'] as const;
export const MONITORING_KINDS = ['ping', 'resource', 'service', 'http'] as const;
export type MonitoringKind = (typeof MONITORING_KINDS)[number];

/**
 * 払い出しテンプレート (OPS-3, N §3.10): N's Windows / RHEL templates and M's VM defaults, as data kept
 * by the vendor manager (audited). `maxVcpu` / `maxMemoryGb` are the limits a plan row or a request is
 * checked against (above them: flagged for the supervisor).
 */
export const portalTemplates = pgTable('portal_templates', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  /** The OS of the template (a code of portal_os), null for M's OS-less defaults. */
  osCode: text('os_code'),
  vcpu: integer('vcpu').notNull(),
  memoryGb: integer('memory_gb').notNull(),
  diskGb: integer('disk_gb').notNull(),
  nics: integer('nics').notNull(),
  /** Partitioning / drive layout as printed (C ドライブのみ; /boot 1 GB, / 30 GB, swap 8 GB, xfs). */
  partitioning: text('partitioning').notNull().default(''),
  install: text('install').notNull().default(''),
  maxVcpu: integer('max_vcpu').notNull(),
  maxMemoryGb: integer('max_memory_gb').notNull(),
  /** Where the template comes from: N §3.10 or M §2 (defaults). */
  source: text('source').notNull(),
  updatedAt: ts('updated_at').notNull(),
  version: integer('version').notNull().default(1),
});

/** 使用可能な OS (OPS-4, M §2.4): the allow-list with the vendor's end-of-support date. */
export const portalOs = pgTable('portal_os', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  family: text('family', { enum: ['windows', 'linux'] }).notNull(),
  /** The vendor's end of (extended/maintenance) support, a calendar day. */
  endOfSupportOn: date('end_of_support_on', { mode: 'string' }).notNull(),
  allowed: boolean('allowed').notNull().default(true),
  note: text('note').notNull().default(''),
  updatedAt: ts('updated_at').notNull(),
  version: integer('version').notNull().default(1),
});

/** 統合計画書 (OPS-7, M §5.1): one per system and revision, moved by the process kernel (process.ts). */
export const integrationPlans = pgTable(
  'integration_plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** PLN-2026-000001 as people quote it. */
    planNo: text('plan_no').notNull(),
    systemId: uuid('system_id')
      .notNull()
      .references(() => cmdbSystems.id),
    title: text('title').notNull(),
    /** The end of the provision period: every row's OS must be supported until this day. */
    provisionUntil: date('provision_until', { mode: 'string' }).notNull(),
    note: text('note').notNull().default(''),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdByLabel: text('created_by_label').notNull(),
    submittedBy: uuid('submitted_by'),
    submittedAt: ts('submitted_at'),
    reviewedBy: uuid('reviewed_by'),
    returnReason: text('return_reason'),
    approvedBy: uuid('approved_by'),
    approvedAt: ts('approved_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('integration_plans_no_uq').on(t.planNo), index('integration_plans_system_idx').on(t.systemId)],
);

/** One VM of a plan (one row of the form). */
export const integrationPlanRows = pgTable(
  'integration_plan_rows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => integrationPlans.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    hostName: text('host_name').notNull(),
    ip: text('ip').notNull(),
    osCode: text('os_code').notNull(),
    /** OS / edition / bits as the owner wrote them (Standard, 64bit). */
    edition: text('edition').notNull().default(''),
    bits: integer('bits').notNull().default(64),
    templateCode: text('template_code'),
    cpu: integer('cpu').notNull(),
    memoryGb: integer('memory_gb').notNull(),
    diskGb: integer('disk_gb').notNull(),
    site: text('site', { enum: PLAN_SITES }).notNull(),
    /** 稼働ホストの固定化: the host name it is pinned to, or null (may move: HA/vMotion/DRS). */
    hostPinning: text('host_pinning'),
    srm: boolean('srm').notNull().default(false),
    ha: boolean('ha').notNull().default(true),
    monitoring: jsonb('monitoring').$type<MonitoringKind[]>().notNull(),
    mailAddresses: jsonb('mail_addresses').$type<string[]>().notNull(),
    /** Above the template's limits: the supervisor sees it flagged. */
    overLimit: boolean('over_limit').notNull().default(false),
  },
  (t) => [uniqueIndex('integration_plan_rows_pos_uq').on(t.planId, t.position)],
);

export const REQUEST_KINDS = ['provision', 'resource_change'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** What a 払い出し申請 asks for: one VM as a plan row describes it, plus the work it needs (N §3.10.3.3). */
export interface ProvisionSpec {
  /** The OS host name (as in the plan); `vmName` is the vCenter instance name (naming rule, CMDB-9). */
  hostName: string;
  vmName: string;
  ip: string | null;
  osCode: string;
  cpu: number;
  memoryGb: number;
  diskGb: number;
  nics: number;
  site: 'main' | 'sub';
  hostPinning: string | null;
  ha: boolean;
  srm: boolean;
  /** 県庁 LAN に接続する: antivirus is provided only then. */
  lanConnected: boolean;
  /** 移行に伴う払い出し: the migration tool is provided. */
  migration: boolean;
  /** Install media asked for (blank: none). */
  media: string;
  monitoring: MonitoringKind[];
  note: string;
}
/** What a リソース変更申請 asks for: the VM's new resources (the current ones are kept beside). */
export interface ChangeSpec {
  cpu: number;
  memoryGb: number;
  diskGb: number;
  nics: number;
  note: string;
}
export type RequestResources = Pick<ChangeSpec, 'cpu' | 'memoryGb' | 'diskGb' | 'nics'>;
export interface PlanCheck {
  /** match: as the approved plan says; different: in the plan with other resources; not_in_plan; no_plan: the system has no approved plan. */
  status: 'match' | 'different' | 'not_in_plan' | 'no_plan';
  planNo: string | null;
  differences: { field: string; label: string; plan: unknown; requested: unknown }[];
}

/**
 * 仮想マシン払い出し申請 and リソース変更申請 (OPS-2/OPS-6, N §3.10.2): one request model and one process
 * (requests.process.ts) for both kinds; `kind` tells them apart. The plan check, the resource report and
 * the placement proposal are kept as they were when the request was (re)submitted, so the decision can
 * be read later as it was made.
 */
export const portalRequests = pgTable(
  'portal_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** VMP-2026-000001 (払い出し) / VMR-2026-000001 (リソース変更). */
    requestNo: text('request_no').notNull(),
    kind: text('kind', { enum: REQUEST_KINDS }).notNull(),
    systemId: uuid('system_id')
      .notNull()
      .references(() => cmdbSystems.id),
    departmentId: uuid('department_id').notNull(),
    /** The VM changed (resource_change) or created on completion (provision). */
    vmId: uuid('vm_id'),
    title: text('title').notNull(),
    spec: jsonb('spec').$type<ProvisionSpec | ChangeSpec>().notNull(),
    /** The VM's resources when the change was asked (resource_change). */
    current: jsonb('current').$type<RequestResources>(),
    templateCode: text('template_code'),
    planCheck: jsonb('plan_check').$type<PlanCheck>().notNull(),
    /** Who decides: the manager instructs (as planned, or a reduction) or the supervisor decides. */
    route: text('route', { enum: ['manager', 'supervisor'] }).notNull(),
    report: jsonb('report').$type<Record<string, unknown>>(),
    placement: jsonb('placement').$type<Record<string, unknown>>(),
    /** The host it was built on / runs on when completed. */
    hostId: uuid('host_id'),
    checklist: jsonb('checklist').$type<Record<string, boolean>>(),
    /** 希望納期 (a JST day): the on-time KPIs count against it. */
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    requestedAt: ts('requested_at').notNull(),
    /** Waiting on the requester (依頼元の不備): since when, and the minutes waited so far (excluded from the KPI). */
    waitingSince: ts('waiting_since'),
    requesterWaitMinutes: integer('requester_wait_minutes').notNull().default(0),
    returnReason: text('return_reason'),
    decidedBy: uuid('decided_by'),
    decisionReason: text('decision_reason'),
    instructedAt: ts('instructed_at'),
    completedAt: ts('completed_at'),
    completedBy: uuid('completed_by'),
    /** 依頼元の承認: the work counts as done from here (N §2.6.3). */
    confirmedAt: ts('confirmed_at'),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by'),
    createdByLabel: text('created_by_label').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('portal_requests_no_uq').on(t.requestNo),
    index('portal_requests_system_idx').on(t.systemId),
    index('portal_requests_state_idx').on(t.state),
    index('portal_requests_vm_idx').on(t.vmId),
  ],
);
