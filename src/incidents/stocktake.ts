import { and, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { type BusinessCalendar, parseJstLocal, toJstYmd } from '../calendar/index.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, systemActor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { enqueueMail, type IncidentMailTemplates, mailFrom } from '../notify/index.ts';
import { addressesOfRole } from './recipients.ts';
import { incidentStocktakes } from './schema.ts';

/** The stocktake as service.stocktake builds it (only what recording needs). */
export interface StocktakeSnapshot {
  at: Date;
  undispatched: readonly { receiptNo: string; title: string; registeredAt: Date }[];
  overdue: readonly { receiptNo: string; title: string; reasons: readonly string[] }[];
}

export type StocktakeRecord = typeof incidentStocktakes.$inferSelect;

/** The overdue reasons as N's words, for the record's note and the mail. */
export const REASON_LABELS: Record<string, string> = {
  first_report: '第一報の報告期限',
  continuing_report: '継続報の報告期限',
  recovery: '復旧完了目標時間',
  due: '納期・アクションプラン',
};

const DAY_MS = 86_400_000;

/** The closing instant of the last business day before `ymd`'s JST date. */
export function previousBusinessClose(calendar: BusinessCalendar, ymd: string): Date {
  let t = parseJstLocal(`${ymd}T12:00`).getTime();
  for (let i = 0; i < 31; i++) {
    t -= DAY_MS;
    const d = toJstYmd(new Date(t));
    if (calendar.isBusinessDay(d)) return parseJstLocal(`${d}T${calendar.close}`);
  }
  throw new Error(`no business day in the 31 days before ${ymd}`);
}

/**
 * 「品質基準・目標を遵守出来ない（悪化につながる）懸念」 decided from the stocktake alone (INC-9,
 * N §3.2.3.5). The quality targets behind each deadline (N §2.6.3, SLM-2..4): the recovery target
 * (復旧完了目標時間 → availability of levels A/B), the report times of N §3.2.3.6 (first and
 * continuing reports → 監視運用の一次対応着手), and the due date / action plan (納期 → 納期遵守率 of
 * resource additions and VM preparation; 長期化). So the stocktake is at risk when
 *
 *  - any open incident is past one of those deadlines (every overdue reason counts), or
 *  - an incident is still undispatched (ディスパッチもれ) although it was registered before the close
 *    of the previous business day: a whole business day passed without anyone on it.
 *
 * An incident registered after the last close (at night, at the weekend) and still undispatched at
 * the opening is listed but is not yet a risk — the desk dispatches it this morning. The manager
 * may always judge a stocktake at risk on other grounds (N: 管理者の判断で…報告する) by recording it.
 */
export function assessStocktake(st: StocktakeSnapshot, calendar: BusinessCalendar): { atRisk: boolean; staleUndispatched: string[]; note: string } {
  const cutoff = previousBusinessClose(calendar, toJstYmd(st.at));
  const stale = st.undispatched.filter((i) => new Date(i.registeredAt).getTime() < cutoff.getTime()).map((i) => i.receiptNo);
  const atRisk = st.overdue.length > 0 || stale.length > 0;
  const parts: string[] = [];
  if (st.overdue.length) {
    const counts = new Map<string, number>();
    for (const i of st.overdue) for (const r of i.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    parts.push(`期限超過 ${st.overdue.length}件（${[...counts].map(([r, n]) => `${REASON_LABELS[r] ?? r} ${n}件`).join('、')}）`);
  }
  if (stale.length) parts.push(`前業務日の終業までに受け付けたディスパッチもれ ${stale.length}件（${stale.join('、')}）`);
  const note = atRisk
    ? `${parts.join('。')}。品質基準・目標（復旧完了目標時間・報告時間・納期遵守）の遵守に懸念があります。`
    : `ディスパッチもれ ${st.undispatched.length}件（前業務日の終業以降の受付）、期限超過なし。`;
  return { atRisk, staleUndispatched: stale, note };
}

/**
 * Records a stocktake in the caller's transaction (INC-9): what was found undispatched and overdue,
 * whether the quality targets are at risk, the corrective action; at risk, the supervisors get the
 * report by mail (with the vendor managers in copy when the stocktake was made automatically).
 */
export async function saveStocktake(
  t: Db,
  ctx: { clock: Clock; actor: Actor; mails: IncidentMailTemplates },
  st: StocktakeSnapshot,
  input: { atRisk: boolean; note?: string | null; correctiveAction?: string | null },
): Promise<StocktakeRecord> {
  const { clock, actor } = ctx;
  const [row] = await t
    .insert(incidentStocktakes)
    .values({
      at: clock.now(),
      byId: actor.personId,
      byLabel: actor.label,
      undispatched: st.undispatched.map((i) => i.receiptNo),
      overdue: st.overdue.map((i) => i.receiptNo),
      atRisk: input.atRisk,
      note: input.note ?? null,
      correctiveAction: input.correctiveAction ?? null,
    })
    .returning();
  let rec = row!;
  const to = input.atRisk ? await addressesOfRole(t, 'supervisor') : [];
  if (to.length) {
    const cc = actor.kind === 'system' ? await addressesOfRole(t, 'vendor_manager') : [];
    const mail = ctx.mails.stocktakeReport({
      at: rec.at,
      by: actor.label,
      note: input.note ?? '',
      correctiveAction: input.correctiveAction ?? null,
      undispatched: st.undispatched,
      overdue: st.overdue.map((i) => ({ ...i, reasons: i.reasons.map((r) => REASON_LABELS[r] ?? r) })),
    });
    const { id: mailId } = await enqueueMail(t, clock, mailFrom(mail, { recordType: 'incident_stocktake', recordId: String(rec.id), to, cc, createdBy: actor }));
    [rec] = (await t.update(incidentStocktakes).set({ mailId }).where(eq(incidentStocktakes.id, rec.id)).returning()) as [StocktakeRecord];
  }
  await audit(t, clock, actor, { action: 'incident.stocktake', entityType: 'incident_stocktake', entityId: String(rec.id), after: rec });
  return rec;
}

/** Who records the automatic stocktake: Kiban itself (by_id NULL and this label mark the day's automatic record). */
export const AUTO_STOCKTAKE_LABEL = '自動棚卸（開庁時）';

/** The transaction-scoped lock that makes the day's automatic stocktake run once across processes. */
const STOCKTAKE_LOCK = 4711101;

/**
 * The daily stocktake at each business day's opening (INC-9, N §3.2.3.5 「毎日、以下の確認を行う」):
 * from the opening of a business day on, the first run of the day builds the stocktake, records it
 * (by Kiban, with its assessment) and reports it to the supervisors when the quality targets are at
 * risk. Later runs that day — the next tick, a restart, another API process — find the day's record
 * and do nothing; non-business days do nothing. A server down at the opening catches up when it
 * starts (the stocktake then shows the state at that moment).
 */
export function createStocktakeJob(deps: {
  db: Db;
  clock: Clock;
  calendar: BusinessCalendar;
  mails: IncidentMailTemplates;
  /** service.stocktake as Kiban sees it (all departments). */
  build: (actor: Actor) => Promise<StocktakeSnapshot>;
}) {
  const { db, clock, calendar } = deps;
  const actor = systemActor(AUTO_STOCKTAKE_LABEL);

  /** The JST day's window [00:00, next 00:00) and whether the job is due in it now. */
  function today(now: Date) {
    const ymd = toJstYmd(now);
    const start = parseJstLocal(`${ymd}T00:00`);
    return {
      ymd,
      start,
      end: new Date(start.getTime() + DAY_MS),
      due: calendar.isBusinessDay(ymd) && now.getTime() >= parseJstLocal(`${ymd}T${calendar.open}`).getTime(),
    };
  }

  const doneToday = (t: Db, d: { start: Date; end: Date }) =>
    t
      .select({ id: incidentStocktakes.id })
      .from(incidentStocktakes)
      .where(and(isNull(incidentStocktakes.byId), eq(incidentStocktakes.byLabel, AUTO_STOCKTAKE_LABEL), gte(incidentStocktakes.at, d.start), lt(incidentStocktakes.at, d.end)))
      .limit(1);

  /** One tick: records the day's stocktake if due and not yet done; returns it, or null. */
  async function runDue(): Promise<StocktakeRecord | null> {
    const d = today(clock.now());
    if (!d.due) return null;
    if ((await doneToday(db, d)).length) return null;
    const st = await deps.build(actor);
    const assessed = assessStocktake(st, calendar);
    return inTx(db, async (t) => {
      await t.execute(sql`SELECT pg_advisory_xact_lock(${STOCKTAKE_LOCK})`);
      if ((await doneToday(t, d)).length) return null;
      return saveStocktake(t, { clock, actor, mails: deps.mails }, st, { atRisk: assessed.atRisk, note: assessed.note, correctiveAction: null });
    });
  }

  return { runDue };
}
