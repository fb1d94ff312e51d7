import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { BusinessCalendar } from '../calendar/index.ts';
import { type Db, inTx } from '../db/index.ts';
import type { Actor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, ForbiddenError, NotFoundError } from '../kernel/errors.ts';
import { fire, processView, recordEvent } from '../process/index.ts';
import { assembleHalfYear, halfPeriod } from './halfyear-data.ts';
import { halfYearPdf, halfYearXlsx, jstText } from './halfyear-output.ts';
import { type HalfYearReport, halfYearReportProcess } from './halfyear-process.ts';
import { EMPTY_HALFYEAR_TEXTS, halfYearReports, type HalfYearTexts } from './halfyear-schema.ts';
import { readsReports, waitingFor, writesReports } from './process.ts';

/** Who may see half-year reports (the vendor's team and the supervisor) and who writes them: as the monthly report. */
function requireRead(actor: Actor) {
  if (!readsReports(actor)) throw new ForbiddenError('error.forbidden', { permission: 'report.read' });
}
function requireTeam(actor: Actor) {
  if (!writesReports(actor)) throw new ForbiddenError('error.forbidden', { permission: 'report.write' });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const text = (max: number) => z.string().max(max);
export const halfYearTextsInput = z
  .object({
    version: z.number().int().min(1),
    summary: text(10_000).optional(),
    kpiNotes: z.record(z.string().max(60), text(4000)).optional(),
    nextTargets: z.record(z.string().max(60), z.object({ percent: z.number().min(0).max(100).nullable(), note: text(4000) }).strict()).optional(),
    scopeNote: text(10_000).optional(),
    migrationResults: text(10_000).optional(),
    migrationPlan: text(10_000).optional(),
    forecastNote: text(10_000).optional(),
    itPlans: text(10_000).optional(),
  })
  .strict();
const actionInput = z.object({ version: z.number().int().min(1), comment: text(4000).optional(), reason: text(4000).optional() }).strict();

export interface HalfYearDeps {
  db: Db;
  clock: Clock;
  calendar?: BusinessCalendar;
}

/** 半期報告書 (SLM-7): draft (idempotent per half), 再集計 and texts in draft, the kernel's actions, PDF/XLSX. */
export function createHalfYearService(deps: HalfYearDeps) {
  const { db, clock } = deps;
  const calendar = deps.calendar ?? new BusinessCalendar();

  /** A half not yet over → 400 naming the field. */
  function checkHalf(half: string) {
    const p = halfPeriod(half);
    if (p.to > clock.now()) throw fieldError('half', 'report.half_future', { half, to: jstText(p.to) });
    return p;
  }
  const textsOf = (r: HalfYearReport): HalfYearTexts => ({ ...EMPTY_HALFYEAR_TEXTS, ...r.texts });
  /** The record page's answer: the report, its ProcessView (flow, actions, history), whether the texts are editable. */
  const view = async (t: Db, r: HalfYearReport, actor: Actor) => ({
    ...r,
    texts: textsOf(r),
    stateLabel: halfYearReportProcess.states[r.state] ?? { ja: r.state, en: r.state },
    process: await processView(t, halfYearReportProcess, r, actor),
    canEdit: r.state === 'draft' && writesReports(actor),
  });

  /** By half ('2026-H1') or by id (the inbox links the id). */
  async function load(t: Db, half: string): Promise<HalfYearReport> {
    const byId = UUID.test(half);
    if (!byId) halfPeriod(half);
    const [r] = await t
      .select()
      .from(halfYearReports)
      .where(byId ? eq(halfYearReports.id, half) : eq(halfYearReports.half, half));
    if (!r) throw new NotFoundError('error.not_found');
    return r;
  }

  async function list(actor: Actor) {
    requireRead(actor);
    const rows = await db.select().from(halfYearReports).orderBy(desc(halfYearReports.half));
    return {
      items: rows.map((r) => ({
        id: r.id,
        half: r.half,
        label: r.snapshot?.label ?? halfPeriod(r.half).label,
        state: r.state,
        stateLabel: halfYearReportProcess.states[r.state] ?? { ja: r.state, en: r.state },
        waitingFor: waitingFor(halfYearReportProcess.transitions, r.state),
        version: r.version,
        snapshotAt: r.snapshotAt,
        submittedByLabel: r.submittedByLabel,
        approvedAt: r.approvedAt,
      })),
      canDraft: writesReports(actor),
    };
  }

  async function get(actor: Actor, half: string) {
    requireRead(actor);
    return view(db, await load(db, half), actor);
  }

  /** Assembles the half and claims it (unique half). A half already drafted is returned unchanged (created: false). */
  async function draft(actor: Actor, half: string) {
    requireTeam(actor);
    checkHalf(half);
    const [existing] = await db.select().from(halfYearReports).where(eq(halfYearReports.half, half));
    if (existing) return { created: false, report: await view(db, existing, actor) };
    const now = clock.now();
    const snapshot = await assembleHalfYear(db, calendar, half, now);
    return inTx(db, async (t) => {
      const [row] = await t
        .insert(halfYearReports)
        .values({ half, state: 'draft', snapshot, snapshotAt: now, texts: EMPTY_HALFYEAR_TEXTS, createdByLabel: actor.label, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning();
      if (!row) return { created: false, report: await view(t, await load(t, half), actor) };
      await recordEvent(t, now, actor, { process: halfYearReportProcess.name, recordId: row.id, action: 'draft', state: row.state });
      return { created: true, report: await view(t, row, actor) };
    });
  }

  /** 再集計: the data again from the ledgers, only in draft, with the version the caller saw. */
  async function resnapshot(actor: Actor, half: string, raw: unknown) {
    requireTeam(actor);
    const { version } = z
      .object({ version: z.number().int().min(1) })
      .strict()
      .parse(raw);
    const r = await load(db, half);
    if (r.state !== 'draft') throw new ConflictError('report.halfyear_not_draft', { state: halfYearReportProcess.states[r.state]?.ja ?? r.state });
    if (r.version !== version) throw new ConflictError('error.stale_version');
    const now = clock.now();
    const snapshot = await assembleHalfYear(db, calendar, half, now);
    return inTx(db, async (t) => {
      const [u] = await t
        .update(halfYearReports)
        .set({ snapshot, snapshotAt: now, version: r.version + 1, updatedAt: now })
        .where(and(eq(halfYearReports.id, r.id), eq(halfYearReports.version, version), eq(halfYearReports.state, 'draft')))
        .returning();
      if (!u) throw new ConflictError('error.stale_version');
      await recordEvent(t, now, actor, { process: halfYearReportProcess.name, recordId: r.id, action: 'resnapshot', state: u.state });
      return view(t, u, actor);
    });
  }

  async function editTexts(actor: Actor, half: string, raw: unknown) {
    requireTeam(actor);
    const { version, kpiNotes, nextTargets, ...plain } = halfYearTextsInput.parse(raw);
    return inTx(db, async (t) => {
      const r = await load(t, half);
      if (r.state !== 'draft') throw new ConflictError('report.halfyear_not_draft', { state: halfYearReportProcess.states[r.state]?.ja ?? r.state });
      const before = textsOf(r);
      const texts: HalfYearTexts = {
        ...before,
        ...plain,
        kpiNotes: { ...before.kpiNotes, ...(kpiNotes ?? {}) },
        nextTargets: { ...before.nextTargets, ...(nextTargets ?? {}) },
      };
      const [u] = await t
        .update(halfYearReports)
        .set({ texts, version: r.version + 1, updatedAt: clock.now() })
        .where(and(eq(halfYearReports.id, r.id), eq(halfYearReports.version, version)))
        .returning();
      if (!u) throw new ConflictError('error.stale_version');
      await recordEvent(t, clock.now(), actor, { process: halfYearReportProcess.name, recordId: r.id, action: 'edit', state: r.state });
      return view(t, u, actor);
    });
  }

  async function act(actor: Actor, half: string, action: string, raw: unknown) {
    requireRead(actor);
    const { version, ...input } = actionInput.parse(raw);
    return inTx(db, async (t) => {
      const r = await load(t, half);
      return view(t, await fire(t, { clock, actor }, halfYearReportProcess, { ...r, version }, action, input), actor);
    });
  }

  async function file(actor: Actor, half: string, format: 'pdf' | 'xlsx') {
    requireRead(actor);
    const r = await load(db, half);
    if (!r.snapshot) throw new ConflictError('report.no_snapshot');
    return format === 'pdf' ? halfYearPdf(r.snapshot, textsOf(r)) : halfYearXlsx(r.snapshot, textsOf(r));
  }

  return { list, get, draft, resnapshot, editTexts, act, file };
}
export type HalfYearService = ReturnType<typeof createHalfYearService>;
