import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { toJstYmd } from '../calendar/index.ts';
import type { Db } from '../db/index.ts';
import { inTx } from '../db/index.ts';
import { type Actor, requirePermission } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, ForbiddenError, fieldError, NotFoundError } from '../kernel/errors.ts';
import './release-messages.ts';
import { type MaintenanceDayInput, maintenanceDayInput } from './release-inputs.ts';
import { maintenanceDays, releases } from './schema.ts';

export type MaintenanceDay = typeof maintenanceDays.$inferSelect;

/** The manager decides maintenance days (月次報告会) and keeps the list; everybody with change.read reads it. */
function requireManager(actor: Actor): void {
  requirePermission(actor, 'change.manage');
  if (actor.kind === 'person' && !actor.roles.includes('vendor_manager')) throw new ForbiddenError('error.forbidden');
}

/** The maintenance day whose window holds [start, end], if any (CHG-3). */
export async function maintenanceDayCovering(tx: Db, start: Date, end: Date): Promise<MaintenanceDay | undefined> {
  const [d] = await tx
    .select()
    .from(maintenanceDays)
    .where(and(lte(maintenanceDays.startsAt, start), gte(maintenanceDays.endsAt, end)))
    .limit(1);
  return d;
}

function checkWindow(input: ReturnType<typeof maintenanceDayInput.parse>) {
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (endsAt <= startsAt || toJstYmd(startsAt) !== input.day) throw fieldError('startsAt', 'changes.maintenance_window');
  if (endsAt.getTime() - startsAt.getTime() > 36 * 3600_000) throw fieldError('endsAt', 'changes.maintenance_window');
  return { startsAt, endsAt };
}

/** Releases not cancelled whose planned window lies in `d` (a day in use cannot be deleted). */
async function releasesOn(tx: Db, d: MaintenanceDay) {
  return tx
    .select({ releaseNo: releases.releaseNo, plannedStart: releases.plannedStart, plannedEnd: releases.plannedEnd })
    .from(releases)
    .where(
      and(
        sql`${releases.state} <> 'cancelled'`,
        gte(releases.plannedStart, d.startsAt),
        lte(releases.plannedEnd, d.endsAt),
        sql`${releases.emergency} = false`,
      ),
    );
}

export function createMaintenanceDays(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async list(actor: Actor, q: { from?: string; to?: string } = {}) {
      requirePermission(actor, 'change.read');
      const items = await db
        .select()
        .from(maintenanceDays)
        .where(and(q.from ? gte(maintenanceDays.day, q.from) : undefined, q.to ? lte(maintenanceDays.day, q.to) : undefined))
        .orderBy(asc(maintenanceDays.day));
      return { items };
    },
    async create(actor: Actor, raw: MaintenanceDayInput) {
      requireManager(actor);
      const input = maintenanceDayInput.parse(raw);
      const w = checkWindow(input);
      const now = clock.now();
      return inTx(db, async (t) => {
        const [taken] = await t.select({ id: maintenanceDays.id }).from(maintenanceDays).where(eq(maintenanceDays.day, input.day));
        if (taken) throw fieldError('day', 'changes.maintenance_day_taken');
        const [row] = await t
          .insert(maintenanceDays)
          .values({ day: input.day, ...w, note: input.note ?? null, decidedAt: input.decidedAt ?? null, createdBy: actor.personId, createdAt: now, updatedAt: now })
          .returning();
        await audit(t, clock, actor, { action: 'maintenance_day.create', entityType: 'maintenance_day', entityId: row!.id, after: row });
        return row!;
      });
    },
    /** Optimistic on `updatedAt` (the table has no version column): a stale page is refused. */
    async update(actor: Actor, id: string, raw: MaintenanceDayInput & { updatedAt: string }) {
      requireManager(actor);
      const { updatedAt, ...rest } = raw;
      const input = maintenanceDayInput.parse(rest);
      const w = checkWindow(input);
      return inTx(db, async (t) => {
        const [before] = await t.select().from(maintenanceDays).where(eq(maintenanceDays.id, id));
        if (!before) throw new NotFoundError('error.not_found');
        if (before.updatedAt.toISOString() !== new Date(updatedAt).toISOString()) throw new ConflictError('error.stale_version');
        // A release planned on the day must still fit the edited window (else it would be outside any maintenance day).
        const left = (await releasesOn(t, before)).filter((r) => r.plannedStart < w.startsAt || r.plannedEnd > w.endsAt);
        if (left.length) throw fieldError(left.some((r) => r.plannedStart < w.startsAt) ? 'startsAt' : 'endsAt', 'changes.maintenance_in_use_window', { releases: left.map((r) => r.releaseNo).join('、') });
        if (input.day !== before.day) {
          const [taken] = await t.select({ id: maintenanceDays.id }).from(maintenanceDays).where(eq(maintenanceDays.day, input.day));
          if (taken) throw fieldError('day', 'changes.maintenance_day_taken');
        }
        const [row] = await t
          .update(maintenanceDays)
          // updatedAt is the row's version: it always moves, even for two edits within one clock tick.
          .set({ day: input.day, ...w, note: input.note ?? null, decidedAt: input.decidedAt ?? null, updatedAt: new Date(Math.max(clock.now().getTime(), before.updatedAt.getTime() + 1)) })
          .where(and(eq(maintenanceDays.id, id), eq(maintenanceDays.updatedAt, before.updatedAt)))
          .returning();
        if (!row) throw new ConflictError('error.stale_version');
        await audit(t, clock, actor, { action: 'maintenance_day.update', entityType: 'maintenance_day', entityId: id, before, after: row });
        return row;
      });
    },
    async remove(actor: Actor, id: string) {
      requireManager(actor);
      return inTx(db, async (t) => {
        const [before] = await t.select().from(maintenanceDays).where(eq(maintenanceDays.id, id));
        if (!before) throw new NotFoundError('error.not_found');
        const using = await releasesOn(t, before);
        if (using.length) throw new ConflictError('changes.maintenance_in_use', { releases: using.map((r) => r.releaseNo).join('、') });
        await t.delete(maintenanceDays).where(eq(maintenanceDays.id, id));
        await audit(t, clock, actor, { action: 'maintenance_day.delete', entityType: 'maintenance_day', entityId: id, before });
        return { deleted: true };
      });
    },
  };
}
export type MaintenanceDays = ReturnType<typeof createMaintenanceDays>;

