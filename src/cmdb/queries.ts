import { z } from 'zod';
import { listQuery } from '../kernel/paging.ts';
import { CONTRACT_CI_TYPES } from './schema.ts';
import { CI_STATUSES } from './lifecycle.ts';

/** List queries of each ledger (X-3: server-side filter, sort and page). */
const status = z.enum(CI_STATUSES).optional();
const id = z.uuid().optional();
const level = z.enum(['A', 'B', 'C']).optional();
const bool = z.enum(['true', 'false']).optional();

export const ciListQueries = {
  site: listQuery(['name', 'code', 'status', 'updatedAt']).extend({ status }),
  cluster: listQuery(['name', 'status', 'site', 'updatedAt']).extend({ status, siteId: id }),
  host: listQuery(['name', 'status', 'site', 'cluster', 'cpuCores', 'memoryGib', 'updatedAt']).extend({
    status,
    siteId: id,
    clusterId: id,
  }),
  management_server: listQuery(['name', 'kind', 'status', 'site', 'updatedAt']).extend({
    status,
    siteId: id,
    kind: z.enum(['vcenter', 'monitoring', 'backup', 'other']).optional(),
  }),
  storage: listQuery(['name', 'status', 'site', 'capacityGib', 'updatedAt']).extend({ status, siteId: id, clusterId: id }),
  network_device: listQuery(['name', 'kind', 'status', 'site', 'updatedAt']).extend({
    status,
    siteId: id,
    kind: z.enum(['switch', 'router', 'firewall', 'load_balancer', 'other']).optional(),
  }),
  contract: listQuery(['name', 'vendor', 'endsOn', 'status', 'updatedAt']).extend({
    status,
    ciType: z.enum(CONTRACT_CI_TYPES).optional(),
    ciId: id,
    /** Contracts ending on or before this date (renewal planning). */
    endsBefore: z.iso.date().optional(),
  }),
  system: listQuery(['name', 'code', 'serviceLevel', 'department', 'environment', 'status', 'updatedAt']).extend({
    status,
    departmentId: id,
    serviceLevel: level,
    environment: z.enum(['production', 'dev_test']).optional(),
  }),
  vm: listQuery(['name', 'status', 'system', 'host', 'serviceLevel', 'vcpu', 'memoryGib', 'diskGib', 'updatedAt']).extend({
    status,
    systemId: id,
    hostId: id,
    clusterId: id,
    siteId: id,
    departmentId: id,
    /** The effective level (system's unless overridden). */
    serviceLevel: level,
    environment: z.enum(['production', 'dev_test']).optional(),
    powerState: z.enum(['on', 'off', 'suspended']).optional(),
    missing: bool,
  }),
  contact: listQuery(['name', 'system', 'escalationOrder', 'email', 'updatedAt']).extend({ status, systemId: id }),
};

export type CiListQuery = {
  q?: string;
  sort?: string;
  page: number;
  pageSize: number;
  status?: (typeof CI_STATUSES)[number];
  [filter: string]: unknown;
};

export const historyQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

export const capacityQuery = z
  .object({
    siteId: z.uuid().optional(),
    clusterId: z.uuid().optional(),
    cpuThreshold: z.coerce.number().min(1).max(1000).optional(),
    memoryThreshold: z.coerce.number().min(1).max(1000).optional(),
    diskThreshold: z.coerce.number().min(1).max(1000).optional(),
    vcpuPerCore: z.coerce.number().min(0.1).max(64).optional(),
    memoryOvercommit: z.coerce.number().min(0.1).max(10).optional(),
    haOnly: bool,
  })
  .strict();
export type CapacityQuery = z.infer<typeof capacityQuery>;

export const retirementQuery = z
  .object({
    stoppedDays: z.coerce.number().int().min(0).max(3650).optional(),
    inactiveDays: z.coerce.number().int().min(0).max(3650).optional(),
  })
  .strict();

export const namingCheckInput = z
  .object({
    name: z.string().trim().min(1).max(80),
    systemId: z.uuid().optional(),
    serviceLevel: z.enum(['A', 'B', 'C']).optional(),
  })
  .strict();
