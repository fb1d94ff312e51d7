import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import { z } from 'zod';
import { BusinessCalendar, parseJstLocal } from '../calendar/index.ts';
import { type Db, inTx } from '../db/index.ts';
import { type Actor, systemActor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, ForbiddenError, NotFoundError } from '../kernel/errors.ts';
import { fire, processView, recordEvent } from '../process/index.ts';
import { addMonths, monthOf, monthPeriod } from '../servicelevels/index.ts';
import { assembleReport } from './data.ts';
import { REPORT_LABELS } from './labels.ts';
import { reportPdf, reportXlsx } from './output.ts';
import { type MonthlyReport, monthlyReportProcess, readsReports, waitingFor, writesReports } from './process.ts';
import { monthlyReports, type ReportTexts } from './schema.ts';

/** Owners and the ICT centre: 403 (readsReports); only the vendor's team writes (writesReports). */
function requireRead(actor: Actor) {
  if (!readsReports(actor)) throw new ForbiddenError('error.forbidden', { permission: 'report.read' });
}
function requireTeam(actor: Actor) {
  if (!writesReports(actor)) throw new ForbiddenError('error.forbidden', { permission: 'report.write' });
}

const RETRY_AFTER_MS = 10 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const text = (max: number) => z.string().max(max);
export const textsInput = z
  .object({
    version: z.number().int().min(1),
    summary: text(10_000).optional(),
    fixInfo: text(10_000).optional(),
    kpis: z.record(z.string(), z.object({ cause: text(4000), countermeasure: text(4000) }).strict()).optional(),
  })
  .strict();
const actionInput = z.object({ version: z.number().int().min(1), comment: text(4000).optional(), reason: text(4000).optional() }).strict();

export interface ReportDeps {
  db: Db;
  clock: Clock;
  calendar?: BusinessCalendar;
}

export function createReportService(deps: ReportDeps) {
  const { db, clock } = deps;
  const calendar = deps.calendar ?? new BusinessCalendar();

  /** A month not yet over (now before its next first day) → 400 naming the field. */
  function checkMonth(month: string, field = 'month') {
    const p = monthPeriod(month, field);
    if (p.to > clock.now()) throw fieldError(field, 'servicelevel.period_future');
    return p;
  }

  /** The record page's answer: the report, its ProcessView (flow, actions, history), the label map, whether the texts are editable. */
  const view = async (t: Db, r: MonthlyReport, actor: Actor) => ({
    ...r,
    stateLabel: monthlyReportProcess.states[r.state] ?? { ja: r.state, en: r.state },
    process: await processView(t, monthlyReportProcess, r, actor),
    labels: REPORT_LABELS,
    canEdit: r.state === 'draft' && writesReports(actor),
  });

  /** By month (YYYY-MM) or by id (the inbox and the search link a record by its id). */
  async function load(t: Db, month: string): Promise<MonthlyReport> {
    const byId = UUID.test(month);
    if (!byId) monthPeriod(month);
    const [r] = await t
      .select()
      .from(monthlyReports)
      .where(byId ? eq(monthlyReports.id, month) : eq(monthlyReports.month, month));
    if (!r) throw new NotFoundError('error.not_found');
    return r;
  }

  async function list(actor: Actor) {
    requireRead(actor);
    const rows = await db.select().from(monthlyReports).orderBy(desc(monthlyReports.month));
    return {
      items: rows.map((r) => ({
        id: r.id,
        month: r.month,
        state: r.state,
        stateLabel: monthlyReportProcess.states[r.state] ?? { ja: r.state, en: r.state },
        waitingFor: waitingFor(monthlyReportProcess.transitions, r.state),
        version: r.version,
        snapshotAt: r.snapshotAt,
        submittedByLabel: r.submittedByLabel,
        approvedAt: r.approvedAt,
        error: r.error,
        attempts: r.attempts,
      })),
      canDraft: writesReports(actor),
    };
  }

  async function get(actor: Actor, month: string) {
    requireRead(actor);
    return view(db, await load(db, month), actor);
  }

  /**
   * Claims the month (unique row) and assembles its snapshot. Idempotent: a month with a snapshot is left
   * alone; a failed claim (no snapshot) is retried after RETRY_AFTER_MS, the error kept on the row.
   */
  async function draft(actor: Actor, month: string, opts: { force?: boolean } = {}) {
    requireTeam(actor);
    checkMonth(month);
    const now = clock.now();
    const [claimed] = await db
      .insert(monthlyReports)
      .values({ month, state: 'draft', claimedAt: now, createdByLabel: actor.label, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    let row = claimed;
    if (!row) {
      const cond = opts.force
        ? and(eq(monthlyReports.month, month), eq(monthlyReports.state, 'draft'))
        : and(eq(monthlyReports.month, month), isNull(monthlyReports.snapshot), lt(monthlyReports.claimedAt, new Date(now.getTime() - RETRY_AFTER_MS)));
      [row] = await db.update(monthlyReports).set({ claimedAt: now }).where(cond).returning();
      if (!row) {
        const existing = await load(db, month);
        if (opts.force) throw new ConflictError('report.not_draft', { state: existing.state });
        return { created: false, report: await view(db, existing, actor) };
      }
    }
    try {
      const snapshot = await assembleReport(db, calendar, month, now);
      return inTx(db, async (t) => {
        const [r] = await t
          .update(monthlyReports)
          .set({ snapshot, snapshotAt: now, error: null, attempts: row!.attempts + 1, updatedAt: now })
          .where(eq(monthlyReports.id, row!.id))
          .returning();
        await recordEvent(t, now, actor, { process: monthlyReportProcess.name, recordId: r!.id, action: claimed ? 'draft' : 'resnapshot', state: r!.state });
        return { created: !!claimed, report: await view(t, r!, actor) };
      });
    } catch (e) {
      await db
        .update(monthlyReports)
        .set({ error: String((e as Error).message ?? e).slice(0, 500), attempts: row.attempts + 1, updatedAt: now })
        .where(eq(monthlyReports.id, row.id));
      throw e;
    }
  }

  async function resnapshot(actor: Actor, month: string, raw: unknown) {
    const { version } = z
      .object({ version: z.number().int().min(1) })
      .strict()
      .parse(raw);
    const r = await load(db, month);
    if (r.version !== version) throw new ConflictError('error.stale_version');
    return draft(actor, r.month, { force: true });
  }

  async function editTexts(actor: Actor, month: string, raw: unknown) {
    requireTeam(actor);
    const { version, ...input } = textsInput.parse(raw);
    return inTx(db, async (t) => {
      const r = await load(t, month);
      if (r.state !== 'draft') throw new ConflictError('report.not_draft', { state: r.state });
      const texts: ReportTexts = {
        kpis: { ...r.texts.kpis, ...(input.kpis ?? {}) },
        summary: input.summary ?? r.texts.summary,
        fixInfo: input.fixInfo ?? r.texts.fixInfo,
      };
      const [u] = await t
        .update(monthlyReports)
        .set({ texts, version: r.version + 1, updatedAt: clock.now() })
        .where(and(eq(monthlyReports.id, r.id), eq(monthlyReports.version, version)))
        .returning();
      if (!u) throw new ConflictError('error.stale_version');
      await recordEvent(t, clock.now(), actor, { process: monthlyReportProcess.name, recordId: r.id, action: 'edit', state: r.state });
      return view(t, u, actor);
    });
  }

  async function act(actor: Actor, month: string, action: string, raw: unknown) {
    requireRead(actor);
    const { version, ...input } = actionInput.parse(raw);
    return inTx(db, async (t) => {
      const r = await load(t, month);
      return view(t, await fire(t, { clock, actor }, monthlyReportProcess, { ...r, version }, action, input), actor);
    });
  }

  async function file(actor: Actor, month: string, format: 'pdf' | 'xlsx') {
    requireRead(actor);
    const r = await load(db, month);
    if (!r.snapshot) throw new ConflictError('report.no_snapshot');
    return format === 'pdf' ? reportPdf(r.snapshot, r.texts) : reportXlsx(r.snapshot, r.texts);
  }

  /** The month-end job: once the month is over on the business calendar (next month's first business day, opening), draft it. */
  function closesAt(now: Date): Date {
    const first = `${monthOf(now)}-01`;
    const day = calendar.isBusinessDay(first) ? first : calendar.nextBusinessDay(first);
    return parseJstLocal(`${day}T${calendar.open}`);
  }
  const jobActor = systemActor('月次報告（月末の作成）');
  async function runMonthEnd(): Promise<{ month: string | null; created: boolean }> {
    const now = clock.now();
    if (now < closesAt(now)) return { month: null, created: false };
    const month = addMonths(monthOf(now), -1);
    const r = await draft(jobActor, month);
    return { month, created: r.created };
  }

  return { list, get, draft, resnapshot, editTexts, act, file, runMonthEnd, closesAt };
}
export type ReportService = ReturnType<typeof createReportService>;
