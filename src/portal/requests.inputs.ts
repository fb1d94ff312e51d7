import { z } from 'zod';
import { MONITORING_KINDS } from './schema.ts';

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** Numbers are checked against the template's minimums and limits by the service (naming the field). */
const amount = z.number().int().min(0).max(100_000);
const note = z.string().max(4000).optional();

/** 仮想マシン払い出し申請 as the owner fills it in. */
export const provisionInput = z
  .object({
    systemId: z.uuid(),
    dueOn: ymd,
    hostName: z.string().trim().max(63),
    ip: z.string().trim().max(15).nullable().optional(),
    osCode: z.string().trim().min(1).max(40),
    templateCode: z.string().trim().min(1).max(40),
    cpu: amount,
    memoryGb: amount,
    diskGb: amount,
    nics: amount,
    site: z.enum(['main', 'sub']),
    hostPinning: z.string().trim().max(200).nullable().optional(),
    ha: z.boolean().optional(),
    srm: z.boolean().optional(),
    lanConnected: z.boolean().optional(),
    migration: z.boolean().optional(),
    media: z.string().trim().max(500).optional(),
    monitoring: z.array(z.enum(MONITORING_KINDS)).max(4).optional(),
    /** The end of the provision period (the OS must be supported until then); default: the approved plan's. */
    provisionUntil: ymd.optional(),
    note,
  })
  .strict();
export type ProvisionInput = z.infer<typeof provisionInput>;

/** リソース変更申請: the VM and its new resources. */
export const changeInput = z.object({ vmId: z.uuid(), dueOn: ymd, cpu: amount, memoryGb: amount, diskGb: amount, nics: amount, note }).strict();
export type ChangeInput = z.infer<typeof changeInput>;

/** A correction while the request waits on its requester: the same fields (system / VM unchanged), with the version seen. */
export const provisionSave = provisionInput
  .omit({ systemId: true })
  .extend({ version: z.number().int().min(1) })
  .strict();
export const changeSave = changeInput
  .omit({ vmId: true })
  .extend({ version: z.number().int().min(1) })
  .strict();
export const requestSave = z.union([provisionSave, changeSave]);
export type RequestSave = z.infer<typeof requestSave>;

export const requestAction = z
  .object({
    version: z.number().int().min(1),
    comment: z.string().max(4000).optional(),
    reason: z.string().max(4000).optional(),
    hostId: z.uuid().optional(),
    checklist: z.record(z.string(), z.boolean()).optional(),
    changeChecklist: z.record(z.string(), z.boolean()).optional(),
  })
  .strict();
export type RequestAction = z.infer<typeof requestAction>;

export const requestListQuery = z
  .object({
    kind: z.enum(['provision', 'resource_change']).optional(),
    state: z.string().max(40).optional(),
    systemId: z.uuid().optional(),
    open: z.enum(['true', 'false']).optional(),
  })
  .strict();
export type RequestListQuery = z.infer<typeof requestListQuery>;
