import type { BusinessCalendar } from '../calendar/index.ts';
import { type DeadlineRule, dueAt } from '../process/index.ts';

/**
 * INC-7: the two report-time tables of N §3.2.3.6 (重要障害における進捗管理), as data.
 *
 *   <基盤全体の障害が発生している場合の優先度に応じた報告時間（案）>
 *   <特定の仮想マシンの障害が発生している場合の優先度に応じた報告時間（案）>
 *
 * Each row: scope (基盤全体 / 特定VM), service level (特定VM only), priority, whether the trouble was
 * detected in business hours, the first report (minutes after detection, or none) and its channel,
 * the continuing reports (hourly / 進展の都度 / 最終報のみ) and their channel, and the recipients.
 * N marks these times 案 (to be fixed in the operations-build phase): change the numbers here.
 */
export type Scope = 'platform' | 'vm';
export type Level = 'A' | 'B' | 'C';
export type Priority = 'high' | 'low';
export type Channel = 'phone' | 'mail' | 'phone_and_mail';
/** hourly = 1時間ごと; on_progress = 進展の都度; final_only = 最終報のみ. */
export type Cadence = 'hourly' | 'on_progress' | 'final_only';
/** Who is told: 統括責任者, system owners (all for 基盤全体, the affected ones otherwise), ICT manager. */
export type RecipientGroup = 'supervisor' | 'all_system_owners' | 'affected_system_owners' | 'ict_manager';

export interface ReportRule {
  key: string;
  scope: Scope;
  level: Level | null;
  priority: Priority;
  businessHours: boolean;
  /** Minutes after detection for the first report (第一報); null = なし. */
  firstWithinMinutes: number | null;
  firstChannel: Channel | null;
  continuing: Cadence;
  continuingChannel: Channel;
  recipients: readonly RecipientGroup[];
}

const P = ['supervisor', 'all_system_owners', 'ict_manager'] as const;
const V = ['supervisor', 'affected_system_owners', 'ict_manager'] as const;
const IN = true;
const OUT = false;
const BOTH: Channel = 'phone_and_mail';

function row(
  scope: Scope,
  level: Level | null,
  priority: Priority,
  businessHours: boolean,
  firstWithinMinutes: number | null,
  firstChannel: Channel | null,
  continuing: Cadence,
  continuingChannel: Channel,
): ReportRule {
  const key = `${scope}${level ? `:${level}` : ''}:${priority}:${businessHours ? 'in' : 'out'}`;
  return { key, scope, level, priority, businessHours, firstWithinMinutes, firstChannel, continuing, continuingChannel, recipients: scope === 'platform' ? P : V };
}

// prettier-ignore
export const REPORT_RULES: readonly ReportRule[] = [
  //   範囲        SL    優先度   障害発生時間  第一報(分) 報告方法   継続報告        報告方法
  row('platform', null, 'high', IN,          5,        BOTH,     'hourly',       BOTH),
  row('platform', null, 'high', OUT,         30,       'phone',  'hourly',       'phone'),
  row('platform', null, 'low',  IN,          30,       BOTH,     'on_progress',  'mail'),
  row('platform', null, 'low',  OUT,         null,     null,     'final_only',   'mail'),

  row('vm',       'A',  'high', IN,          15,       BOTH,     'hourly',       BOTH),
  row('vm',       'A',  'high', OUT,         30,       'phone',  'hourly',       'phone'),
  row('vm',       'A',  'low',  IN,          30,       BOTH,     'on_progress',  'mail'),
  row('vm',       'A',  'low',  OUT,         null,     null,     'final_only',   'mail'),
  row('vm',       'B',  'high', IN,          30,       BOTH,     'hourly',       BOTH),
  row('vm',       'B',  'high', OUT,         60,       'phone',  'hourly',       'phone'),
  row('vm',       'B',  'low',  IN,          60,       BOTH,     'on_progress',  'mail'),
  row('vm',       'B',  'low',  OUT,         null,     null,     'final_only',   'mail'),
  row('vm',       'C',  'high', IN,          60,       BOTH,     'hourly',       BOTH),
  row('vm',       'C',  'high', OUT,         null,     null,     'final_only',   'mail'),
  row('vm',       'C',  'low',  IN,          null,     null,     'final_only',   'mail'),
  row('vm',       'C',  'low',  OUT,         null,     null,     'final_only',   'mail'),
];

/** 1時間ごと. */
export const CONTINUING_INTERVAL_MINUTES = 60;

/**
 * N §3.2.3.4 <稼働率 99.8%を達成するための、システムサービスレベルに応じた復旧完了目標時間案>:
 * A 60分以内 (24時間365日), B 4時間以内 (24時間365日), C 翌開庁日まで (業務時間内のみ).
 */
export const RECOVERY_TARGETS: Record<Level, DeadlineRule> = {
  A: { minutes: 60 },
  B: { minutes: 240 },
  C: { nextBusinessDay: true },
};

export function findReportRule(scope: Scope, level: Level | null, priority: Priority, businessHours: boolean): ReportRule {
  const lvl = scope === 'platform' ? null : (level ?? 'C');
  const r = REPORT_RULES.find((x) => x.scope === scope && x.level === lvl && x.priority === priority && x.businessHours === businessHours);
  if (!r) throw new Error(`no report rule for ${scope}/${lvl}/${priority}/${businessHours}`);
  return r;
}

export function ruleByKey(key: string | null): ReportRule | null {
  return key ? (REPORT_RULES.find((r) => r.key === key) ?? null) : null;
}

export interface ReportPlan {
  rule: ReportRule;
  businessHours: boolean;
  firstReportDueAt: Date | null;
  recoveryDueAt: Date | null;
}

/**
 * The report plan of a platform-caused trouble detected at `detectedAt`: which row applies (business
 * hours are judged at detection, with the deployment's calendar), when the first report is due, and
 * the recovery target of the affected level (specific-VM troubles only).
 */
export function planReports(
  calendar: BusinessCalendar,
  t: { scope: Scope; level: Level | null; priority: Priority; detectedAt: Date },
): ReportPlan {
  const businessHours = calendar.isBusinessTime(t.detectedAt);
  const rule = findReportRule(t.scope, t.level, t.priority, businessHours);
  const firstReportDueAt = rule.firstWithinMinutes === null ? null : dueAt(calendar, t.detectedAt, { minutes: rule.firstWithinMinutes });
  const recoveryDueAt = t.scope === 'vm' && t.level ? dueAt(calendar, t.detectedAt, RECOVERY_TARGETS[t.level]) : null;
  return { rule, businessHours, firstReportDueAt, recoveryDueAt };
}

/** When the next continuing report is due after a report at `at` (null: no fixed cadence). */
export function nextContinuingDue(calendar: BusinessCalendar, rule: ReportRule, at: Date): Date | null {
  return rule.continuing === 'hourly' ? dueAt(calendar, at, { minutes: CONTINUING_INTERVAL_MINUTES }) : null;
}

export const CHANNEL_LABELS: Record<Channel, { ja: string; en: string }> = {
  phone: { ja: '電話', en: 'Phone' },
  mail: { ja: 'メール', en: 'Mail' },
  phone_and_mail: { ja: '電話およびメール', en: 'Phone and mail' },
};
export const CADENCE_LABELS: Record<Cadence, { ja: string; en: string }> = {
  hourly: { ja: '1時間ごと', en: 'Hourly' },
  on_progress: { ja: '進展の都度', en: 'On each development' },
  final_only: { ja: '最終報のみ', en: 'Final report only' },
};

export const includesMail = (c: Channel | null) => c === 'mail' || c === 'phone_and_mail';
