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
