import { and, asc, count, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { BusinessCalendar } from '../calendar/index.ts';
import { cmdbHosts, cmdbVms } from '../cmdb/index.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, can, requirePermission, visibleDepartments } from '../iam/actor.ts';
import { departments } from '../iam/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, type FieldErrors, fieldError, ForbiddenError, InputError, NotFoundError } from '../kernel/errors.ts';
import { type Page } from '../kernel/paging.ts';
import { incidentMailTemplates, listMailsFor, type MailView } from '../notify/index.ts';
import { allowedActions, fire, isOverdue, processHistory, processView } from '../process/index.ts';
import { jstCell, type LedgerColumn, type LedgerFile, ledgerFile } from './export.ts';
import { bigrams } from '../kernel/grams.ts';
import {
  type ActionInput,
  actionInput,
  type IncidentListQuery,
  type RegisterInput,
  type ReportInput,
  type ReprioritiseInput,
  registerInput,
  reportInput,
  reprioritiseInput,
  type SimilarQuery,
  similarQuery,
  type StocktakeInput,
  stocktakeInput,
} from './inputs.ts';
import { recordReport } from './mails.ts';
import { createStocktakeJob, saveStocktake } from './stocktake.ts';
import { incidentScope } from './scope.ts';
import { guard, wrongClass, type Incident, type IncidentContext, incidentProcess } from './process.ts';
import { incidentWhere, ledgerPage, overdueSql, similarIncidents } from './ledger.ts';
import { nextReceiptNo } from './receipts.ts';
import { affectedOf, recipientsOf } from './recipients.ts';
import { type ReportRule, CADENCE_LABELS, CHANNEL_LABELS, includesMail, nextContinuingDue, planReports, ruleByKey } from './report-rules.ts';
import { incidentCis, incidentProblems, incidentReports, incidentRouting, incidents, incidentStocktakes, type UrgencyCriteria } from './schema.ts';

export interface IncidentDeps {
  db: Db;
  clock: Clock;
  /** The deployment's business calendar (default 09:00–17:45 JST, national holidays, 12/29–1/3). */
  calendar?: BusinessCalendar;
  /** N's mail-subject platform name (config KIBAN_MAIL_PLATFORM_NAME). */
  platformName?: string;
}

/** States in which nothing more is owed (no deadline can be overdue). */
const DONE_STATES = ['provisionally_closed', 'closed'];

/** INC-5: 緊急度「高」 if any criterion holds; priority = urgency (every host mixes A/B/C VMs). */
export function priorityOf(u: UrgencyCriteria): 'high' | 'low' {
  return u.citizenServiceStopped || u.citizenImpact || u.financialOrReputation || u.wideImpact ? 'high' : 'low';
}

export type IncidentView = Omit<Incident, 'grams'> & { stateLabel: { ja: string; en: string }; overdue: boolean };

function view(i: Incident, now: Date): IncidentView {
  const { grams: _g, ...rest } = i;
  return { ...rest, stateLabel: incidentProcess.states[i.state] ?? { ja: i.state, en: i.state }, overdue: overdueReasons(i, now).length > 0 };
}

/** Why an incident is overdue now (INC-7 deadlines, the recovery target, its 納期). */
export function overdueReasons(i: Incident, now: Date): string[] {
  if (DONE_STATES.includes(i.state)) return [];
  const out: string[] = [];
  if (isOverdue(i.firstReportDueAt, now, i.firstReportedAt)) out.push('first_report');
  else if (i.firstReportedAt && isOverdue(i.nextReportDueAt, now, i.finalReportedAt)) out.push('continuing_report');
  if (isOverdue(i.recoveryDueAt, now, i.recoveredAt)) out.push('recovery');
  if (isOverdue(i.dueAt, now)) out.push('due');
  return out;
}

const SOURCE_LABELS: Record<Incident['source'], string> = {
  monitoring: '監視システム',
  ict_centre: 'ICTサービスセンター',
  supervisor: '統括責任者',
  system_owner: 'システム所管',
  other: 'その他',
};
const CLASS_LABELS: Record<Incident['class'], string> = { work_request: '依頼作業', qa: 'QA', trouble: 'トラブル' };
const PRIORITY_LABELS = { high: '高', low: '低' } as const;

/** インシデント管理台帳. */
const LEDGER: LedgerColumn<Incident>[] = [
  { header: '受付番号', value: (r) => r.receiptNo, width: 18 },
  { header: '受付日時', value: (r) => jstCell(r.registeredAt), width: 18 },
  { header: '受付元', value: (r) => SOURCE_LABELS[r.source] },
  { header: '分類', value: (r) => CLASS_LABELS[r.class] },
  { header: '件名', value: (r) => r.title, width: 40 },
  { header: '内容', value: (r) => r.description, width: 60 },
  { header: '依頼元', value: (r) => r.requesterName, width: 20 },
  { header: '状態', value: (r) => incidentProcess.states[r.state]?.ja ?? r.state },
  { header: '優先度', value: (r) => (r.priority ? PRIORITY_LABELS[r.priority] : null) },
  { header: '基盤起因', value: (r) => (r.platformCaused === null ? null : r.platformCaused ? '○' : '×') },
  { header: '影響範囲', value: (r) => (r.scope === 'platform' ? '基盤全体' : r.scope === 'vm' ? '特定の仮想マシン' : null) },
  { header: 'サービスレベル', value: (r) => r.serviceLevel },
  { header: '検知日時', value: (r) => jstCell(r.detectedAt), width: 18 },
  { header: '第一報期限', value: (r) => jstCell(r.firstReportDueAt), width: 18 },
  { header: '第一報日時', value: (r) => jstCell(r.firstReportedAt), width: 18 },
  { header: '次回報告期限', value: (r) => jstCell(r.nextReportDueAt), width: 18 },
  { header: '復旧完了目標', value: (r) => jstCell(r.recoveryDueAt), width: 18 },
  { header: '復旧完了日時', value: (r) => jstCell(r.recoveredAt), width: 18 },
  { header: '納期', value: (r) => jstCell(r.dueAt), width: 18 },
  { header: '振り分け先', value: (r) => r.routeTo },
  { header: '対応結果', value: (r) => r.resolution, width: 40 },
  { header: 'クローズ日時', value: (r) => jstCell(r.closedAt), width: 18 },
  { header: '版', value: (r) => r.version },
  { header: 'ID', value: (r) => r.id, width: 38 },
];

export function createIncidentService(deps: IncidentDeps) {
  const { db, clock } = deps;
  const calendar = deps.calendar ?? new BusinessCalendar();
  const mails = incidentMailTemplates(deps.platformName ?? '第三期サーバ仮想基盤');
  const ctxOf = (actor: Actor): IncidentContext => ({ clock, actor, calendar, mails });

  const visible = incidentScope;

  async function load(t: Db, actor: Actor, id: string): Promise<Incident> {
    requirePermission(actor, 'incident.read');
    const [row] = await t
      .select()
      .from(incidents)
      .where(and(eq(incidents.id, id), visible(actor)));
    if (!row) throw new NotFoundError('error.not_found');
    return row;
  }

  async function history(t: Db, i: Incident, actor: Actor, action: string, comment: string | null): Promise<void> {
    await t.insert(processHistory).values({
      process: incidentProcess.name,
      recordId: i.id,
      action,
      fromState: i.state,
      toState: i.state,
      actorId: actor.personId,
      actor: actor.label,
      actorRole: actor.roles[0] ?? null,
      comment,
      at: clock.now(),
    });
  }

  /** Checks the affected CIs exist in the CMDB and returns their names. */
  async function resolveCis(t: Db, a: NonNullable<RegisterInput['affected']>) {
    const out: { ciType: 'platform' | 'host' | 'vm'; ciId: string | null; name: string }[] = [];
    if (a.platform) out.push({ ciType: 'platform', ciId: null, name: '基盤全体' });
    const hostIds = [...new Set(a.hostIds ?? [])];
    const vmIds = [...new Set(a.vmIds ?? [])];
    if (hostIds.length) {
      const rows = await t.select({ id: cmdbHosts.id, name: cmdbHosts.name }).from(cmdbHosts).where(inArray(cmdbHosts.id, hostIds));
      if (rows.length !== hostIds.length) throw fieldError('affected.hostIds', 'incident.ci_not_found');
      for (const r of rows) out.push({ ciType: 'host', ciId: r.id, name: r.name });
    }
    if (vmIds.length) {
      const rows = await t.select({ id: cmdbVms.id, name: cmdbVms.name }).from(cmdbVms).where(inArray(cmdbVms.id, vmIds));
      if (rows.length !== vmIds.length) throw fieldError('affected.vmIds', 'incident.ci_not_found');
      for (const r of rows) out.push({ ciType: 'vm', ciId: r.id, name: r.name });
    }
    return out;
  }

  /**
   * 受付・登録 (INC-1): every inquiry gets a receipt number. A trouble also gets its urgency and
   * priority (INC-5), its affected CIs, and — when the platform caused it — the report plan of N's
   * tables (INC-7) from its scope, the affected service level and the business hours at detection.
   */
  async function register(actor: Actor, raw: RegisterInput): Promise<IncidentView> {
    requirePermission(actor, 'incident.manage');
    const input = registerInput.parse(raw);
    if (input.class === 'trouble') {
      const missing: FieldErrors = {};
      if (!input.urgency) missing.urgency = { key: 'field.required' };
      if (input.platformCaused === undefined) missing.platformCaused = { key: 'field.required' };
      const a = input.affected;
      if (!a || (!a.platform && a.hostIds.length === 0 && a.vmIds.length === 0)) missing.affected = { key: 'incident.affected_required' };
      if (Object.keys(missing).length) throw new InputError('error.invalid_input', {}, missing);
    }
    const now = clock.now();
    const detectedAt = input.detectedAt ? new Date(input.detectedAt) : now;
    return inTx(db, async (t) => {
      if (input.departmentId) {
        const [d] = await t.select({ id: departments.id }).from(departments).where(eq(departments.id, input.departmentId));
        if (!d) throw fieldError('departmentId', 'iam.unknown_department');
      }
      const receiptNo = await nextReceiptNo(t, 'INC', now);
      const [created] = await t
        .insert(incidents)
        .values({
          receiptNo,
          title: input.title,
          description: input.description,
          source: input.source,
          class: input.class,
          state: incidentProcess.initial,
          requesterId: input.requesterId ?? null,
          requesterName: input.requesterName ?? null,
          departmentId: input.departmentId ?? null,
          registeredBy: actor.personId,
          registeredAt: now,
          detectedAt,
          dueAt: input.dueAt ? new Date(input.dueAt) : null,
          symptom: input.symptom ?? null,
          businessImpact: input.businessImpact ?? null,
          grams: bigrams(`${input.title}\n${input.description}`),
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      let row = created!;
      if (input.class === 'trouble' && input.urgency && input.affected) {
        const cis = await resolveCis(t, input.affected);
        await t.insert(incidentCis).values(cis.map((c) => ({ ...c, incidentId: row.id })));
        const affected = await affectedOf(t, row.id);
        const priority = priorityOf(input.urgency);
        const scope = affected.platformWide ? 'platform' : 'vm';
        const plan = input.platformCaused ? planReports(calendar, { scope, level: affected.level, priority, detectedAt }) : null;
        [row] = (await t
          .update(incidents)
          .set({
            urgency: input.urgency,
            priority,
            platformCaused: input.platformCaused ?? null,
            scope,
            serviceLevel: affected.level,
            detectedInBusinessHours: calendar.isBusinessTime(detectedAt),
            reportRule: plan?.rule.key ?? null,
            firstReportDueAt: plan?.firstReportDueAt ?? null,
            nextReportDueAt: plan?.firstReportDueAt ?? null,
            recoveryDueAt: plan?.recoveryDueAt ?? null,
          })
          .where(eq(incidents.id, row.id))
          .returning()) as [Incident];
      }
      await t.insert(processHistory).values({
        process: incidentProcess.name,
        recordId: row.id,
        action: 'register',
        fromState: '',
        toState: row.state,
        actorId: actor.personId,
        actor: actor.label,
        actorRole: actor.roles[0] ?? null,
        comment: null,
        at: now,
      });
      const { grams: _g, ...logged } = row;
      await audit(t, clock, actor, { action: 'incident.register', entityType: 'incident', entityId: row.id, after: logged });
      return view(row, now);
    });
  }

  /** Fires one step of the process table (process.ts) after N's non-RACI conditions (guard). */
  async function act(actor: Actor, id: string, action: string, raw: ActionInput): Promise<IncidentView> {
    const { version, ...input } = actionInput.parse(raw);
    return inTx(db, async (t) => {
      const i = await load(t, actor, id);
      const permitted = allowedActions(incidentProcess, i, actor).some((a) => a.action === action);
      // A stale client gets the kernel's stale-version answer, not a guard about a state it has not seen.
      if (version === i.version && !permitted) {
        const wrong = wrongClass(i, action);
        if (wrong) throw wrong;
      }
      if (permitted && version === i.version) {
        const hasProblem = (await t.select({ n: count() }).from(incidentProblems).where(eq(incidentProblems.incidentId, i.id)))[0]!.n > 0;
        const refused = guard(i, action, input, { hasProblem });
        if (refused) throw refused;
      }
      const after = await fire(t, ctxOf(actor), incidentProcess, { ...i, version }, action, input);
      return view(after, clock.now());
    });
  }

  async function bump(t: Db, i: Incident, version: number, patch: Partial<typeof incidents.$inferInsert>): Promise<Incident> {
    const [row] = await t
      .update(incidents)
      .set({ ...patch, version: sql`${incidents.version} + 1`, updatedAt: clock.now() })
      .where(and(eq(incidents.id, i.id), eq(incidents.version, version)))
      .returning();
    if (!row) throw new ConflictError('error.stale_version');
    return row;
  }

  /**
   * 第一報・継続報・最終報 (INC-7, INC-8, N §3.2.3.6). The channel defaults to the one N's table gives
   * for the trouble's row; when it includes mail, the mail in N's format goes to the recipients derived
   * from the CMDB now, in the same transaction. A phone report is recorded without mail. The next
   * continuing report falls due an hour later where N says 1時間ごと. N gives the reports to the
   * manager (重大障害における進捗管理 ○); at night the operator on duty makes them, so every holder
   * of incident.manage may.
   */
  async function report(actor: Actor, id: string, raw: ReportInput): Promise<IncidentView> {
    requirePermission(actor, 'incident.manage');
    const input = reportInput.parse(raw);
    return inTx(db, async (t) => {
      const i = await load(t, actor, id);
      if (i.class !== 'trouble') throw new ConflictError('incident.not_trouble');
      if (i.state === 'closed') throw new ConflictError('incident.closed');
      if (i.finalReportedAt) throw new ConflictError('incident.final_reported');
      const rule = ruleByKey(i.reportRule);
      const now = clock.now();
      const ctx = ctxOf(actor);
      const symptom = input.symptom ?? i.symptom ?? '';
      const businessImpact = input.businessImpact ?? i.businessImpact ?? '';
      const probableCause = input.probableCause ?? i.probableCause ?? '';
      const need = (fields: Record<string, unknown>) => {
        const missing: FieldErrors = {};
        for (const [k, v] of Object.entries(fields)) if (v === undefined || v === null || v === '') missing[k] = { key: 'field.required' };
        if (Object.keys(missing).length) throw new InputError('error.invalid_input', {}, missing);
      };
      if (input.kind === 'first') {
        if (i.firstReportedAt) throw new ConflictError('incident.already_reported');
        const channel = input.channel ?? rule?.firstChannel ?? 'mail';
        const affected = await affectedOf(t, i.id);
        const vms = affected.platformWide ? ['基盤全体（全仮想マシン）'] : affected.vmNames;
        const mail = includesMail(channel) ? mails.firstReport({ occurredAt: i.detectedAt, affectedVms: vms }) : null;
        await recordReport(t, ctx, i, { kind: 'first', channel, mail, dueAt: i.firstReportDueAt, data: { affectedVms: vms } });
        const next = rule ? nextContinuingDue(calendar, rule, now) : null;
        const row = await bump(t, i, input.version, { firstReportedAt: now, lastReportedAt: now, nextReportDueAt: next });
        await history(t, i, actor, 'report_first', `${CHANNEL_LABELS[channel].ja}`);
        await audit(t, clock, actor, { action: 'incident.report', entityType: 'incident', entityId: i.id, after: { kind: 'first', channel } });
        return view(row, now);
      }
      if (input.kind === 'continuing') {
        need({ symptom, businessImpact, probableCause, progress: input.progress });
        const channel = input.channel ?? rule?.continuingChannel ?? 'mail';
        const data = {
          occurredAt: i.detectedAt,
          symptom,
          businessImpact,
          expectedRecoveryAt: input.expectedRecovery ?? null,
          probableCause,
          progress: input.progress!,
        };
        const mail = includesMail(channel) ? mails.continuingReport(data) : null;
        await recordReport(t, ctx, i, { kind: 'continuing', channel, mail, dueAt: i.firstReportedAt ? i.nextReportDueAt : null, data });
        const next = rule ? nextContinuingDue(calendar, rule, now) : null;
        const row = await bump(t, i, input.version, {
          firstReportedAt: i.firstReportedAt ?? now,
          lastReportedAt: now,
          nextReportDueAt: next,
          symptom,
          businessImpact,
          probableCause,
        });
        await history(t, i, actor, 'report_continuing', CHANNEL_LABELS[channel].ja);
        await audit(t, clock, actor, { action: 'incident.report', entityType: 'incident', entityId: i.id, after: { kind: 'continuing', channel } });
        return view(row, now);
      }
      const recoveredAt = input.recoveredAt ? new Date(input.recoveredAt) : i.recoveredAt;
      need({ symptom, businessImpact, probableCause, progress: input.progress, recoveredAt });
      // 最終報 always goes by mail (N: 「最終報のみ メール」).
      const channel = input.channel ?? 'mail';
      const data = { occurredAt: i.detectedAt, symptom, businessImpact, recoveredAt: recoveredAt!, probableCause, progress: input.progress! };
      const mail = includesMail(channel) ? mails.finalReport(data) : null;
      await recordReport(t, ctx, i, { kind: 'final', channel, mail, data });
      const row = await bump(t, i, input.version, {
        finalReportedAt: now,
        lastReportedAt: now,
        nextReportDueAt: null,
        recoveredAt,
        symptom,
        businessImpact,
        probableCause,
      });
      await history(t, i, actor, 'report_final', CHANNEL_LABELS[channel].ja);
      await audit(t, clock, actor, { action: 'incident.report', entityType: 'incident', entityId: i.id, after: { kind: 'final', channel } });
      return view(row, now);
    });
  }

  /**
   * 優先度の見直し (N §3.2.3.4: 統括責任者と協議のうえ適宜見直す): the manager or the supervisor
   * re-judges urgency with a reason; the report plan follows (deadlines still count from detection).
   */
  async function reprioritise(actor: Actor, id: string, raw: ReprioritiseInput): Promise<IncidentView> {
    const input = reprioritiseInput.parse(raw);
    return inTx(db, async (t) => {
      const i = await load(t, actor, id);
      if (!actor.roles.some((r) => r === 'vendor_manager' || r === 'supervisor') && actor.kind !== 'system') {
        throw new ForbiddenError('process.role_refused', { action: '優先度の見直し', roles: '管理者、統括責任者' });
      }
      if (i.class !== 'trouble') throw new ConflictError('incident.not_trouble');
      if (i.state === 'closed') throw new ConflictError('incident.closed');
      const priority = priorityOf(input.urgency);
      const now = clock.now();
      let patch: Partial<typeof incidents.$inferInsert> = { urgency: input.urgency, priority };
      if (i.platformCaused && i.scope) {
        const plan = planReports(calendar, { scope: i.scope, level: i.serviceLevel, priority, detectedAt: i.detectedAt });
        const next = i.firstReportedAt ? (i.lastReportedAt ? nextContinuingDue(calendar, plan.rule, i.lastReportedAt) : null) : plan.firstReportDueAt;
        patch = { ...patch, reportRule: plan.rule.key, firstReportDueAt: plan.firstReportDueAt, nextReportDueAt: i.finalReportedAt ? null : next };
      }
      const row = await bump(t, i, input.version, patch);
      await history(t, i, actor, 'reprioritise', input.reason);
      await audit(t, clock, actor, {
        action: 'incident.reprioritise',
        entityType: 'incident',
        entityId: i.id,
        before: { priority: i.priority, urgency: i.urgency },
        after: { priority, urgency: input.urgency, reason: input.reason },
      });
      return view(row, now);
    });
  }

  function deadlines(i: Incident, rule: ReportRule | null, now: Date) {
    const d = (dueAt: Date | null, doneAt: Date | null) => ({ dueAt, doneAt, overdue: !DONE_STATES.includes(i.state) && isOverdue(dueAt, now, doneAt) });
    return {
      rule: rule && {
        ...rule,
        firstChannelLabel: rule.firstChannel ? CHANNEL_LABELS[rule.firstChannel] : null,
        continuingLabel: CADENCE_LABELS[rule.continuing],
        continuingChannelLabel: CHANNEL_LABELS[rule.continuingChannel],
      },
      firstReport: d(i.firstReportDueAt, i.firstReportedAt),
      nextReport: d(i.firstReportedAt ? i.nextReportDueAt : null, i.finalReportedAt),
      recovery: d(i.recoveryDueAt, i.recoveredAt),
      due: d(i.dueAt, i.closedAt),
      overdue: overdueReasons(i, now),
    };
  }

  /** The record page: state, the caller's allowed steps, deadlines, timeline, mails and more. */
  async function get(actor: Actor, id: string) {
    const i = await load(db, actor, id);
    const now = clock.now();
    const cis = await db.select().from(incidentCis).where(eq(incidentCis.incidentId, id)).orderBy(asc(incidentCis.id));
    const affected = cis.length ? await affectedOf(db, id) : null;
    const recipients = i.class === 'trouble' ? await recipientsOf(db, id, affected ?? undefined) : null;
    const mailsOf: MailView[] = can(actor, 'mail.read') ? await listMailsFor(db, actor, 'incident', id) : [];
    const routing = await db.select().from(incidentRouting).where(eq(incidentRouting.incidentId, id)).orderBy(asc(incidentRouting.id));
    const reports = await db.select().from(incidentReports).where(eq(incidentReports.incidentId, id)).orderBy(asc(incidentReports.id));
    const problemIds = (await db.select({ id: incidentProblems.problemId }).from(incidentProblems).where(eq(incidentProblems.incidentId, id))).map((p) => p.id);
    const dl = deadlines(i, ruleByKey(i.reportRule), now);
    const similar = i.class === 'qa' ? await similarTo(actor, { q: `${i.title}\n${i.description}`.slice(0, 2000), class: 'qa', exclude: i.id }) : [];
    return {
      ...view(i, now),
      process: await processView(db, incidentProcess, i, actor, {
        deadlines: [
          { key: 'firstReport', label: { ja: '第一報', en: 'First report' }, ...dl.firstReport },
          { key: 'nextReport', label: { ja: '次回報告', en: 'Next report' }, ...dl.nextReport },
          { key: 'recovery', label: { ja: '復旧目標', en: 'Recovery target' }, ...dl.recovery },
          { key: 'due', label: { ja: '納期', en: 'Due' }, ...dl.due },
        ].filter((d) => d.dueAt || d.doneAt),
      }),
      deadlines: dl,
      affected: { cis, vmNames: affected?.vmNames ?? [], recoveryOrder: affected?.recoveryOrder ?? [], currentLevel: affected?.level ?? null },
      recipients,
      routing,
      reports,
      problemIds,
      similar,
      mails: mailsOf,
    };
  }

  /** インシデント管理台帳 with server-side filter, sort and page; `next` is the keyset cursor of the page after. */
  async function list(actor: Actor, q: IncidentListQuery): Promise<Page<IncidentView> & { totalExact: boolean; next: string | null }> {
    requirePermission(actor, 'incident.read');
    const now = clock.now();
    const { rows, total, totalExact, next } = await ledgerPage(db, actor, q, now);
    return { items: rows.map((r) => view(r, now)), total, totalExact, page: q.page, pageSize: q.pageSize, next };
  }

  async function exportLedger(actor: Actor, format: 'xlsx' | 'csv', q: Partial<IncidentListQuery> = {}): Promise<LedgerFile> {
    requirePermission(actor, 'incident.read');
    const now = clock.now();
    const rows = await db
      .select()
      .from(incidents)
      .where(incidentWhere(actor, q, now))
      .orderBy(asc(incidents.receiptNo));
    return ledgerFile({ en: 'incidents', ja: 'インシデント管理台帳' }, format, LEDGER, rows, now);
  }

  /** INC-4: past inquiries sharing the most character bigrams with `q` (ledger.ts). Shown on a QA so an earlier answer can be reused. */
  async function similarTo(actor: Actor, raw: SimilarQuery) {
    requirePermission(actor, 'incident.read');
    return similarIncidents(db, actor, similarQuery.parse(raw));
  }

  /**
   * 進捗管理 — the manager's daily stocktake (INC-9, N §3.2.3.5): incidents still undispatched
   * (open without anyone on them), and incidents past a deadline (report, recovery target, 納期),
   * each with why.
   */
  async function stocktake(actor: Actor) {
    requirePermission(actor, 'incident.read');
    const now = clock.now();
    const vis = visible(actor);
    const undispatched = await db
      .select()
      .from(incidents)
      .where(and(vis, eq(incidents.state, 'registered')))
      .orderBy(asc(incidents.registeredAt));
    const overdue = await db
      .select()
      .from(incidents)
      .where(and(vis, overdueSql(now)))
      .orderBy(asc(incidents.registeredAt));
    const awaitingClose = await db
      .select()
      .from(incidents)
      .where(and(vis, eq(incidents.state, 'provisionally_closed')))
      .orderBy(asc(incidents.registeredAt));
    return {
      at: now,
      undispatched: undispatched.map((i) => view(i, now)),
      overdue: overdue.map((i) => ({ ...view(i, now), reasons: overdueReasons(i, now) })),
      awaitingClose: awaitingClose.map((i) => view(i, now)),
    };
  }

  /**
   * Records the day's stocktake (INC-9). When long-running incidents put the quality targets at risk,
   * the manager says so and the supervisor is told by mail with the list, in the same transaction
   * (N: 統括責任者に報告する); the corrective action decided is kept with it.
   */
  async function recordStocktake(actor: Actor, raw: StocktakeInput) {
    requirePermission(actor, 'incident.manage');
    if (actor.kind !== 'system' && !actor.roles.some((r) => r === 'vendor_manager' || r === 'vendor_lead')) {
      throw new ForbiddenError('process.role_refused', { action: '進捗管理（棚卸）', roles: '管理者' });
    }
    const input = stocktakeInput.parse(raw);
    if (input.atRisk && !input.note) throw fieldError('note', 'field.required');
    const st = await stocktake(actor);
    return inTx(db, (t) => saveStocktake(t, { clock, actor, mails }, st, input));
  }

  /** The stocktake at each business day's opening (INC-9), run by the worker once a minute (stocktake.ts). */
  const daily = createStocktakeJob({ db, clock, calendar, mails, build: stocktake });

  async function listStocktakes(actor: Actor, limit = 100) {
    requirePermission(actor, 'incident.read');
    if (visibleDepartments(actor) !== null) throw new ForbiddenError('error.forbidden');
    return db.select().from(incidentStocktakes).orderBy(desc(incidentStocktakes.id)).limit(limit);
  }

  /** Upcoming report deadlines (next hour by default): the desk's to-do list during a trouble. */
  async function reportsDue(actor: Actor, withinMinutes = 60) {
    requirePermission(actor, 'incident.read');
    const now = clock.now();
    const until = new Date(now.getTime() + withinMinutes * 60_000);
    const rows = await db
      .select()
      .from(incidents)
      .where(
        and(
          visible(actor),
          sql`${incidents.state} NOT IN ('provisionally_closed', 'closed')`,
          isNull(incidents.finalReportedAt),
          lt(incidents.nextReportDueAt, until),
        ),
      )
      .orderBy(asc(incidents.nextReportDueAt));
    return rows.map((i) => ({ ...view(i, now), dueAt: i.nextReportDueAt, overdue: i.nextReportDueAt! < now }));
  }

  return {
    register,
    act,
    report,
    reprioritise,
    get,
    list,
    exportLedger,
    similar: similarTo,
    stocktake,
    recordStocktake,
    runDailyStocktake: daily.runDue,
    listStocktakes,
    reportsDue,
    calendar,
  };
}

export type IncidentService = ReturnType<typeof createIncidentService>;
