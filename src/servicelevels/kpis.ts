import { and, desc, eq, gte, inArray, lt, lte, or, type SQLWrapper, sql } from 'drizzle-orm';
import { cmdbSystems, cmdbVms } from '../cmdb/index.ts';
import type { Db } from '../db/index.ts';
import { incidentCis, incidents } from '../incidents/index.ts';
import { monitoringAlerts } from '../monitoring/schema.ts';
import type { Availability } from './availability.ts';
import { monthOf, type Period } from './period.ts';
import { type KpiKey, slCaseMarks, slManualFigures, slTargets } from './schema.ts';

type Bi = { ja: string; en: string };

/** N §2.6.3 <品質目標に対する品質指標、計算式、条件（案）>, one row per 品質指標. */
export interface KpiDefinition {
  key: KpiKey;
  goal: Bi;
  label: Bi;
  formula: string;
  conditions: string[];
}

export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  {
    key: 'availability_a',
    goal: { ja: '全体最適化', en: 'Overall optimisation' },
    label: { ja: 'システムサービスレベル「A」の稼働率', en: 'Availability of level A' },
    formula: '((24H365D − 計画停止時間) − 「A」の非稼働時間の総和) ÷ (24H365D − 計画停止時間)',
    conditions: [
      '基盤に起因して仮想マシンが停止／影響が発生した時間を非稼働とする',
      '非稼働時間 = 復旧完了時間 − 検知時間',
      '縮退運転中でも仮想マシンに影響がない場合は稼働中',
      '二重化されていない A のシステムは B に含む',
    ],
  },
  {
    key: 'availability_b',
    goal: { ja: '全体最適化', en: 'Overall optimisation' },
    label: { ja: 'システムサービスレベル「B」の稼働率', en: 'Availability of level B' },
    formula: '((24H365D − 計画停止時間) − 「B」の非稼働時間の総和) ÷ (24H365D − 計画停止時間)',
    conditions: ['A と同じ'],
  },
  {
    key: 'consolidation',
    goal: { ja: '全体最適化', en: 'Overall optimisation' },
    label: { ja: 'サーバ仮想化統合基盤への集約率', en: 'Consolidation rate' },
    formula: '(移行対象システム数 − 移行未完了システム数) ÷ 移行対象システム数',
    conditions: ['移行対象システムは移行計画より求める（移行計画の台帳ができるまでは月ごとの手入力）'],
  },
  {
    key: 'resource_addition_on_time',
    goal: { ja: '効率化', en: 'Efficiency' },
    label: { ja: 'リソース追加作業の納期遵守率', en: 'On-time resource additions' },
    formula: '(リソース追加作業依頼全件数 − 納期未達成件数) ÷ リソース追加作業依頼全件数',
    conditions: ['依頼元の承認をもって作業完了とする', '依頼元の不備により未達成の場合は対象外'],
  },
  {
    key: 'vm_provisioning_on_time',
    goal: { ja: '効率化', en: 'Efficiency' },
    label: { ja: '仮想マシン準備の納期遵守率', en: 'On-time VM provisioning' },
    formula: '(サーバ払い出し依頼全件数 − 納期未達成件数) ÷ サーバ払い出し依頼全件数',
    conditions: ['依頼元の承認をもって作業完了とする', '依頼元の不備により未達成の場合は対象外'],
  },
  {
    key: 'monitoring_first_response',
    goal: { ja: '運用支援', en: 'Operations support' },
    label: { ja: '監視運用（一次対応着手の遵守率）', en: 'Monitoring first response on time' },
    formula: '(検知全件数 − 一次対応着手時間の未達成件数) ÷ 検知全件数',
    conditions: ['一次対応着手時間の未達成理由が他責（連絡がつかない等）の場合は対象外'],
  },
  {
    key: 'provisional_response',
    goal: { ja: '運用支援', en: 'Operations support' },
    label: { ja: '暫定対応の成功率', en: 'Provisional response success' },
    formula: '(暫定対応全件数 − 暫定対応の未達成件数) ÷ 暫定対応全件数',
    conditions: ['システム所管から提供された暫定対応手順に不備がある場合は対象外'],
  },
];

export type CaseOutcome = 'ok' | 'late' | 'failed' | 'excluded' | 'pending';

export interface KpiCase {
  recordType: string;
  recordId: string;
  ref: string;
  title: string;
  at: Date;
  outcome: CaseOutcome;
  /** Why (late by how much, the exclusion's reason…). */
  reason: string | null;
  markedBy: string | null;
}

export interface KpiRow {
  key: KpiKey;
  goal: Bi;
  label: Bi;
  formula: string;
  conditions: string[];
  /** measured: from Kiban's records; manual: entered by hand; no_source: no record exists yet (not a number). */
  status: 'measured' | 'manual' | 'no_source';
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  target: { percent: number; refNo: string; effectiveFrom: string } | null;
  /** value below target (null: nothing to compare). */
  met: boolean | null;
  cases: KpiCase[];
  excluded: KpiCase[];
  note: string | null;
}

/**
 * Where a KPI's cases come from when another module owns the records (issue 11's resource-addition and
 * VM-provisioning requests): that module registers a source at import, and the KPI table measures it
 * — requester-caused delays returned as `excluded` with their reason. Until then the KPI shows
 * 「データソースなし」, never a number.
 */
export type KpiSource = (db: Db, period: Period, departments: string[] | null) => Promise<KpiCase[]>;
const sources = new Map<KpiKey, KpiSource>();
export function registerKpiSource(key: 'resource_addition_on_time' | 'vm_provisioning_on_time', source: KpiSource): void {
  sources.set(key, source);
}

const pct = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 100_000) / 1000 : null);

/** The approved target in force for a month: the latest effectiveFrom ≤ month. */
export async function targetFor(db: Db, kpi: KpiKey, month: string): Promise<KpiRow['target']> {
  const [t] = await db
    .select()
    .from(slTargets)
    .where(and(eq(slTargets.kpi, kpi), eq(slTargets.state, 'approved'), lte(slTargets.effectiveFrom, month)))
    .orderBy(desc(slTargets.effectiveFrom), desc(slTargets.decidedAt))
    .limit(1);
  return t ? { percent: t.targetPercent, refNo: t.refNo, effectiveFrom: t.effectiveFrom } : null;
}

/** The team's mark of a KPI's case, joined in SQL (an `IN` list of a month's ~8k ids cost ~100 ms). */
const markOn = (kpi: KpiKey, recordId: SQLWrapper) => and(eq(slCaseMarks.kpi, kpi), eq(slCaseMarks.recordId, recordId));
const markCols = { markOutcome: slCaseMarks.outcome, markReason: slCaseMarks.reason, markedByLabel: slCaseMarks.markedByLabel };

/** 監視運用: every alert of the 監視対応台帳 detected in the period (not silenced), first response vs the target minutes. */
async function firstResponseCases(db: Db, period: Period, now: Date, depts: string[] | null, targetMinutes: number): Promise<KpiCase[]> {
  // Only the columns used: a month is ~8k alerts and decoding whole rows was most of the dashboard's time.
  const rows = await db
    .select({
      id: monitoringAlerts.id,
      ciName: monitoringAlerts.ciName,
      itemName: monitoringAlerts.itemName,
      detectedAt: monitoringAlerts.detectedAt,
      firstResponseAt: monitoringAlerts.firstResponseAt,
      resolution: monitoringAlerts.resolution,
      doneAt: monitoringAlerts.doneAt,
      recoveredAt: monitoringAlerts.recoveredAt,
      ...markCols,
    })
    .from(monitoringAlerts)
    .leftJoin(slCaseMarks, markOn('monitoring_first_response', monitoringAlerts.id))
    .where(
      and(
        gte(monitoringAlerts.detectedAt, period.from),
        lt(monitoringAlerts.detectedAt, period.to),
        eq(monitoringAlerts.silenced, false),
        depts === null ? undefined : depts.length ? inArray(monitoringAlerts.departmentId, depts) : eq(monitoringAlerts.silenced, true),
      ),
    )
    .orderBy(monitoringAlerts.detectedAt);
  const limit = targetMinutes * 60_000;
  return rows.map((a) => {
    const responded = a.firstResponseAt ?? (a.resolution ? a.doneAt : null);
    const due = a.detectedAt.getTime() + limit;
    let outcome: CaseOutcome;
    let reason: string | null;
    if (responded) {
      const min = Math.round((responded.getTime() - a.detectedAt.getTime()) / 60_000);
      outcome = responded.getTime() <= due ? 'ok' : 'late';
      reason = `検知から${min}分で一次対応着手（目標${targetMinutes}分）`;
    } else if (a.recoveredAt && a.recoveredAt.getTime() <= due) {
      outcome = 'ok';
      reason = '一次対応着手前に復旧を検知';
    } else {
      outcome = now.getTime() > due ? 'late' : 'pending';
      reason = outcome === 'late' ? `一次対応着手なし（目標${targetMinutes}分）` : '対応待ち';
    }
    if (a.markOutcome === 'excluded' && outcome === 'late') {
      outcome = 'excluded';
      reason = a.markReason;
    }
    return {
      recordType: 'monitoring_alert',
      recordId: a.id,
      ref: a.ciName,
      title: a.itemName,
      at: a.detectedAt,
      outcome,
      reason,
      markedBy: a.markedByLabel,
    };
  });
}

/**
 * 暫定対応: the troubles of the period on VMs that have an owner's 暫定対応手順書 (cmdb_vms.provisional_procedure).
 * The incident ledger does not record how the provisional response went, so the team records it per
 * case here (成功 / 未達成 / 対象外 with the procedure's fault); a case not yet judged is 判定待ち and not counted.
 */
async function provisionalCases(db: Db, period: Period, depts: string[] | null): Promise<KpiCase[]> {
  const rows = await db
    .selectDistinct({ id: incidents.id, receiptNo: incidents.receiptNo, title: incidents.title, detectedAt: incidents.detectedAt, ...markCols })
    .from(incidents)
    .innerJoin(incidentCis, eq(incidentCis.incidentId, incidents.id))
    .innerJoin(cmdbVms, and(eq(incidentCis.ciType, 'vm'), eq(cmdbVms.id, incidentCis.ciId)))
    .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .leftJoin(slCaseMarks, markOn('provisional_response', incidents.id))
    .where(
      and(
        eq(incidents.class, 'trouble'),
        eq(cmdbVms.provisionalProcedure, true),
        gte(incidents.detectedAt, period.from),
        lt(incidents.detectedAt, period.to),
        // An owner's cases are the troubles on their department's VMs (the procedure is theirs): a
        // platform-caused trouble is registered without a department, so incidents.department_id would
        // leave the owner no cases at all (the dashboard card showed "—").
        depts === null ? undefined : depts.length ? or(inArray(cmdbSystems.departmentId, depts), inArray(incidents.departmentId, depts)) : sql`false`,
      ),
    )
    .orderBy(incidents.detectedAt);
  return rows.map((r) => {
    const m = r.markOutcome;
    const outcome: CaseOutcome = !m ? 'pending' : m === 'succeeded' ? 'ok' : m === 'failed' ? 'failed' : 'excluded';
    return {
      recordType: 'incident',
      recordId: r.id,
      ref: r.receiptNo,
      title: r.title,
      at: r.detectedAt,
      outcome,
      reason: r.markReason ?? (m ? null : '判定待ち'),
      markedBy: r.markedByLabel,
    };
  });
}

function fromCases(def: KpiDefinition, cases: KpiCase[]): Pick<KpiRow, 'numerator' | 'denominator' | 'value' | 'cases' | 'excluded'> {
  const counted = cases.filter((c) => c.outcome === 'ok' || c.outcome === 'late' || c.outcome === 'failed');
  const good = counted.filter((c) => c.outcome === 'ok').length;
  return { numerator: good, denominator: counted.length, value: pct(good, counted.length), cases, excluded: cases.filter((c) => c.outcome === 'excluded') };
}

/** The KPI table of a period (SLM-4) with each KPI's target of the period's first month. */
export async function computeKpis(
  db: Db,
  period: Period,
  now: Date,
  depts: string[] | null,
  availability: Availability,
  opts: { firstResponseMinutes: number },
): Promise<KpiRow[]> {
  const month = monthOf(period.from);
  const out: KpiRow[] = [];
  for (const def of KPI_DEFINITIONS) {
    const base = {
      key: def.key,
      goal: def.goal,
      label: def.label,
      formula: def.formula,
      conditions: def.conditions,
      target: await targetFor(db, def.key, month),
      note: null as string | null,
    };
    let row: KpiRow;
    if (def.key === 'availability_a' || def.key === 'availability_b') {
      const f = availability.levels.find((l) => l.level === (def.key === 'availability_a' ? 'A' : 'B'))!;
      row = {
        ...base,
        status: 'measured',
        numerator: f.periodMinutes - f.plannedMinutes - f.nonOperatingMinutes,
        denominator: f.periodMinutes - f.plannedMinutes,
        value: f.vmCount ? f.availability : null,
        cases: [],
        excluded: [],
        met: null,
      };
      row.note = `対象仮想マシン ${f.vmCount} 台、計画停止 ${f.plannedMinutes} 分、非稼働 ${f.nonOperatingMinutes} 分`;
    } else if (def.key === 'consolidation') {
      const [m] = period.month
        ? await db
            .select()
            .from(slManualFigures)
            .where(and(eq(slManualFigures.kpi, 'consolidation'), eq(slManualFigures.month, period.month)))
        : [];
      row = {
        ...base,
        status: 'manual',
        numerator: m?.numerator ?? null,
        denominator: m?.denominator ?? null,
        value: m ? pct(m.numerator, m.denominator) : null,
        cases: [],
        excluded: [],
        met: null,
      };
      row.note = m ? `${m.enteredByLabel} 入力${m.note ? `（${m.note}）` : ''}` : '月次の手入力値が未入力（移行計画の台帳ができるまで手入力）';
    } else if (def.key === 'monitoring_first_response') {
      row = { ...base, status: 'measured', ...fromCases(def, await firstResponseCases(db, period, now, depts, opts.firstResponseMinutes)), met: null };
      row.note = `一次対応着手の目標 ${opts.firstResponseMinutes} 分（KIBAN_SLM_FIRST_RESPONSE_MINUTES）`;
    } else if (def.key === 'provisional_response') {
      row = { ...base, status: 'measured', ...fromCases(def, await provisionalCases(db, period, depts)), met: null };
      const pending = row.cases.filter((c) => c.outcome === 'pending').length;
      if (pending) row.note = `判定待ち ${pending} 件（計上していません）`;
    } else {
      const source = sources.get(def.key);
      if (source) row = { ...base, status: 'measured', ...fromCases(def, await source(db, period, depts)), met: null };
      else
        row = {
          ...base,
          status: 'no_source',
          numerator: null,
          denominator: null,
          value: null,
          cases: [],
          excluded: [],
          met: null,
          note: 'データソースなし（依頼の台帳は未実装：issue 11）',
        };
    }
    row.met = row.value !== null && row.target ? row.value >= row.target.percent : null;
    out.push(row);
  }
  return out;
}
