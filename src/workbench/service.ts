import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { type Actor, requirePermission } from '../iam/actor.ts';
import type { Role } from '../iam/roles.ts';
import { people, roleAssignments } from '../iam/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { NotFoundError } from '../kernel/errors.ts';
import { type ProcessFlow, processFlow, workProcesses } from '../process/index.ts';
import { runApprovalDigests } from './digest.ts';
import { type Inbox, inboxOf } from './inbox.ts';
import { parseSearch, type SearchGroup, type Searcher, searchAll } from './search.ts';
import { workbenchSettings } from './schema.ts';

export interface WorkbenchDeps {
  db: Db;
  clock: Clock;
  /** Searchers of modules beyond their process records (the CMDB's CIs), from the composition root. */
  searchers?: readonly Searcher[];
  /** The web's address, for links in digest mails. */
  baseUrl?: string;
}

export interface WorkbenchSettings {
  approvalDigest: boolean;
  digestSentAt: Date | null;
}

export type InboxCount = Pick<Inbox, 'total' | 'approvals' | 'overdue'>;

/** The workbench: each person's inbox, the global search, process flows and the approval digest. */
export function createWorkbench(deps: WorkbenchDeps) {
  const { db, clock } = deps;
  const searchers = deps.searchers ?? [];
  return {
    inbox: (actor: Actor): Promise<Inbox> => inboxOf(db, actor, clock.now()),
    async count(actor: Actor): Promise<InboxCount> {
      const { total, approvals, overdue } = await inboxOf(db, actor, clock.now());
      return { total, approvals, overdue };
    },
    search: (actor: Actor, q: string): Promise<SearchGroup[]> => searchAll(db, actor, parseSearch(q), searchers),
    /** Every process defined on the kernel, as N's flow charts draw them. */
    flows: (): ProcessFlow[] => workProcesses().map((d) => processFlow(d)),
    flow(name: string): ProcessFlow {
      const def = workProcesses().find((d) => d.name === name);
      if (!def) throw new NotFoundError('error.not_found');
      return processFlow(def);
    },
    /** People holding any of `roles` (e.g. the assignees offered on dispatch). */
    async holders(actor: Actor, roles: readonly Role[]): Promise<{ id: string; label: string }[]> {
      requirePermission(actor, 'org.read');
      const rows = await db
        .selectDistinct({ id: people.id, name: people.displayName, login: people.login })
        .from(people)
        .innerJoin(roleAssignments, eq(roleAssignments.personId, people.id))
        .where(and(inArray(roleAssignments.role, [...roles]), isNull(people.disabledAt)))
        .orderBy(asc(people.displayName), asc(people.id));
      return rows.map((r) => ({ id: r.id, label: `${r.name} (${r.login})` }));
    },
    async settings(actor: Actor): Promise<WorkbenchSettings> {
      if (!actor.personId) return { approvalDigest: false, digestSentAt: null };
      const [row] = await db.select().from(workbenchSettings).where(eq(workbenchSettings.personId, actor.personId));
      return { approvalDigest: row?.approvalDigest ?? false, digestSentAt: row?.digestSentAt ?? null };
    },
    async setSettings(actor: Actor, input: { approvalDigest: boolean }): Promise<WorkbenchSettings> {
      if (!actor.personId) throw new NotFoundError('error.not_found');
      const now = clock.now();
      await db
        .insert(workbenchSettings)
        .values({ personId: actor.personId, approvalDigest: input.approvalDigest, updatedAt: now })
        .onConflictDoUpdate({ target: workbenchSettings.personId, set: { approvalDigest: input.approvalDigest, updatedAt: now } });
      return this.settings(actor);
    },
    /** The hourly job: one digest per opted-in person with a new approval awaiting them. */
    runDigests: (): Promise<number> => runApprovalDigests(db, clock, { baseUrl: deps.baseUrl }),
  };
}
export type Workbench = ReturnType<typeof createWorkbench>;
