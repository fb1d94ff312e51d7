import { z } from 'zod';
import { CI_SOURCES, CONTRACT_CI_TYPES } from './schema.ts';
import { CI_STATUSES, INITIAL_STATUSES } from './lifecycle.ts';

/**
 * Boundary schemas for every CI kind (HTTP and CLI). Unknown fields are refused; bounds keep out
 * negative or absurd resources (limits are vSphere 8 maxima: 768 vCPU, 24 TiB memory per VM or host,
 * 10 NICs per VM). No `.default()` in the shapes: the update schemas are their partials, and a default
 * would silently reset a field the caller did not send. Column defaults live in the table.
 */
const name = z.string().trim().min(1).max(100);
const text = (max: number) => z.string().trim().max(max).nullable().optional();
const ip = z.union([z.ipv4(), z.ipv6()]).nullable().optional();
const ref = z.uuid();
const level = z.enum(['A', 'B', 'C']);

/** Why and through what each change happens (CMDB-3): reason is required on every change. */
const changeMeta = {
  reason: z.string().trim().min(1).max(1000),
  /** The record that caused it: 'change:123', 'request:45', 'incident:7', 'acceptance:3', 'vcenter:event'. */
  cause: z
    .string()
    .trim()
    .max(200)
    .regex(/^[a-z][a-z0-9_-]*:\S+$/)
    .nullable()
    .optional(),
  source: z.enum(['ui', 'api']).optional(),
};
export type ChangeMeta = { reason: string; cause?: string | null; source?: (typeof CI_SOURCES)[number] };

const shapes = {
  site: {
    name,
    code: z.string().trim().min(1).max(16).regex(/^[A-Za-z0-9_-]+$/),
    role: z.enum(['main', 'sub']).optional(),
    address: text(200),
    notes: text(2000),
  },
  cluster: {
    name,
    siteId: ref,
    haEnabled: z.boolean().optional(),
    drsEnabled: z.boolean().optional(),
    moref: text(100),
    notes: text(2000),
  },
  host: {
    name,
    siteId: ref,
    clusterId: ref.nullable().optional(),
    ip,
    os: text(100),
    middlewareVersion: text(200),
    model: text(100),
    serialNumber: text(100),
    cpuSockets: z.number().int().min(1).max(16).optional(),
    cpuCores: z.number().int().min(1).max(1024),
    cpuGhz: z.number().min(0.5).max(10),
    memoryGib: z.number().min(1).max(24576),
    localDiskGib: z.number().min(0).max(1_000_000).optional(),
    moref: text(100),
    notes: text(2000),
  },
  management_server: {
    name,
    kind: z.enum(['vcenter', 'monitoring', 'backup', 'other']),
    siteId: ref,
    ip,
    os: text(100),
    middlewareVersion: text(200),
    notes: text(2000),
  },
  storage: {
    name,
    siteId: ref,
    clusterId: ref.nullable().optional(),
    model: text(100),
    ip,
    firmware: text(100),
    capacityGib: z.number().min(1).max(100_000_000),
    volumes: z
      .array(z.object({ name: z.string().trim().min(1).max(100), capacityGib: z.number().min(0).max(100_000_000) }).strict())
      .max(1000)
      .optional(),
    notes: text(2000),
  },
  network_device: {
    name,
    kind: z.enum(['switch', 'router', 'firewall', 'load_balancer', 'other']),
    siteId: ref,
    model: text(100),
    ip,
    firmware: text(100),
    config: text(100_000),
    notes: text(2000),
  },
  contract: {
    name,
    ciType: z.enum(CONTRACT_CI_TYPES),
    ciId: ref,
    vendor: z.string().trim().min(1).max(100),
    contractNo: text(100),
    coverage: text(200),
    startsOn: z.iso.date().nullable().optional(),
    endsOn: z.iso.date().nullable().optional(),
    phone: text(40),
    email: z.email().max(254).nullable().optional(),
    notes: text(2000),
  },
  system: {
    name,
    code: z
      .string()
      .trim()
      .min(2)
      .max(16)
      .regex(/^[a-z0-9]+$/)
      .nullable()
      .optional(),
    departmentId: ref,
    serviceLevel: level,
    environment: z.enum(['production', 'dev_test']).optional(),
    lanConnected: z.boolean().optional(),
    closedNetwork: z.boolean().optional(),
    internet: z.boolean().optional(),
    notes: text(2000),
  },
  vm: {
    name: z.string().trim().min(1).max(80),
    systemId: ref.nullable().optional(),
    hostId: ref.nullable().optional(),
    os: text(100),
    vcpu: z.number().int().min(1).max(768),
    memoryGib: z.number().min(0.25).max(24576),
    diskGib: z.number().min(0).max(1_000_000),
    nics: z
      .array(
        z
          .object({
            network: z.string().trim().min(1).max(100),
            ip: ip,
            mac: z
              .string()
              .regex(/^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/)
              .nullable()
              .optional(),
            adapter: text(40),
          })
          .strict(),
      )
      .max(10)
      .optional(),
    provisionalProcedure: z.boolean().optional(),
    hostPinned: z.boolean().optional(),
    ha: z.boolean().optional(),
    srm: z.boolean().optional(),
    serviceLevelOverride: level.nullable().optional(),
    serviceLevelOverrideReason: text(500),
    powerState: z.enum(['on', 'off', 'suspended']).nullable().optional(),
    moref: text(100),
    uuid: text(100),
    vcenterId: ref.nullable().optional(),
    notes: text(2000),
  },
  contact: {
    name,
    systemId: ref,
    role: text(100),
    email: z.email().max(254),
    phone: text(40),
    escalationOrder: z.number().int().min(1).max(20).optional(),
    distributionList: z.boolean().optional(),
    notes: text(2000),
  },
} as const;

export const CI_KINDS = [
  'site',
  'cluster',
  'host',
  'management_server',
  'storage',
  'network_device',
  'contract',
  'system',
  'vm',
  'contact',
] as const;
export type CiKind = (typeof CI_KINDS)[number];

function inputsFor<K extends CiKind>(kind: K) {
  const shape = shapes[kind];
  const create = z
    .object({ ...shape, status: z.enum(INITIAL_STATUSES).optional(), ...changeMeta })
    .strict();
  const update = z
    .object({ ...shape, ...changeMeta })
    .partial()
    .extend({ version: z.number().int().min(1), ...changeMeta })
    .strict();
  return { create, update };
}

export const ciInputs = {
  site: inputsFor('site'),
  cluster: inputsFor('cluster'),
  host: inputsFor('host'),
  management_server: inputsFor('management_server'),
  storage: inputsFor('storage'),
  network_device: inputsFor('network_device'),
  contract: inputsFor('contract'),
  system: inputsFor('system'),
  vm: inputsFor('vm'),
  contact: inputsFor('contact'),
};
export type CreateInput<K extends CiKind> = z.input<(typeof ciInputs)[K]['create']>;
export type UpdateInput<K extends CiKind> = z.input<(typeof ciInputs)[K]['update']>;

export const transitionInput = z
  .object({ to: z.enum(CI_STATUSES), version: z.number().int().min(1), ...changeMeta })
  .strict();
export type TransitionInput = z.input<typeof transitionInput>;

/** A move pushed by vCenter (vMotion, DRS, HA restart): VM and host by id, moref, uuid or name. */
const vmRef = z
  .object({ id: ref.optional(), moref: z.string().max(100).optional(), uuid: z.string().max(100).optional(), name: z.string().max(80).optional() })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'one of id, moref, uuid, name' });
const hostRef = z
  .object({ id: ref.optional(), moref: z.string().max(100).optional(), name: z.string().max(100).optional() })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'one of id, moref, name' });
export const placementInput = z
  .object({
    vm: vmRef,
    host: hostRef,
    source: z.enum(['vcenter', 'rvtools', 'api']),
    /** The hypervisor event, e.g. 'VmMigratedEvent', 'DrsVmMigratedEvent', 'VmRestartedOnAlternateHostEvent'. */
    event: z.string().trim().min(1).max(200),
    cause: changeMeta.cause,
  })
  .strict();
export type PlacementInput = z.input<typeof placementInput>;
export type VmRef = z.infer<typeof vmRef>;
export type HostRef = z.infer<typeof hostRef>;
