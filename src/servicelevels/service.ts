import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { audit } from '../audit/index.ts';
import { BusinessCalendar } from '../calendar/index.ts';
import type { Db } from '../db/index.ts';
import { inTx } from '../db/index.ts';
import { type Actor, can, requirePermission, visibleDepartments } from '../iam/actor.ts';
import { incidents, jstCell, type LedgerColumn, ledgerFile, nextReceiptNo } from '../incidents/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, NotFoundError } from '../kernel/errors.ts';
import { monitoringAlerts } from '../monitoring/schema.ts';
import { fire, processView, recordEvent } from '../process/index.ts';
import { type Availability, computeAvailability, type Figure } from './availability.ts';
import { computeDashboard } from './dashboard.ts';
import { actionInput, caseMarkInput, manualFigureInput, menuCreateInput, menuEditInput, targetInput } from './inputs.ts';
import { computeKpis, KPI_DEFINITIONS, type KpiRow } from './kpis.ts';
import { MENU_SEED } from './menu-seed.ts';
import { monthPeriod, parsePeriod, type PeriodQuery } from './period.ts';
import { slMenuProcess, slTargetProcess, type Target } from './process.ts';
import { type KpiKey, slCaseMarks, slManualFigures, slMenuVersions, slTargets } from './schema.ts';

export interface ServiceLevelDeps {
  db: Db;
  clock: Clock;
  calendar?: BusinessCalendar;
  /** config KIBAN_SLM_FIRST_RESPONSE_MINUTES. */
  firstResponseMinutes?: number;
}

export const KPI_LABEL: Record<KpiKey, string> = Object.fromEntries(KPI_DEFINITIONS.map((d) => [d.key, d.label.ja])) as Record<KpiKey, string>;

/** Which judgement a KPI's single case may get (他責 excludes a late response; a provisional response succeeds, fails or is excluded). */
const MARKABLE: Partial<Record<KpiKey, { recordType: string; outcomes: readonly string[] }>> = {
  monitoring_first_response: { recordType: 'monitoring_alert', outcomes: ['excluded'] },
  provisional_response: { recordType: 'incident', outcomes: ['succeeded', 'failed', 'excluded'] },
};

const OUTCOME_JA: Record<string, string> = { excluded: '対象外', succeeded: '成功', failed: '未達成', clear: '判定の取消し' };

/**
 * サービスレベル管理 (SLM-3..5, SLM-8): availability and the KPI table of any period (the monthly and
 * half-year reports call `availability` and `kpis` with their month), case judgements and manual
 * figures, the quality targets and the service menu. Everyone with servicelevel.read reads; a system
 * owner sees only their department's systems and VMs (the levels summed over those) and never learns
 * of another department's system (404).
 */
export function createServiceLevelService(deps: ServiceLevelDeps) {
  const { db, clock } = deps;
  const calendar = deps.calendar ?? new BusinessCalendar();
  const firstResponseMinutes = deps.firstResponseMinutes ?? 30;

  const read = (actor: Actor) => requirePermission(actor, 'servicelevel.read');
  const manage = (actor: Actor) => requirePermission(actor, 'servicelevel.manage');
  const ctxOf = (actor: Actor) => ({ clock, actor });

  async function availability(actor: Actor, q: PeriodQuery): Promise<Availability> {
    read(actor);
    return computeAvailability(db, calendar, parsePeriod(q, clock.now()), clock.now(), visibleDepartments(actor));
  }

  /** One system's or VM's figure with the troubles and windows behind it (404 outside the caller's scope). */
  async function availabilityOf(actor: Actor, kind: 'system' | 'vm', id: string, q: PeriodQuery) {
    const a = await availability(actor, q);
    const f: (Figure & { name: string }) | undefined = kind === 'system' ? a.systems.find((s) => s.id === id) : a.vms.find((v) => v.id === id);
    if (!f) throw new NotFoundError('error.not_found');
    return {
      period: a.period,
      figure: f,
      vms: kind === 'system' ? a.vms.filter((v) => v.systemId === id) : [],
      incidents: a.incidents.filter((i) => f.incidentIds.includes(i.id)),
      windows: a.windows.filter((w) => f.windowIds.includes(w.id)),
      recoveryTargets: a.recoveryTargets,
    };
  }

  async function kpis(actor: Actor, q: PeriodQuery): Promise<{ period: Availability['period']; kpis: KpiRow[] }> {
    read(actor);
    const period = parsePeriod(q, clock.now());
    const depts = visibleDepartments(actor);
    const a = await computeAvailability(db, calendar, period, clock.now(), depts);
    return { period: a.period, kpis: await computeKpis(db, period, clock.now(), depts, a, { firstResponseMinutes }) };
  }

  async function exportAvailability(actor: Actor, format: 'xlsx' | 'csv', q: PeriodQuery) {
    const a = await availability(actor, q);
    type Row = Figure & { scope: string; name: string; level: string | null; note: string | null };
    const rows: Row[] = [
      ...a.levels.map((l) => ({ ...l, scope: 'サービスレベル', name: `レベル${l.level}（${l.vmCount}台）`, note: null })),
      ...a.systems.map((s) => ({ ...s, scope: 'システム', name: s.name, note: s.departmentName })),
      ...a.vms.map((v) => ({ ...v, scope: '仮想マシン', name: v.name, level: v.countedLevel, note: v.countedAs ?? v.systemName })),
    ];
    const cols: LedgerColumn<Row>[] = [
      { header: '区分', value: (r) => r.scope },
      { header: '名称', value: (r) => r.name, width: 30 },
      { header: 'サービスレベル', value: (r) => r.level },
      { header: '期間（分）', value: (r) => r.periodMinutes },
      { header: '計画停止（分）', value: (r) => r.plannedMinutes },
      { header: '非稼働（分）', value: (r) => r.nonOperatingMinutes },
      { header: '稼働率（%）', value: (r) => r.availability },
      { header: 'インシデント数', value: (r) => r.incidentIds.length },
      { header: '備考', value: (r) => r.note, width: 30 },
    ];
    return ledgerFile({ en: `availability-${a.period.month ?? 'period'}`, ja: `稼働率_${a.period.month ?? jstCell(a.period.from)?.slice(0, 10)}` }, format, cols, rows, clock.now());
  }

  async function exportKpis(actor: Actor, format: 'xlsx' | 'csv', q: PeriodQuery) {
    const { period, kpis: rows } = await kpis(actor, q);
    const cols: LedgerColumn<KpiRow>[] = [
      { header: '品質目標', value: (r) => r.goal.ja },
      { header: '品質指標', value: (r) => r.label.ja, width: 34 },
      { header: '計算式', value: (r) => r.formula, width: 50 },
      { header: '分子', value: (r) => r.numerator },
      { header: '分母', value: (r) => r.denominator },
      { header: '実績（%）', value: (r) => (r.status === 'no_source' ? 'データソースなし' : r.value) },
      { header: '目標（%）', value: (r) => r.target?.percent ?? null },
      { header: '達成', value: (r) => (r.met === null ? null : r.met ? '達成' : '未達') },
      { header: '対象外（件）', value: (r) => r.excluded.length },
      { header: '対象外の理由', value: (r) => r.excluded.map((c) => `${c.ref}: ${c.reason ?? ''}`).join(' / ') || null, width: 40 },
      { header: '備考', value: (r) => r.note, width: 40 },
    ];
    return ledgerFile({ en: `kpis-${period.month ?? 'period'}`, ja: `品質指標_${period.month ?? jstCell(period.from)?.slice(0, 10)}` }, format, cols, rows, clock.now());
  }

  /** The team's judgement on one case (他責 / 手順書の不備 / 暫定対応の結果), reason required unless succeeded. */
  async function markCase(actor: Actor, kpi: KpiKey, recordId: string, raw: unknown) {
    manage(actor);
    const input = caseMarkInput.parse(raw);
    const rule = MARKABLE[kpi];
    if (!rule) throw fieldError('kpi', 'servicelevel.kpi_not_markable');
    if (input.outcome !== 'clear' && !rule.outcomes.includes(input.outcome)) throw fieldError('outcome', 'servicelevel.outcome_not_allowed', { allowed: rule.outcomes.map((o) => OUTCOME_JA[o]).join('・') });
    if ((input.outcome === 'excluded' || input.outcome === 'failed') && !input.reason) throw fieldError('reason', 'servicelevel.reason_required');
    return inTx(db, async (t) => {
      const table = rule.recordType === 'incident' ? incidents : monitoringAlerts;
      const [rec] = await t.select({ id: table.id }).from(table).where(eq(table.id, recordId));
      if (!rec) throw new NotFoundError('servicelevel.case_not_found');
      const [before] = await t.select().from(slCaseMarks).where(and(eq(slCaseMarks.kpi, kpi), eq(slCaseMarks.recordId, recordId)));
      let after: typeof slCaseMarks.$inferSelect | null = null;
      if (input.outcome === 'clear') {
        if (before) await t.delete(slCaseMarks).where(eq(slCaseMarks.id, before.id));
      } else {
        const values = { kpi, recordType: rule.recordType, recordId, outcome: input.outcome, reason: input.reason ?? null, markedBy: actor.personId, markedByLabel: actor.label, markedAt: clock.now() };
        const [row] = await t
          .insert(slCaseMarks)
          .values(values)
          .onConflictDoUpdate({ target: [slCaseMarks.kpi, slCaseMarks.recordId], set: { outcome: values.outcome, reason: values.reason, markedBy: values.markedBy, markedByLabel: values.markedByLabel, markedAt: values.markedAt } })
          .returning();
        after = row ?? null;
      }
      await audit(t, clock, actor, { action: 'servicelevel.mark_case', entityType: rule.recordType, entityId: recordId, before: before ?? null, after: after ?? { kpi, outcome: 'clear' } });
      return { kpi, recordId, outcome: input.outcome, reason: after?.reason ?? null };
    });
  }

  /** 集約率 by hand for a month (until the migration plan's ledger exists). */
  async function setManualFigure(actor: Actor, kpi: KpiKey, raw: unknown) {
    manage(actor);
    if (kpi !== 'consolidation') throw fieldError('kpi', 'servicelevel.kpi_not_manual');
    const input = manualFigureInput.parse(raw);
    monthPeriod(input.month);
    if (input.denominator < 1 || input.numerator > input.denominator) throw fieldError('denominator', 'servicelevel.denominator');
    return inTx(db, async (t) => {
      const [before] = await t.select().from(slManualFigures).where(and(eq(slManualFigures.kpi, kpi), eq(slManualFigures.month, input.month)));
      const values = { kpi, month: input.month, numerator: input.numerator, denominator: input.denominator, note: input.note ?? null, enteredBy: actor.personId, enteredByLabel: actor.label, enteredAt: clock.now() };
      const [after] = await t.insert(slManualFigures).values(values).onConflictDoUpdate({ target: [slManualFigures.kpi, slManualFigures.month], set: values }).returning();
      await audit(t, clock, actor, { action: 'servicelevel.manual_figure', entityType: 'sl_manual_figure', entityId: after!.id, before: before ?? null, after });
      return after!;
    });
  }

  // ── 品質目標 (SLM-5) ─────────────────────────────────────────────────────────────────────────
  const targetView = (r: Target) => ({ ...r, kpiLabel: KPI_LABEL[r.kpi], stateLabel: slTargetProcess.states[r.state]?.ja ?? r.state });

  async function listTargets(actor: Actor) {
    read(actor);
    const rows = await db.select().from(slTargets).orderBy(asc(slTargets.kpi), desc(slTargets.effectiveFrom), desc(slTargets.requestedAt));
    return { items: rows.map(targetView), kpis: KPI_DEFINITIONS.map((d) => ({ key: d.key, label: d.label })), canPropose: can(actor, 'servicelevel.manage') };
  }

  async function getTarget(actor: Actor, id: string) {
    read(actor);
    const [r] = await db.select().from(slTargets).where(eq(slTargets.id, id));
    if (!r) throw new NotFoundError('error.not_found');
    const history = await db.select().from(slTargets).where(and(eq(slTargets.kpi, r.kpi), eq(slTargets.state, 'approved'))).orderBy(desc(slTargets.effectiveFrom));
    return { ...targetView(r), history: history.map(targetView), process: await processView(db, slTargetProcess, r, actor) };
  }

  /** The manager proposes a target; go-live / half-year review (April, October) / mid-year change (reason required). */
  async function proposeTarget(actor: Actor, raw: unknown) {
    manage(actor);
    const input = targetInput.parse(raw);
    if (!(input.targetPercent >= 0 && input.targetPercent <= 100)) throw fieldError('targetPercent', 'servicelevel.target_range');
    monthPeriod(input.effectiveFrom, 'effectiveFrom');
    const now = clock.now();
    return inTx(db, async (t) => {
      const [pending] = await t.select().from(slTargets).where(and(eq(slTargets.kpi, input.kpi), eq(slTargets.state, 'submitted')));
      if (pending) throw new ConflictError('servicelevel.target_pending', { refNo: pending.refNo });
      const [prior] = await t.select({ id: slTargets.id }).from(slTargets).where(and(eq(slTargets.kpi, input.kpi), eq(slTargets.state, 'approved'))).limit(1);
      const mm = input.effectiveFrom.slice(5, 7);
      const kind = !prior ? 'go_live' : mm === '04' || mm === '10' ? 'half_year_review' : 'mid_year_change';
      if (kind === 'mid_year_change' && !input.reason) throw fieldError('reason', 'servicelevel.mid_year_reason');
      const refNo = await nextReceiptNo(t, 'SLT', now);
      const [row] = await t
        .insert(slTargets)
        .values({ refNo, kpi: input.kpi, targetPercent: input.targetPercent, effectiveFrom: input.effectiveFrom, kind, reason: input.reason ?? null, state: slTargetProcess.initial, requestedBy: actor.personId, requestedByLabel: actor.label, requestedAt: now, createdAt: now, updatedAt: now })
        .returning();
      await recordEvent(t, now, actor, { process: slTargetProcess.name, recordId: row!.id, action: 'request', fromState: '', state: row!.state, comment: input.reason ?? null });
      await audit(t, clock, actor, { action: 'sl_target.request', entityType: 'sl_target', entityId: row!.id, after: row });
      return targetView(row!);
    });
  }

  async function actTarget(actor: Actor, id: string, action: string, raw: unknown) {
    read(actor);
    const { version, ...input } = actionInput.parse(raw);
    return inTx(db, async (t) => {
      const [r] = await t.select().from(slTargets).where(eq(slTargets.id, id));
      if (!r) throw new NotFoundError('error.not_found');
      return targetView(await fire(t, ctxOf(actor), slTargetProcess, { ...r, version }, action, input));
    });
  }

  // ── サービスメニュー (SLM-8) ──────────────────────────────────────────────────────────────────
  const menuView = (r: typeof slMenuVersions.$inferSelect) => ({ ...r, stateLabel: slMenuProcess.states[r.state]?.ja ?? r.state });

  /** The published menu for everyone; the team also sees every version (drafts, history). */
  async function menu(actor: Actor) {
    read(actor);
    const team = can(actor, 'servicelevel.manage') || visibleDepartments(actor) === null;
    const rows = await db.select().from(slMenuVersions).where(team ? undefined : inArray(slMenuVersions.state, ['published'])).orderBy(desc(slMenuVersions.versionNo));
    return { current: rows.find((r) => r.state === 'published') ? menuView(rows.find((r) => r.state === 'published')!) : null, versions: team ? rows.map(menuView) : [], canEdit: can(actor, 'servicelevel.manage') };
  }

  async function loadMenu(t: Db, actor: Actor, id: string) {
    read(actor);
    const [r] = await t.select().from(slMenuVersions).where(eq(slMenuVersions.id, id));
    const team = can(actor, 'servicelevel.manage') || visibleDepartments(actor) === null;
    if (!r || (!team && r.state !== 'published' && r.state !== 'superseded')) throw new NotFoundError('error.not_found');
    return r;
  }

  async function getMenu(actor: Actor, id: string) {
    const r = await loadMenu(db, actor, id);
    return { ...menuView(r), process: await processView(db, slMenuProcess, r, actor) };
  }

  /** A new version starts as a copy of the current one (or N/M's seed when there is none). */
  async function createMenuVersion(actor: Actor, raw: unknown) {
    requirePermission(actor, 'servicelevel.manage');
    const input = menuCreateInput.parse(raw);
    const now = clock.now();
    return inTx(db, async (t) => {
      const [open] = await t.select().from(slMenuVersions).where(inArray(slMenuVersions.state, ['draft', 'review', 'approval']));
      if (open) throw new ConflictError('servicelevel.menu_open', { versionNo: open.versionNo });
      const [cur] = await t.select().from(slMenuVersions).where(eq(slMenuVersions.state, 'published'));
      const [{ n }] = (await t.select({ n: sql<number>`coalesce(max(${slMenuVersions.versionNo}), 0)::int` }).from(slMenuVersions)) as [{ n: number }];
      const [row] = await t
        .insert(slMenuVersions)
        .values({ versionNo: n + 1, state: slMenuProcess.initial, items: cur?.items ?? MENU_SEED, reason: input.reason, authorId: actor.personId, authorLabel: actor.label, createdAt: now, updatedAt: now })
        .returning();
      await recordEvent(t, now, actor, { process: slMenuProcess.name, recordId: row!.id, action: 'create', fromState: '', state: row!.state, comment: input.reason });
      await audit(t, clock, actor, { action: 'sl_menu.create', entityType: 'sl_menu', entityId: row!.id, after: row });
      return menuView(row!);
    });
  }

  async function editMenu(actor: Actor, id: string, raw: unknown) {
    requirePermission(actor, 'servicelevel.manage');
    const input = menuEditInput.parse(raw);
    return inTx(db, async (t) => {
      const r = await loadMenu(t, actor, id);
      if (r.state !== 'draft') throw new ConflictError('servicelevel.menu_not_draft', { state: slMenuProcess.states[r.state]?.ja ?? r.state });
      const [after] = await t
        .update(slMenuVersions)
        .set({ items: input.items, reason: input.reason ?? r.reason, version: r.version + 1, updatedAt: clock.now() })
        .where(and(eq(slMenuVersions.id, id), eq(slMenuVersions.version, input.version)))
        .returning();
      if (!after) throw new ConflictError('error.stale_version');
      await recordEvent(t, clock.now(), actor, { process: slMenuProcess.name, recordId: id, action: 'edit', state: after.state, comment: `${input.items.length} 項目` });
      await audit(t, clock, actor, { action: 'sl_menu.edit', entityType: 'sl_menu', entityId: id, before: { items: r.items, version: r.version }, after: { items: after.items, version: after.version } });
      return menuView(after);
    });
  }

  async function actMenu(actor: Actor, id: string, action: string, raw: unknown) {
    const { version, ...input } = actionInput.parse(raw);
    return inTx(db, async (t) => {
      const r = await loadMenu(t, actor, id);
      return menuView(await fire(t, ctxOf(actor), slMenuProcess, { ...r, version }, action, input));
    });
  }

  /** 12 months of figures against target in one request (the dashboard). */
  const dashboard = (actor: Actor, q: { month?: string }) => computeDashboard({ db, clock, calendar, firstResponseMinutes }, actor, q);

  return { dashboard, availability, availabilityOf, kpis, exportAvailability, exportKpis, markCase, setManualFigure, listTargets, getTarget, proposeTarget, actTarget, menu, getMenu, createMenuVersion, editMenu, actMenu };
}

export type ServiceLevelService = ReturnType<typeof createServiceLevelService>;
export const idParam = z.object({ id: z.uuid() }).strict();
