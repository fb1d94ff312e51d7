import { z } from 'zod';
import { ROLES } from './roles.ts';

/** Boundary schemas shared by HTTP routes and the CLI. Unknown fields are refused (.strict()). */
export const loginId = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/);
export const password = z.string().min(12).max(256);

export const departmentInput = z
  .object({
    code: z.string().trim().min(1).max(32).regex(/^[A-Za-z0-9_-]+$/),
    name: z.string().trim().min(1).max(100),
    kind: z.enum(['prefecture', 'platform_office', 'vendor', 'ict_centre', 'datacenter']),
  })
  .strict();
export type DepartmentInput = z.infer<typeof departmentInput>;

export const personInput = z
  .object({
    login: loginId,
    displayName: z.string().trim().min(1).max(100),
    email: z.email().max(254).nullable().optional(),
    departmentId: z.uuid().nullable().optional(),
    password: password.optional(),
    authSource: z.enum(['local', 'ldap']).default('local'),
    roles: z.array(z.enum(ROLES)).max(ROLES.length).default([]),
  })
  .strict();
export type PersonInput = z.input<typeof personInput>;

export const personUpdate = z
  .object({
    version: z.number().int().min(1),
    displayName: z.string().trim().min(1).max(100).optional(),
    email: z.email().max(254).nullable().optional(),
    departmentId: z.uuid().nullable().optional(),
  })
  .strict();
export type PersonUpdate = z.infer<typeof personUpdate>;

export const loginInput = z
  .object({
    login: z.string().max(256),
    password: z.string().max(1024),
  })
  .strict();
