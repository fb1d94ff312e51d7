import { ForbiddenError } from '../kernel/errors.ts';
import { ALL_DEPARTMENTS_ROLES, type Permission, ROLE_PERMISSIONS, type Role } from './roles.ts';

/** Who is acting: a logged-in person, or Kiban itself (CLI, scheduled jobs). */
export interface Actor {
  kind: 'person' | 'system';
  personId: string | null;
  label: string;
  roles: readonly Role[];
  departmentId: string | null;
}

export function systemActor(label = 'system'): Actor {
  return { kind: 'system', personId: null, label, roles: ['admin'], departmentId: null };
}

export function permissionsOf(roles: readonly Role[]): Permission[] {
  return [...new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r]))].sort();
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.kind === 'system' || actor.roles.some((r) => ROLE_PERMISSIONS[r].includes(permission));
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw new ForbiddenError('error.forbidden', { permission });
}

/**
 * The departments whose records the actor may see (ORG-4). `null` means all. Services apply this to
 * every query that returns department-owned records; the UI never decides it.
 */
export function visibleDepartments(actor: Actor): string[] | null {
  if (actor.kind === 'system') return null;
  if (actor.roles.some((r) => ALL_DEPARTMENTS_ROLES.includes(r))) return null;
  return actor.departmentId ? [actor.departmentId] : [];
}
