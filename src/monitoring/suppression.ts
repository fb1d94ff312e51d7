import { and, count, desc, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { audit } from '../audit/index.ts';
import { BusinessCalendar, toJstYmd } from '../calendar/index.ts';
import { cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/index.ts';
import { inTx } from '../db/index.ts';
import { type Actor, requirePermission, systemActor, visibleDepartments } from '../iam/actor.ts';
import type { Role } from '../iam/roles.ts';
import { people } from '../iam/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, ForbiddenError, fieldError, InputError, NotFoundError } from '../kernel/errors.ts';
import { likePattern, listQuery, type Page } from '../kernel/paging.ts';
import { enqueueMail, mailFrom } from '../notify/index.ts';
import {
  type AllowedAction,
  allowedActions,
  defineProcess,
  type FireContext,
  fire,
  isOverdue,
  processHistory,
  type ProcessView,
  processView,
  type SideEffect,
} from '../process/index.ts';
import { systemOwnerAddresses } from './context.ts';
import { type MonitoringMailTemplates, monitoringMailTemplates } from './mails.ts';
import './messages.ts';
import { DEFAULT_OVERRUN_CEILING_HOURS } from './suppression-hold.ts';
import { runSuppressionSchedule } from './suppression-schedule.ts';
import { monitoringSuppressions, monitoringTargets, SUPPRESSION_METHODS, SUPPRESSION_REASONS } from './schema.ts';

export type Suppression = typeof monitoringSuppressions.$inferSelect;

/**
 * 監視の一時抑止・再開 (MON-6, N §3.7.3.3 and its flow):
 *
 *   step                     担当者  管理者  システム所管  統括責任者   state
 *   申請 (create)                ○       ○        ○            ○       → 申請中
 *   再申請の依頼 (return)        ○       ○                              申請中 → 差戻し
 *   再申請 (resubmit)            ○       ○        ○            ○       差戻し → 申請中
 *   承認・抑止方法の決定          △       ◎                              申請中 → 抑止予定
 *   抑止開始 + 開始連絡          ○ / Kiban at the window start         抑止予定 → 抑止中
 *   監視再開 + 再開連絡          ○ / Kiban at the window end           抑止中 → 再開済
 *   取下げ                       ○       ○        ○            ○       → 取下げ
 *
 * The manager approves (and may change the method, N: 管理者と一時抑止方法を検討); nobody approves their
 * own request (the kernel refuses). Start and resume are fired by the clock (runSchedule, a worker
 * job) as close to the times as the job interval allows (N: できる限り直前に送信).
 */
export interface SuppressionContext extends FireContext {
  mails: MonitoringMailTemplates;
}

const mailEffect =
  (kind: 'start' | 'resume'): SideEffect<Suppression, SuppressionContext> =>
  async (e) => {
    const r = e.record;
    let to = await systemOwnerAddresses(e.tx, r.systemIds);
    if (to.length === 0 && r.requestedBy) {
      const [p] = await e.tx.select({ email: people.email }).from(people).where(eq(people.id, r.requestedBy));
      to = p?.email ? [p.email] : [];
    }
    if (to.length === 0) return;
    // Resumed early (the work ended) or late (held by overrunning work): the mail says when it really resumes.
    const now = e.ctx.clock.now();
    const off = kind === 'resume' && (now < r.endsAt || now.getTime() - r.endsAt.getTime() > 5 * 60_000);
    const data = { startsAt: r.startsAt, endsAt: off ? now : r.endsAt, systemNames: r.systemNames };
    const rendered = kind === 'start' ? e.ctx.mails.suppressionStart(data) : e.ctx.mails.suppressionResume(data);
    const m = await enqueueMail(e.tx, e.ctx.clock, mailFrom(rendered, { recordType: 'monitoring_suppression', recordId: r.id, to, createdBy: e.ctx.actor }));
    await e.tx
      .update(monitoringSuppressions)
      .set(kind === 'start' ? { startMailId: m.id } : { resumeMailId: m.id })
      .where(eq(monitoringSuppressions.id, r.id));
  };

const REQUESTERS: Partial<Record<Role, '○'>> = { operator: '○', vendor_manager: '○', system_owner: '○', supervisor: '○' };

/** ORG-4: a system owner sees their department's requests; all-departments roles see all. */
export function suppressionScope(actor: Actor): SQL | undefined {
  const depts = visibleDepartments(actor);
  if (depts === null) return undefined;
  if (depts.length === 0) return sql`false`;
  return inArray(monitoringSuppressions.departmentId, depts);
}

export const suppressionProcess = defineProcess<string, string, Suppression, SuppressionContext>({
  name: 'monitoring_suppression',
  recordType: 'monitoring_suppression',
  table: monitoringSuppressions,
  states: {
    submitted: { ja: '申請中', en: 'Submitted' },
    returned: { ja: '差戻し', en: 'Returned' },
    approved: { ja: '抑止予定', en: 'Approved (scheduled)' },
    active: { ja: '抑止中', en: 'Suppressed' },
    completed: { ja: '再開済', en: 'Resumed' },
    withdrawn: { ja: '取下げ', en: 'Withdrawn' },
  },
  initial: 'submitted',
  pathOf: () => ['submitted', 'approved', 'active', 'completed'],
  events: {
    submit: { ja: '申請', en: 'Submitted' },
    overrun: { ja: '終了予定の超過（作業中のため抑止継続）', en: 'Past its end (kept while the work runs)' },
  },
  fields: {
    method: {
      kind: 'select',
      label: { ja: '抑止方法', en: 'Method' },
      hint: { ja: '未選択なら申請のとおり', en: 'As requested if not chosen' },
      options: [
        { value: 'watch', label: { ja: '静観（アラートは記録、インシデント・メールなし）', en: 'Watch (alerts recorded, no incident or mail)' } },
        { value: 'stop', label: { ja: '停止（監視しない）', en: 'Stop (items not checked)' } },
      ],
    },
  },
  work: {
    module: { ja: '監視の一時抑止', en: 'Suppression' },
    permission: 'monitoring.read',
    ref: sql`'抑止 ' || to_char(${monitoringSuppressions.startsAt} AT TIME ZONE 'Asia/Tokyo', 'YYYY/MM/DD HH24:MI')`,
    title: sql`array_to_string(${monitoringSuppressions.systemNames}, '、')`,
    // Approval is due before the window starts; once it runs, its end.
    due: sql`CASE WHEN ${monitoringSuppressions.state} = 'active' THEN ${monitoringSuppressions.endsAt} ELSE ${monitoringSuppressions.startsAt} END`,
    path: (id) => `/monitoring/suppressions/${id}`,
    scope: suppressionScope,
  },
  requesterOf: (r) => r.requestedBy,
  departmentOf: (r) => r.departmentId,
  transitions: [
    {
      action: 'return',
      from: 'submitted',
      to: 'returned',
      raci: { operator: '○', vendor_manager: '○' },
      requires: ['comment'],
      label: { ja: '再申請の依頼（差戻し）', en: 'Return for correction' },
    },
    { action: 'resubmit', from: 'returned', to: 'submitted', raci: REQUESTERS, optional: ['comment'], label: { ja: '再申請', en: 'Resubmit' } },
    {
      action: 'approve',
      from: 'submitted',
      to: 'approved',
      raci: { operator: '△', vendor_manager: '◎' },
      set: (i, ctx) => ({
        approvedBy: ctx.actor.personId,
        approvedAt: ctx.clock.now(),
        ...(i.method === 'watch' || i.method === 'stop' ? { method: i.method } : {}),
      }),
      label: { ja: '承認・抑止方法の決定', en: 'Approve and decide the method' },
      optional: ['method', 'comment'],
    },
    {
      action: 'start',
      from: 'approved',
      to: 'active',
      raci: { operator: '○' },
      system: true,
      set: (_i, ctx) => ({ startedAt: ctx.clock.now() }),
      effects: [mailEffect('start')],
      label: { ja: '抑止開始（開始連絡）', en: 'Start (start mail)' },
    },
    {
      action: 'resume',
      from: 'active',
      to: 'completed',
      raci: { operator: '○' },
      system: true,
      set: (_i, ctx) => ({ resumedAt: ctx.clock.now() }),
      effects: [mailEffect('resume')],
      label: { ja: '監視再開（再開連絡）', en: 'Resume (resume mail)' },
    },
    {
      action: 'withdraw',
      from: ['submitted', 'returned', 'approved'],
      to: 'withdrawn',
      raci: REQUESTERS,
      label: { ja: '取下げ', en: 'Withdraw' },
      optional: ['comment'],
    },
  ],
});

/**
 * The submission deadline (申請期限). N §3.7.3.3 leaves format and deadline to the build phase
 * (「申請フォーマット、申請期限を定める（運用構築フェーズにて作成・決定）」), so it is data:
 * `leadBusinessDays` business days before the window's start date, by that day's closing time.
 * A later request is accepted only with a reason (lateReason) and is marked late.
 */
export interface SuppressionRules {
  leadBusinessDays: number;
  /** Longest window (N: 時間単位での抑止; a long stop is a settings change, not a suppression). */
  maxWindowDays: number;
  /** M §3.3 (5): monitoring continues during planned stops — then 計画停止 requests are refused. */
  plannedStopKeepsMonitoring: boolean;
  /** Work overrunning its window (a release) keeps the suppression at most this long past its end. */
  overrunCeilingHours: number;
}
export const DEFAULT_SUPPRESSION_RULES: SuppressionRules = {
  leadBusinessDays: 2,
  maxWindowDays: 31,
  plannedStopKeepsMonitoring: false,
  overrunCeilingHours: DEFAULT_OVERRUN_CEILING_HOURS,
};

export function submissionDeadline(calendar: BusinessCalendar, startsAt: Date, leadBusinessDays: number): Date {
  const startYmd = toJstYmd(startsAt);
  if (leadBusinessDays <= 0) return startsAt;
  let day = new Date(`${startYmd}T00:00:00Z`);
  let found = 0;
  while (found < leadBusinessDays) {
    day = new Date(day.getTime() - 86_400_000);
    if (calendar.isBusinessDay(day.toISOString().slice(0, 10))) found++;
  }
  // The closing time of `day`: the next-business-day deadline counted from the calendar day before it.
  const before = new Date(day.getTime() - 86_400_000 + 3 * 3600_000); // 12:00 JST of the day before
  return calendar.nextBusinessDayDeadline(before);
}

const instant = z.iso.datetime({ offset: true });
export const suppressionInput = z
  .object({
    reason: z.enum(SUPPRESSION_REASONS),
    reasonText: z.string().trim().max(4000).optional(),
    method: z.enum(SUPPRESSION_METHODS),
    startsAt: instant,
    endsAt: instant,
    systemIds: z.array(z.uuid()).max(100).default([]),
    targetIds: z.array(z.uuid()).max(1000).default([]),
    lateReason: z.string().trim().max(2000).optional(),
  })
  .strict();
export type SuppressionInput = z.input<typeof suppressionInput>;

export const suppressionActionInput = z
  .object({ version: z.number().int().min(1), comment: z.string().trim().max(4000).optional(), method: z.enum(SUPPRESSION_METHODS).optional() })
  .strict();
export type SuppressionActionInput = z.input<typeof suppressionActionInput>;

export const suppressionListQuery = listQuery(['startsAt', 'submittedAt', 'state']).extend({
  state: z.string().trim().max(40).optional(),
  /** Windows overlapping [from, to) — the calendar's month. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type SuppressionListQuery = z.infer<typeof suppressionListQuery>;

export type SuppressionView = Suppression & { stateLabel: { ja: string; en: string } };
const view = (s: Suppression): SuppressionView => ({ ...s, stateLabel: suppressionProcess.states[s.state] ?? { ja: s.state, en: s.state } });

export interface SuppressionDeps {
  db: Db;
  clock: Clock;
  calendar?: BusinessCalendar;
  platformName?: string;
  rules?: Partial<SuppressionRules>;
}

export function createSuppressionService(deps: SuppressionDeps) {
  const { db, clock } = deps;
  const calendar = deps.calendar ?? new BusinessCalendar();
  const rules: SuppressionRules = { ...DEFAULT_SUPPRESSION_RULES, ...deps.rules };
  const mails = monitoringMailTemplates(deps.platformName ?? '第三期サーバ仮想化統合基盤');
  const ctxOf = (actor: Actor): SuppressionContext => ({ clock, actor, mails });

  const visible = suppressionScope;
  async function load(t: Db, actor: Actor, id: string): Promise<Suppression> {
    requirePermission(actor, 'monitoring.read');
    const [s] = await t
      .select()
      .from(monitoringSuppressions)
      .where(and(eq(monitoringSuppressions.id, id), visible(actor)));
    if (!s) throw new NotFoundError('error.not_found');
    return s;
  }

  /** Systems and targets named in a request, checked against the requester's department. */
  async function resolve(t: Db, actor: Actor, systemIds: string[], targetIds: string[]) {
    const depts = visibleDepartments(actor);
    const systems = systemIds.length
      ? await t
          .select({ id: cmdbSystems.id, name: cmdbSystems.name, departmentId: cmdbSystems.departmentId })
          .from(cmdbSystems)
          .where(inArray(cmdbSystems.id, systemIds))
      : [];
    // Another department's system is answered like an unknown one: its existence is not revealed.
    if (systems.length !== new Set(systemIds).size || (depts !== null && systems.some((s) => !depts.includes(s.departmentId))))
      throw fieldError('systemIds', 'monitoring.system_not_found');
    const fromSystems = systems.length
      ? await t
          .select({ id: monitoringTargets.id })
          .from(monitoringTargets)
          .innerJoin(cmdbVms, and(eq(monitoringTargets.ciType, 'vm'), eq(monitoringTargets.ciId, cmdbVms.id)))
          .where(
            and(
              inArray(
                cmdbVms.systemId,
                systems.map((s) => s.id),
              ),
              ne(cmdbVms.status, 'retired'),
            ),
          )
      : [];
    const named = targetIds.length
      ? await t
          .select({
            id: monitoringTargets.id,
            ciType: monitoringTargets.ciType,
            systemId: cmdbVms.systemId,
            departmentId: cmdbSystems.departmentId,
            systemName: cmdbSystems.name,
          })
          .from(monitoringTargets)
          .leftJoin(cmdbVms, and(eq(monitoringTargets.ciType, 'vm'), eq(monitoringTargets.ciId, cmdbVms.id)))
          .leftJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
          .where(inArray(monitoringTargets.id, targetIds))
      : [];
    if (named.length !== new Set(targetIds).size || (depts !== null && named.some((n) => !n.departmentId || !depts.includes(n.departmentId))))
      throw fieldError('targetIds', 'monitoring.target_not_found');
    const all = [...new Set([...fromSystems.map((x) => x.id), ...named.map((n) => n.id)])];
    if (all.length === 0) throw fieldError('targetIds', 'monitoring.nothing_to_suppress');
    const sysIds = new Set(systems.map((s) => s.id));
    const sysNames = new Map(systems.map((s) => [s.id, s.name]));
    for (const n of named) if (n.systemId && n.systemName) sysIds.add(n.systemId), sysNames.set(n.systemId, n.systemName);
    const deptSet = new Set([...systems.map((s) => s.departmentId), ...named.map((n) => n.departmentId).filter((d): d is string => !!d)]);
    const departmentId = actor.kind === 'person' && depts !== null ? actor.departmentId : deptSet.size === 1 ? [...deptSet][0]! : null;
    return { targetIds: all, systemIds: [...sysIds], systemNames: [...sysIds].map((id) => sysNames.get(id)!), departmentId };
  }

  function checkWindow(input: z.infer<typeof suppressionInput>, now: Date) {
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    if (endsAt <= startsAt) throw fieldError('endsAt', 'monitoring.window_order');
    if (endsAt <= now) throw fieldError('endsAt', 'monitoring.window_past');
    if (endsAt.getTime() - startsAt.getTime() > rules.maxWindowDays * 86_400_000)
      throw fieldError('endsAt', 'monitoring.window_too_long', { days: rules.maxWindowDays });
    if (input.reason === 'planned_stop' && rules.plannedStopKeepsMonitoring) throw fieldError('reason', 'monitoring.planned_stop_monitored');
    const deadlineAt = submissionDeadline(calendar, startsAt, rules.leadBusinessDays);
    const late = now > deadlineAt;
    if (late && !input.lateReason)
      throw fieldError('lateReason', 'monitoring.suppression_late', { deadline: deadlineAt.toISOString(), days: rules.leadBusinessDays });
    return { startsAt, endsAt, deadlineAt, late };
  }

  return {
    rules,
    async create(actor: Actor, raw: SuppressionInput): Promise<SuppressionView> {
      requirePermission(actor, 'monitoring.read');
      if (actor.kind === 'person' && !actor.roles.some((r) => REQUESTERS[r])) throw new ForbiddenError('monitoring.not_a_requester');
      const input = suppressionInput.parse(raw);
      const now = clock.now();
      const w = checkWindow(input, now);
      return inTx(db, async (t) => {
        const r = await resolve(t, actor, input.systemIds, input.targetIds);
        const [row] = (await t
          .insert(monitoringSuppressions)
          .values({
            state: suppressionProcess.initial,
            reason: input.reason,
            reasonText: input.reasonText ?? null,
            method: input.method,
            startsAt: w.startsAt,
            endsAt: w.endsAt,
            targetIds: r.targetIds,
            systemIds: r.systemIds,
            systemNames: r.systemNames,
            departmentId: r.departmentId,
            requestedBy: actor.personId,
            requestedByLabel: actor.label,
            submittedAt: now,
            deadlineAt: w.deadlineAt,
            late: w.late,
            lateReason: w.late ? (input.lateReason ?? null) : null,
            createdAt: now,
            updatedAt: now,
          })
          .returning()) as [Suppression];
        await t.insert(processHistory).values({
          process: suppressionProcess.name,
          recordId: row.id,
          action: 'submit',
          fromState: '',
          toState: row.state,
          actorId: actor.personId,
          actor: actor.label,
          actorRole: actor.roles[0] ?? null,
          comment: input.reasonText ?? null,
          at: now,
        });
        await audit(t, clock, actor, { action: 'monitoring_suppression.submit', entityType: 'monitoring_suppression', entityId: row.id, after: row });
        return view(row);
      });
    },
    /** 申請書修正: the requester corrects a returned request, then resubmits it. */
    async update(actor: Actor, id: string, version: number, raw: SuppressionInput): Promise<SuppressionView> {
      const input = suppressionInput.parse(raw);
      const now = clock.now();
      const w = checkWindow(input, now);
      return inTx(db, async (t) => {
        const s = await load(t, actor, id);
        if (s.state !== 'returned') throw new InputError('monitoring.not_editable');
        if (s.requestedBy !== actor.personId) throw new ForbiddenError('monitoring.not_requester');
        const r = await resolve(t, actor, input.systemIds, input.targetIds);
        const [row] = (await t
          .update(monitoringSuppressions)
          .set({
            reason: input.reason,
            reasonText: input.reasonText ?? null,
            method: input.method,
            startsAt: w.startsAt,
            endsAt: w.endsAt,
            ...r,
            deadlineAt: w.deadlineAt,
            late: w.late,
            lateReason: w.late ? (input.lateReason ?? null) : null,
            version: sql`${monitoringSuppressions.version} + 1`,
            updatedAt: now,
          })
          .where(and(eq(monitoringSuppressions.id, id), eq(monitoringSuppressions.version, version)))
          .returning()) as Suppression[];
        if (!row) throw new ConflictError('error.stale_version');
        await audit(t, clock, actor, { action: 'monitoring_suppression.update', entityType: 'monitoring_suppression', entityId: id, before: s, after: row });
        return view(row);
      });
    },
    async act(actor: Actor, id: string, action: string, raw: SuppressionActionInput): Promise<SuppressionView> {
      const { version, ...input } = suppressionActionInput.parse(raw);
      return inTx(db, async (t) => {
        const s = await load(t, actor, id);
        return view(await fire(t, ctxOf(actor), suppressionProcess, { ...s, version }, action, input));
      });
    },
    async get(actor: Actor, id: string): Promise<{ suppression: SuppressionView; process: ProcessView }> {
      const s = await load(db, actor, id);
      const now = clock.now();
      const pending = s.state === 'submitted' || s.state === 'returned';
      return {
        suppression: view(s),
        process: await processView(db, suppressionProcess, s, actor, {
          deadlines: [
            {
              key: 'window',
              label: { ja: '抑止開始', en: 'Window starts' },
              dueAt: s.startsAt,
              doneAt: s.startedAt,
              overdue: pending && isOverdue(s.startsAt, now),
            },
            {
              key: 'resume',
              label: { ja: '監視再開', en: 'Monitoring resumes' },
              dueAt: s.endsAt,
              doneAt: s.resumedAt,
              overdue: s.state === 'active' && isOverdue(s.endsAt, now),
            },
          ],
        }),
      };
    },
    async list(actor: Actor, q: SuppressionListQuery): Promise<Page<SuppressionView>> {
      requirePermission(actor, 'monitoring.read');
      const where = and(
        visible(actor),
        q.state ? eq(monitoringSuppressions.state, q.state) : undefined,
        q.to ? sql`${monitoringSuppressions.startsAt} < ${new Date(q.to).toISOString()}::timestamptz` : undefined,
        q.from ? sql`${monitoringSuppressions.endsAt} > ${new Date(q.from).toISOString()}::timestamptz` : undefined,
        q.q
          ? sql`(array_to_string(${monitoringSuppressions.systemNames}, ' ') ILIKE ${likePattern(q.q)} OR ${monitoringSuppressions.reasonText} ILIKE ${likePattern(q.q)})`
          : undefined,
      );
      const sortCol =
        q.sort?.replace('-', '') === 'submittedAt'
          ? monitoringSuppressions.submittedAt
          : q.sort?.replace('-', '') === 'state'
            ? monitoringSuppressions.state
            : monitoringSuppressions.startsAt;
      const rows = await db
        .select()
        .from(monitoringSuppressions)
        .where(where)
        .orderBy(q.sort && !q.sort.startsWith('-') ? sortCol : desc(sortCol))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize);
      const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(monitoringSuppressions).where(where);
      return { items: rows.map(view), total: n, page: q.page, pageSize: q.pageSize };
    },
    /** The clock's part (worker job, suppression-schedule.ts): windows start and end, overrunning work holds them. */
    runSchedule: (at: Date = clock.now()) => runSuppressionSchedule({ db, clock, rules, ctx: ctxOf(systemActor('監視抑止スケジューラ')) }, at),
  };
}
export type SuppressionService = ReturnType<typeof createSuppressionService>;
