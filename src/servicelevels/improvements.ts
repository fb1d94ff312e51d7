import { and, eq, isNull, lt } from 'drizzle-orm';
import { BusinessCalendar, parseJstLocal } from '../calendar/index.ts';
import type { Db } from '../db/index.ts';
import { systemActor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { createProblemService } from '../problems/index.ts';
import { computeAvailability } from './availability.ts';
import { computeKpis, type KpiRow } from './kpis.ts';
import { addMonths, monthOf, monthPeriod } from './period.ts';
import { type KpiKey, slImprovements } from './schema.ts';

export interface ImprovementJobDeps {
  db: Db;
  clock: Clock;
  calendar?: BusinessCalendar;
  /** config KIBAN_SLM_WORSENING_MONTHS (default 3). */
  worseningMonths?: number;
  firstResponseMinutes?: number;
  platformName?: string;
}

/** A claim whose problem registration failed is retried after this long (another server may be on it). */
const RETRY_AFTER_MS = 10 * 60_000;

/**
 * 改善活動 (N §3.1.3.4, SLM-5): once the previous month is closed — from the first business day's
 * opening of the next month — every KPI of that month is compared with its target. A KPI below its
 * target, or worse than the month before in each of the last `worseningMonths` months (「実績値が継続
 * して悪化傾向にある場合」), opens one improvement problem (問題管理, source 業務の改善) for the manager.
 * The (KPI, month) key is claimed in sl_improvements before the problem is registered, so a restart
 * or two servers open it once; a failed registration leaves the claim without a problem, retried later
 * and visible (error column).
 */
export function createImprovementJob(deps: ImprovementJobDeps) {
  const { db, clock } = deps;
  const calendar = deps.calendar ?? new BusinessCalendar();
  const months = deps.worseningMonths ?? 3;
  const actor = systemActor('サービスレベル管理（月次の改善判定）');
  const problems = createProblemService({ db, clock, platformName: deps.platformName });

  async function kpisOf(month: string): Promise<KpiRow[]> {
    const p = monthPeriod(month);
    const a = await computeAvailability(db, calendar, p, clock.now(), null);
    return computeKpis(db, p, clock.now(), null, a, { firstResponseMinutes: deps.firstResponseMinutes ?? 30 });
  }

  /** The first business day's opening of the month `now` is in. */
  function closesAt(now: Date): Date {
    const first = `${monthOf(now)}-01`;
    const day = calendar.isBusinessDay(first) ? first : calendar.nextBusinessDay(first);
    return parseJstLocal(`${day}T${calendar.open}`);
  }

  /** The month this process last evaluated completely (the claims keep it once across processes). */
  let done: string | null = null;

  /** Evaluates `month` (default: the previous month, once it is closed). Returns the problems opened. */
  async function runOnce(month?: string): Promise<{ month: string | null; opened: { kpi: KpiKey; trigger: string; problemId: string }[] }> {
    const now = clock.now();
    const scheduled = !month;
    if (!month) {
      if (now < closesAt(now)) return { month: null, opened: [] };
      month = addMonths(monthOf(now), -1);
      if (done === month) return { month, opened: [] };
    }
    const current = await kpisOf(month);
    const history: KpiRow[][] = [];
    for (let i = 1; i <= months; i++) history.push(await kpisOf(addMonths(month, -i)));
    const opened: { kpi: KpiKey; trigger: string; problemId: string }[] = [];
    for (const row of current) {
      if (row.value === null) continue;
      let trigger: 'below_target' | 'worsening' | null = null;
      if (row.target && row.value < row.target.percent) trigger = 'below_target';
      else {
        const series = [row.value, ...history.map((h) => h.find((x) => x.key === row.key)?.value ?? null)];
        if (series.every((v) => v !== null) && series.slice(0, months).every((v, i) => (v as number) < (series[i + 1] as number))) trigger = 'worsening';
      }
      if (!trigger) continue;
      const claimed = await db
        .insert(slImprovements)
        .values({ kpi: row.key, month, trigger, valuePercent: row.value, targetPercent: row.target?.percent ?? null, claimedAt: now })
        .onConflictDoNothing()
        .returning();
      let claim = claimed[0];
      if (!claim) {
        // Already claimed: retry only a claim whose registration failed and was not retried lately.
        const [stale] = await db
          .update(slImprovements)
          .set({ claimedAt: now })
          .where(and(eq(slImprovements.kpi, row.key), eq(slImprovements.month, month), isNull(slImprovements.problemId), lt(slImprovements.claimedAt, new Date(now.getTime() - RETRY_AFTER_MS))))
          .returning();
        if (!stale) continue;
        claim = stale;
      }
      try {
        const why =
          trigger === 'below_target'
            ? `${month} の実績 ${row.value}% が品質目標 ${row.target!.percent}%（${row.target!.refNo}）を下回りました。`
            : `${month} までの ${months} か月、実績が前月より悪化し続けています（${row.value}%）。`;
        const p = await problems.register(actor, {
          title: `品質目標の改善活動：${row.label.ja}（${month}）`,
          description: `${why}\n\nN §3.1.3.4 により管理者にて改善活動を開始し、状況を月次報告会で報告します。\n計算式：${row.formula}\n${row.note ?? ''}`,
          source: 'improvement',
        });
        await db.update(slImprovements).set({ problemId: p.id, error: null }).where(eq(slImprovements.id, claim.id));
        opened.push({ kpi: row.key, trigger, problemId: p.id });
      } catch (e) {
        await db.update(slImprovements).set({ error: String((e as Error).message ?? e).slice(0, 500) }).where(eq(slImprovements.id, claim.id));
        throw e;
      }
    }
    if (scheduled) done = month;
    return { month, opened };
  }

  return { runOnce, closesAt };
}
