import { and, asc, count, desc, eq } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { cmdbSystems } from '../cmdb/schema.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, requirePermission, visibleDepartments } from '../iam/actor.ts';
import { nextReceiptNo } from '../incidents/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../kernel/errors.ts';
import { fire, processView, recordEvent } from '../process/index.ts';
import { ensurePortalCatalog, listOs, listTemplates } from './catalog.ts';
import type { OsUpdate, PlanCreate, PlanSave, TemplateUpdate } from './inputs.ts';
import { type IntegrationPlan, planProcess } from './process.ts';
import { createOwnerHome } from './home.ts';
import { createRequestService } from './requests.service.ts';
import { type PlanRow, validatePlanRows } from './rows.ts';
import { integrationPlanRows, integrationPlans, portalOs, portalTemplates } from './schema.ts';
import { planScope } from './scope.ts';
import { planWorkbook, readPlanWorkbook } from './xlsx.ts';

export interface PortalDeps {
  db: Db;
  clock: Clock;
}

const EDITABLE = ['draft'];
const stateLabel = (s: string) => planProcess.states[s as keyof typeof planProcess.states] ?? { ja: s, en: s };
const toRow = (r: typeof integrationPlanRows.$inferSelect): PlanRow => {
  const { id: _i, planId: _p, position: _n, ...rest } = r;
  return rest;
};

/** The rows of the system's latest approved plan: what provisioning requests are checked against (OPS-2). */
export async function approvedPlanRows(db: Db, systemId: string): Promise<{ plan: IntegrationPlan; rows: PlanRow[] } | null> {
  const [plan] = await db
    .select()
    .from(integrationPlans)
    .where(and(eq(integrationPlans.systemId, systemId), eq(integrationPlans.state, 'approved')))
    .orderBy(desc(integrationPlans.approvedAt))
    .limit(1);
  if (!plan) return null;
  const rows = await db.select().from(integrationPlanRows).where(eq(integrationPlanRows.planId, plan.id)).orderBy(asc(integrationPlanRows.position));
  return { plan, rows: rows.map(toRow) };
}

export function createPortalService(deps: PortalDeps) {
  const { db, clock } = deps;

  async function catalog(actor: Actor) {
    requirePermission(actor, 'portal.read');
    await ensurePortalCatalog(db, clock);
    return { os: await listOs(db), templates: await listTemplates(db) };
  }

  /** The vendor manager corrects an OS entry (its end of support, withdrawn or not); audited. */
  async function updateOs(actor: Actor, code: string, input: OsUpdate) {
    requirePermission(actor, 'portal.catalog');
    await ensurePortalCatalog(db, clock);
    const { version, ...patch } = input;
    return inTx(db, async (t) => {
      const [before] = await t.select().from(portalOs).where(eq(portalOs.code, code));
      if (!before) throw new NotFoundError('error.not_found');
      const [after] = await t
        .update(portalOs)
        .set({ ...patch, updatedAt: clock.now(), version: before.version + 1 })
        .where(and(eq(portalOs.code, code), eq(portalOs.version, version)))
        .returning();
      if (!after) throw new ConflictError('error.stale_version');
      await audit(t, clock, actor, { action: 'portal_os.update', entityType: 'portal_os', entityId: code, before, after });
      return after;
    });
  }

  async function createOs(
    actor: Actor,
    input: Omit<OsUpdate, 'version'> & { code: string; name: string; family: 'windows' | 'linux'; endOfSupportOn: string },
  ) {
    requirePermission(actor, 'portal.catalog');
    await ensurePortalCatalog(db, clock);
    return inTx(db, async (t) => {
      const [row] = await t
        .insert(portalOs)
        .values({ ...input, updatedAt: clock.now() })
        .onConflictDoNothing()
        .returning();
      if (!row) throw new ConflictError('error.duplicate');
      await audit(t, clock, actor, { action: 'portal_os.create', entityType: 'portal_os', entityId: row.code, after: row });
      return row;
    });
  }

  async function updateTemplate(actor: Actor, code: string, input: TemplateUpdate) {
    requirePermission(actor, 'portal.catalog');
    await ensurePortalCatalog(db, clock);
    const { version, ...patch } = input;
    return inTx(db, async (t) => {
      const [before] = await t.select().from(portalTemplates).where(eq(portalTemplates.code, code));
      if (!before) throw new NotFoundError('error.not_found');
      const [after] = await t
        .update(portalTemplates)
        .set({ ...patch, updatedAt: clock.now(), version: before.version + 1 })
        .where(and(eq(portalTemplates.code, code), eq(portalTemplates.version, version)))
        .returning();
      if (!after) throw new ConflictError('error.stale_version');
      await audit(t, clock, actor, { action: 'portal_template.update', entityType: 'portal_template', entityId: code, before, after });
      return after;
    });
  }

  async function load(t: Db, actor: Actor, id: string) {
    requirePermission(actor, 'portal.read');
    const [row] = await t
      .select({ plan: integrationPlans, systemName: cmdbSystems.name, departmentId: cmdbSystems.departmentId })
      .from(integrationPlans)
      .innerJoin(cmdbSystems, eq(cmdbSystems.id, integrationPlans.systemId))
      .where(and(eq(integrationPlans.id, id), planScope(actor)));
    if (!row) throw new NotFoundError('error.not_found');
    return row;
  }

  /** Only a system owner of the system's department edits it (the vendor reads, reviews, returns). */
  function requireOwner(actor: Actor, departmentId: string) {
    if (!actor.roles.includes('system_owner') || actor.departmentId !== departmentId) throw new ForbiddenError('portal.not_owner');
  }

  async function list(actor: Actor, q: { systemId?: string; state?: string } = {}) {
    requirePermission(actor, 'portal.read');
    const rowCount = db.$with('rc').as(
      db
        .select({ planId: integrationPlanRows.planId, n: count().as('n') })
        .from(integrationPlanRows)
        .groupBy(integrationPlanRows.planId),
    );
    const rows = await db
      .with(rowCount)
      .select({ plan: integrationPlans, systemName: cmdbSystems.name, rows: rowCount.n })
      .from(integrationPlans)
      .innerJoin(cmdbSystems, eq(cmdbSystems.id, integrationPlans.systemId))
      .leftJoin(rowCount, eq(rowCount.planId, integrationPlans.id))
      .where(
        and(planScope(actor), q.systemId ? eq(integrationPlans.systemId, q.systemId) : undefined, q.state ? eq(integrationPlans.state, q.state) : undefined),
      )
      .orderBy(desc(integrationPlans.updatedAt));
    return { items: rows.map((r) => ({ ...r.plan, systemName: r.systemName, rowCount: Number(r.rows ?? 0), stateLabel: stateLabel(r.plan.state) })) };
  }

  /** The systems an owner may write a plan for (their department's), for the new-plan form. */
  async function systems(actor: Actor) {
    requirePermission(actor, 'portal.read');
    const depts = visibleDepartments(actor);
    const rows = await db
      .select({ id: cmdbSystems.id, name: cmdbSystems.name, departmentId: cmdbSystems.departmentId })
      .from(cmdbSystems)
      .orderBy(asc(cmdbSystems.name));
    return { items: depts === null ? rows : rows.filter((r) => depts.includes(r.departmentId)) };
  }

  async function create(actor: Actor, input: PlanCreate) {
    requirePermission(actor, 'portal.read');
    const now = clock.now();
    return inTx(db, async (t) => {
      const [system] = await t.select().from(cmdbSystems).where(eq(cmdbSystems.id, input.systemId));
      const depts = visibleDepartments(actor);
      if (!system || (depts !== null && !depts.includes(system.departmentId)))
        throw new InputError('error.invalid_input', {}, { systemId: { key: 'portal.system_not_found' } });
      requireOwner(actor, system.departmentId);
      const planNo = await nextReceiptNo(t, 'PLN', now);
      const [plan] = await t
        .insert(integrationPlans)
        .values({
          planNo,
          systemId: system.id,
          title: input.title,
          provisionUntil: input.provisionUntil,
          note: input.note ?? '',
          state: planProcess.initial,
          createdBy: actor.personId,
          createdByLabel: actor.label,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await recordEvent(t, now, actor, { process: planProcess.name, recordId: plan!.id, action: 'create', state: plan!.state });
      await audit(t, clock, actor, { action: 'integration_plan.create', entityType: 'integration_plan', entityId: plan!.id, after: plan });
      return plan!;
    });
  }

  async function get(actor: Actor, id: string) {
    const { plan, systemName, departmentId } = await load(db, actor, id);
    const rows = await db.select().from(integrationPlanRows).where(eq(integrationPlanRows.planId, id)).orderBy(asc(integrationPlanRows.position));
    return {
      ...plan,
      systemName,
      stateLabel: stateLabel(plan.state),
      editable: EDITABLE.includes(plan.state) && actor.roles.includes('system_owner') && actor.departmentId === departmentId,
      rows: rows.map(toRow),
      process: await processView(db, planProcess, plan, actor),
    };
  }

  /** The owner's own plan while it may be edited: 404 outside their scope, 403 for anyone but its owner, 409 once submitted. */
  async function ownDraft(t: Db, actor: Actor, id: string) {
    const { plan, departmentId } = await load(t, actor, id);
    requireOwner(actor, departmentId);
    if (!EDITABLE.includes(plan.state)) throw new ConflictError('portal.not_draft', { state: stateLabel(plan.state).ja });
    return plan;
  }

  /** Every row checked against the catalog for the provision period: 400 naming each row and column. */
  async function checkedRows(t: Db, raw: readonly Record<string, unknown>[], provisionUntil: string) {
    const { rows, errors } = validatePlanRows(raw, provisionUntil, { os: await listOs(t), templates: await listTemplates(t) });
    if (Object.keys(errors).length > 0) throw new InputError('error.invalid_input', {}, errors);
    return rows;
  }

  /**
   * Saves the owner's draft: header and every row at once, checked against `version` (409 when stale);
   * every row validated (400 naming each row and column, nothing written).
   */
  async function save(actor: Actor, id: string, input: PlanSave) {
    const event = input.imported ? 'import' : 'save';
    await ensurePortalCatalog(db, clock);
    return inTx(db, async (t) => {
      const plan = await ownDraft(t, actor, id);
      if (plan.version !== input.version) throw new ConflictError('error.stale_version');
      const provisionUntil = input.provisionUntil ?? plan.provisionUntil;
      const rows = await checkedRows(t, input.rows, provisionUntil);
      const now = clock.now();
      const [after] = await t
        .update(integrationPlans)
        .set({ title: input.title ?? plan.title, provisionUntil, note: input.note ?? plan.note, version: plan.version + 1, updatedAt: now })
        .where(and(eq(integrationPlans.id, id), eq(integrationPlans.version, input.version)))
        .returning();
      if (!after) throw new ConflictError('error.stale_version');
      await t.delete(integrationPlanRows).where(eq(integrationPlanRows.planId, id));
      if (rows.length > 0) await t.insert(integrationPlanRows).values(rows.map((r, i) => ({ ...r, planId: id, position: i + 1 })));
      await recordEvent(t, now, actor, { process: planProcess.name, recordId: id, action: event, state: after.state, comment: `${rows.length}行` });
      await audit(t, clock, actor, {
        action: `integration_plan.${event}`,
        entityType: 'integration_plan',
        entityId: id,
        before: plan,
        after: { ...after, rows },
      });
      return after;
    });
  }

  async function act(actor: Actor, id: string, action: string, input: { version: number; comment?: string; reason?: string }) {
    const { version, ...rest } = input;
    await ensurePortalCatalog(db, clock);
    return inTx(db, async (t) => {
      const { plan, departmentId } = await load(t, actor, id);
      // The owner's steps (submit, withdraw) are for their own department only.
      if (action === 'submit' || action === 'withdraw') requireOwner(actor, departmentId);
      const moved = await fire(t, { clock, actor }, planProcess, { ...plan, version }, action, { ...rest, comment: rest.comment || rest.reason || undefined });
      return { ...moved, stateLabel: stateLabel(moved.state) };
    });
  }

  async function exportXlsx(actor: Actor, id: string) {
    await ensurePortalCatalog(db, clock);
    const p = await get(actor, id);
    const data = await planWorkbook(
      { planNo: p.planNo, title: p.title, provisionUntil: p.provisionUntil, stateLabel: p.stateLabel.ja },
      p.systemName,
      p.rows,
      await listOs(db),
    );
    return { fileName: `統合計画書_${p.planNo}.xlsx`, data };
  }

  /**
   * The XLSX read and checked exactly as a save checks it, and NOTHING written: the owner sees the rows in the
   * editor and confirms them with 下書き保存 (a save with `imported: true`). A half-filled file is refused with
   * every row and column named.
   */
  async function previewXlsx(actor: Actor, id: string, data: Buffer) {
    await ensurePortalCatalog(db, clock);
    const plan = await ownDraft(db, actor, id);
    const parsed = await readPlanWorkbook(data);
    const provisionUntil = parsed.provisionUntil ?? plan.provisionUntil;
    return { rows: await checkedRows(db, parsed.rows, provisionUntil), provisionUntil };
  }

  /** 払い出し・リソース変更申請 (OPS-2/OPS-6): requests.service.ts. */
  const requests = createRequestService(deps);

  /** The system owner's home (home.ts). */
  const home = createOwnerHome(deps);

  return { catalog, updateOs, createOs, updateTemplate, list, systems, create, get, save, act, exportXlsx, previewXlsx, requests, home };
}
export type PortalService = ReturnType<typeof createPortalService>;
