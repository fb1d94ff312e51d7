import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { departments } from '../iam/schema.ts';
import { CI_STATUSES } from './lifecycle.ts';

/**
 * The configuration ledger (構成管理台帳, N §3.5, CMDB-1..3). Every CI carries a status of the
 * lifecycle in lifecycle.ts, a version for optimistic concurrency and is never deleted. Names are
 * unique among the CIs that are not retired, so a retired VM's name can be reused.
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

const ciColumns = () => ({
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  status: text('status', { enum: CI_STATUSES }).notNull().default('building'),
  statusChangedAt: ts('status_changed_at').notNull(),
  notes: text('notes'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  version: integer('version').notNull().default(1),
});

/** Unique (case-insensitively, like the service's check) among CIs that are not retired. */
const liveName = (_table: string) => sql.raw(`status <> 'retired'`);

/** 設置場所 — 県庁舎サーバルーム, NTTデータセンター (M: main / sub environment). */
export const cmdbSites = pgTable(
  'cmdb_sites',
  {
    ...ciColumns(),
    code: text('code').notNull(),
    role: text('role', { enum: ['main', 'sub'] }).notNull().default('main'),
    address: text('address'),
  },
  (t) => [
    uniqueIndex('cmdb_sites_name_uq').on(sql`lower(${t.name})`).where(liveName('cmdb_sites')),
    uniqueIndex('cmdb_sites_code_uq').on(sql`lower(${t.code})`).where(liveName('cmdb_sites')),
  ],
);

/** vSphere cluster (HA/DRS group of ESXi hosts) at one site. */
export const cmdbClusters = pgTable(
  'cmdb_clusters',
  {
    ...ciColumns(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => cmdbSites.id),
    haEnabled: boolean('ha_enabled').notNull().default(true),
    drsEnabled: boolean('drs_enabled').notNull().default(true),
    moref: text('moref'),
  },
  (t) => [uniqueIndex('cmdb_clusters_name_uq').on(sql`lower(${t.name})`).where(liveName('cmdb_clusters')), index('cmdb_clusters_site_idx').on(t.siteId)],
);

/** ESXi server (機器名、設置場所、IP、OS、ミドルウェア(VL)) with its physical resources. */
export const cmdbHosts = pgTable(
  'cmdb_hosts',
  {
    ...ciColumns(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => cmdbSites.id),
    clusterId: uuid('cluster_id').references(() => cmdbClusters.id),
    ip: text('ip'),
    os: text('os'),
    middlewareVersion: text('middleware_version'),
    model: text('model'),
    serialNumber: text('serial_number'),
    cpuSockets: integer('cpu_sockets').notNull().default(1),
    /** Physical cores in total (all sockets). */
    cpuCores: integer('cpu_cores').notNull(),
    cpuGhz: doublePrecision('cpu_ghz').notNull(),
    memoryGib: doublePrecision('memory_gib').notNull(),
    /** Local datastore capacity; 0 when the host uses shared storage only. */
    localDiskGib: doublePrecision('local_disk_gib').notNull().default(0),
    moref: text('moref'),
  },
  (t) => [
    uniqueIndex('cmdb_hosts_name_uq').on(sql`lower(${t.name})`).where(liveName('cmdb_hosts')),
    index('cmdb_hosts_cluster_idx').on(t.clusterId),
    index('cmdb_hosts_site_idx').on(t.siteId),
  ],
);

/** vCenter and monitoring servers (and other management servers). */
export const cmdbManagementServers = pgTable(
  'cmdb_management_servers',
  {
    ...ciColumns(),
    kind: text('kind', { enum: ['vcenter', 'monitoring', 'backup', 'other'] }).notNull(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => cmdbSites.id),
    ip: text('ip'),
    os: text('os'),
    middlewareVersion: text('middleware_version'),
  },
  (t) => [uniqueIndex('cmdb_mgmt_name_uq').on(sql`lower(${t.name})`).where(liveName('cmdb_management_servers'))],
);

/** Storage array with its capacity and volumes (datastores). */
export const cmdbStorage = pgTable(
  'cmdb_storage',
  {
    ...ciColumns(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => cmdbSites.id),
    /** The cluster whose VMs it stores (for the cluster's disk capacity); null when shared by several. */
    clusterId: uuid('cluster_id').references(() => cmdbClusters.id),
    model: text('model'),
    ip: text('ip'),
    firmware: text('firmware'),
    capacityGib: doublePrecision('capacity_gib').notNull(),
    volumes: jsonb('volumes').$type<{ name: string; capacityGib: number }[]>().notNull().default([]),
  },
  (t) => [uniqueIndex('cmdb_storage_name_uq').on(sql`lower(${t.name})`).where(liveName('cmdb_storage'))],
);

/** Network devices (機器名、設置場所、IP、Config、ファーム(VL)). */
export const cmdbNetworkDevices = pgTable(
  'cmdb_network_devices',
  {
    ...ciColumns(),
    kind: text('kind', { enum: ['switch', 'router', 'firewall', 'load_balancer', 'other'] }).notNull(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => cmdbSites.id),
    model: text('model'),
    ip: text('ip'),
    firmware: text('firmware'),
    config: text('config'),
  },
  (t) => [uniqueIndex('cmdb_netdev_name_uq').on(sql`lower(${t.name})`).where(liveName('cmdb_network_devices'))],
);

export const CONTRACT_CI_TYPES = ['host', 'storage', 'network_device', 'management_server'] as const;

/** 保守契約情報 (ORG-5): the maintenance contract covering one device. */
export const cmdbContracts = pgTable(
  'cmdb_contracts',
  {
    ...ciColumns(),
    ciType: text('ci_type', { enum: CONTRACT_CI_TYPES }).notNull(),
    ciId: uuid('ci_id').notNull(),
    vendor: text('vendor').notNull(),
    contractNo: text('contract_no'),
    coverage: text('coverage'),
    startsOn: date('starts_on', { mode: 'string' }),
    endsOn: date('ends_on', { mode: 'string' }),
    phone: text('phone'),
    email: text('email'),
  },
  (t) => [uniqueIndex('cmdb_contracts_name_uq').on(sql`lower(${t.name})`).where(liveName('cmdb_contracts')), index('cmdb_contracts_ci_idx').on(t.ciType, t.ciId)],
);

/** 業務システム: groups VMs; owned by a department (ORG-4) with a system service level (N §2.6.2). */
export const cmdbSystems = pgTable(
  'cmdb_systems',
  {
    ...ciColumns(),
    /** Short code used in VM names (naming rule, CMDB-9). */
    code: text('code'),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    serviceLevel: text('service_level', { enum: ['A', 'B', 'C'] }).notNull(),
    environment: text('environment', { enum: ['production', 'dev_test'] }).notNull().default('production'),
    lanConnected: boolean('lan_connected').notNull().default(true),
    closedNetwork: boolean('closed_network').notNull().default(false),
    internet: boolean('internet').notNull().default(false),
    /** Last time the owning department confirmed the system is still in use (retirement candidates). */
    ownerConfirmedAt: ts('owner_confirmed_at'),
  },
  (t) => [
    uniqueIndex('cmdb_systems_name_uq').on(sql`lower(${t.name})`).where(liveName('cmdb_systems')),
    uniqueIndex('cmdb_systems_code_uq').on(sql`lower(${t.code})`).where(liveName('cmdb_systems')),
    index('cmdb_systems_department_idx').on(t.departmentId),
  ],
);

export type Nic = { network: string; ip?: string | null; mac?: string | null; adapter?: string | null };

/** 仮想マシン (CMDB-2, M §5.1). */
export const cmdbVms = pgTable(
  'cmdb_vms',
  {
    ...ciColumns(),
    systemId: uuid('system_id').references(() => cmdbSystems.id),
    hostId: uuid('host_id').references(() => cmdbHosts.id),
    os: text('os'),
    vcpu: integer('vcpu').notNull(),
    memoryGib: doublePrecision('memory_gib').notNull(),
    diskGib: doublePrecision('disk_gib').notNull(),
    nics: jsonb('nics').$type<Nic[]>().notNull().default([]),
    /** 暫定対応手順書の有無 */
    provisionalProcedure: boolean('provisional_procedure').notNull().default(false),
    /** 稼働ホストの固定化 */
    hostPinned: boolean('host_pinned').notNull().default(false),
    ha: boolean('ha').notNull().default(true),
    srm: boolean('srm').notNull().default(false),
    serviceLevelOverride: text('service_level_override', { enum: ['A', 'B', 'C'] }),
    serviceLevelOverrideReason: text('service_level_override_reason'),
    powerState: text('power_state', { enum: ['on', 'off', 'suspended'] }),
    /** vCenter identity for the sync (CMDB-6/7). */
    moref: text('moref'),
    uuid: text('uuid'),
    vcenterId: uuid('vcenter_id').references(() => cmdbManagementServers.id),
    /** Set when the VM was no longer seen in vCenter; cleared when it reappears. */
    missingSince: ts('missing_since'),
  },
  (t) => [
    uniqueIndex('cmdb_vms_name_uq').on(sql`lower(${t.name})`).where(liveName('cmdb_vms')),
    index('cmdb_vms_system_idx').on(t.systemId),
    index('cmdb_vms_host_idx').on(t.hostId),
    index('cmdb_vms_moref_idx').on(t.moref),
    index('cmdb_vms_uuid_idx').on(t.uuid),
  ],
);

/** エスカレーション先 (ORG-5): a system owner's contacts and mail addresses, in escalation order. */
export const cmdbContacts = pgTable(
  'cmdb_contacts',
  {
    ...ciColumns(),
    systemId: uuid('system_id')
      .notNull()
      .references(() => cmdbSystems.id),
    role: text('role'),
    email: text('email').notNull(),
    phone: text('phone'),
    /** 1 = first to call. */
    escalationOrder: integer('escalation_order').notNull().default(1),
    /** A distribution address (several people) rather than one person. */
    distributionList: boolean('distribution_list').notNull().default(false),
  },
  (t) => [index('cmdb_contacts_system_idx').on(t.systemId, t.escalationOrder)],
);

export const CI_SOURCES = ['ui', 'api', 'vcenter', 'rvtools', 'demo'] as const;

/**
 * Full history per CI (CMDB-3): who, when, why, what caused it, and the record before and after.
 * Written in the same transaction as the change and its audit record.
 */
export const cmdbHistory = pgTable(
  'cmdb_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ciType: text('ci_type').notNull(),
    ciId: uuid('ci_id').notNull(),
    at: ts('at').notNull(),
    actorId: uuid('actor_id'),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    reason: text('reason').notNull(),
    /** The record that caused the change, e.g. 'change:123', 'request:45', 'vcenter:VmMigratedEvent'. */
    cause: text('cause'),
    source: text('source', { enum: CI_SOURCES }).notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [index('cmdb_history_ci_idx').on(t.ciType, t.ciId, t.at)],
);
