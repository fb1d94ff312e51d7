import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { BusinessCalendar, toJstYmd } from '../calendar/index.ts';
import type { Db } from '../db/index.ts';
import { inTx } from '../db/index.ts';
import { storedFiles } from '../files/schema.ts';
import { type FileInput, readStoredFile, STORED_FILE_INFO, type StoredFile, storeFile } from '../files/index.ts';
import { type Actor, can, requirePermission } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, type FieldErrors, fieldError, InputError, NotFoundError } from '../kernel/errors.ts';
import { submissionDeadline } from '../monitoring/index.ts';
import { monitoringSuppressions } from '../monitoring/schema.ts';
import { formatJst } from '../calendar/index.ts';
import { listMailsFor } from '../notify/index.ts';
import { fire, isOverdue, processView, recordEvent } from '../process/index.ts';
import { DEFAULT_APPROVAL_LEAD_BUSINESS_DAYS, DEFAULT_RELEASE_PLATFORM_NAME } from './release-chain.ts';
import { maintenanceDayCovering } from './maintenance.ts';
import {
  PLAN_REQUIRED,
  type ReleaseActionInput,
  type ReleasePlanInput,
  type ReleaseUpdateInput,
  releaseActionInput,
  releasePlanInput,
  releaseUpdateInput,
} from './release-inputs.ts';
import { type Release, type ReleaseContext, releaseProcess } from './release-process.ts';
import { changes, releaseEvidence, releases } from './schema.ts';
import { releaseOverrun } from './release-overrun.ts';
import { changeScope } from './scope.ts';

export interface ReleaseDeps {
  db: Db;
  clock: Clock;
  calendar?: BusinessCalendar;
  /** N's subject platform name (KIBAN_PLATFORM_NAME): 【第三期サーバ仮想化統合基盤】. */
  platformName?: string;
  /** Business days before the maintenance day by which the supervisor approves (KIBAN_RELEASE_APPROVAL_LEAD_DAYS). */
  approvalLeadBusinessDays?: number;
  /** CAL-4's monthly cap of non-urgent impactful off-hours work (N §2.4 ※1: 2). */
  offHoursMonthlyCap?: number;
  /** KIBAN_RELEASE_OVERRUN_HOURS: a running release keeps its suppression at most this long past its planned end. */
  overrunCeilingHours?: number;
}

/** States from which a release counts as work that will happen (CAL-4's count). */
const COUNTED = ['approved', 'in_progress', 'anomaly', 'rolling_back', 'completed', 'rolled_back'];
const NO_IMPACT = /^(なし|無し|影響なし|影響無し|特になし|特に無し|-|－)$/;

const view = (r: Release) => ({ ...r, stateLabel: releaseProcess.states[r.state] ?? { ja: r.state, en: r.state } });
export type ReleaseView = ReturnType<typeof view>;

/** CAL-4 (N §2.4 ※1) for a release: the month's count of non-urgent impactful off-hours work. */
export interface OffHoursCount {
  /** JST month of the planned start, YYYY-MM. */
  month: string;
  /** This release is non-urgent, has a business impact and starts outside business hours. */
  counts: boolean;
  /** Such releases of the month approved or done, this one included if it is. */
  count: number;
  cap: number;
  /** Set when this release is the cap+1-th (the third by default) or later: shown before approval. */
  warning: string | null;
}

export function createReleaseService(deps: ReleaseDeps) {
  const { db, clock } = deps;
  const calendar = deps.calendar ?? new BusinessCalendar();
  const platformName = deps.platformName ?? DEFAULT_RELEASE_PLATFORM_NAME;
  const leadDays = deps.approvalLeadBusinessDays ?? DEFAULT_APPROVAL_LEAD_BUSINESS_DAYS;
  const cap = deps.offHoursMonthlyCap ?? 2;
  const ctxOf = (actor: Actor): ReleaseContext => ({ clock, actor, platformName, calendar, approvalLeadBusinessDays: leadDays });

  async function loadChange(t: Db, actor: Actor, id: string) {
    requirePermission(actor, 'change.read');
    const [c] = await t
      .select()
      .from(changes)
      .where(and(eq(changes.id, id), changeScope(actor)));
    if (!c) throw new NotFoundError('error.not_found');
    return c;
  }

  async function load(t: Db, actor: Actor, id: string): Promise<Release> {
    requirePermission(actor, 'change.read');
    const [row] = await t
      .select({ r: releases })
      .from(releases)
      .innerJoin(changes, eq(changes.id, releases.changeId))
      .where(and(eq(releases.id, id), changeScope(actor)));
    if (!row) throw new NotFoundError('error.not_found');
    return row.r;
  }

  /** The plan's own checks: window order, decision time inside it, maintenance day or emergency with reason. */
  async function checkPlan(t: Db, input: ReturnType<typeof releasePlanInput.parse>) {
    const plannedStart = new Date(input.plannedStart);
    const plannedEnd = new Date(input.plannedEnd);
    if (plannedEnd <= plannedStart) throw fieldError('plannedEnd', 'changes.release_window_order');
    const decision = input.rollbackDecisionAt ? new Date(input.rollbackDecisionAt) : null;
    if (decision && (decision < plannedStart || decision > plannedEnd)) throw fieldError('rollbackDecisionAt', 'changes.release_decision_outside');
    if (input.emergency && !input.emergencyReason) throw fieldError('emergencyReason', 'field.required');
    if (!input.emergency && !(await maintenanceDayCovering(t, plannedStart, plannedEnd)))
      throw fieldError('plannedStart', 'changes.release_outside_maintenance');
    return {
      proven: input.proven,
      emergency: input.emergency,
      emergencyReason: input.emergency ? (input.emergencyReason ?? null) : null,
      plannedStart,
      plannedEnd,
      timeline: input.timeline,
      backupTime: input.backupTime || null,
      rollbackCriteria: input.rollbackCriteria || null,
      rollbackDecisionAt: decision,
      staffing: input.staffing.map((s) => ({ name: s.name, role: s.role ?? '', nextBusinessDay: s.nextBusinessDay ?? false })),
      impactScope: input.impactScope || null,
      risks: input.risks,
      contacts: input.contacts || null,
      rollbackProcedure: input.rollbackProcedure || null,
      workContent: input.workContent,
      businessImpact: input.businessImpact,
      workerLabel: input.workerLabel || null,
      suppressionMethod: input.suppressionMethod,
    };
  }

  /** リリース計画報告 needs the whole plan: every missing field is named (rollback procedure first). */
  function checkComplete(r: Release): void {
    const missing: FieldErrors = {};
    for (const f of PLAN_REQUIRED) {
      const v = r[f];
      if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0))
        missing[f] = { key: 'field.required' };
    }
    if (Object.keys(missing).length) throw new InputError('changes.release_plan_incomplete', {}, missing);
  }

  /** The supervisor approves `leadDays` business days before the maintenance day; later only in an emergency. */
  function approvalDeadline(r: Release): Date {
    return submissionDeadline(calendar, r.plannedStart, leadDays);
  }

  function counts(r: Pick<Release, 'emergency' | 'businessImpact' | 'plannedStart'>): boolean {
    return !r.emergency && !NO_IMPACT.test(r.businessImpact.trim()) && !calendar.isBusinessTime(r.plannedStart);
  }

  async function offHours(t: Db, r: Release): Promise<OffHoursCount> {
    const month = toJstYmd(r.plannedStart).slice(0, 7);
    const others = await t
      .select({ id: releases.id, emergency: releases.emergency, businessImpact: releases.businessImpact, plannedStart: releases.plannedStart })
      .from(releases)
      .where(
        and(
          inArray(releases.state, COUNTED),
          sql`to_char(${releases.plannedStart} AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM') = ${month}`,
          sql`${releases.id} <> ${r.id}`,
        ),
      );
    const before = others.filter(counts).length;
    const mine = counts(r);
    const count = before + (mine ? 1 : 0);
    const warning =
      mine && count > cap ? `業務時間外の影響のある作業（緊急でないもの）は月 ${cap} 回までです。このリリースで ${month} の ${count} 回目になります。` : null;
    return { month, counts: mine, count, cap, warning };
  }

  async function history(t: Db, actor: Actor, r: Release, action: string, comment: string | null) {
    await recordEvent(t, clock.now(), actor, {
      process: releaseProcess.name,
      recordId: r.id,
      action,
      state: r.state,
      fromState: action === 'create' ? '' : r.state,
      comment,
    });
  }

  return {
    /** リリース計画作成: for a change whose policy was decided 実施する (state implementing). */
    async create(actor: Actor, changeId: string, raw: ReleasePlanInput): Promise<ReleaseView> {
      requirePermission(actor, 'change.manage');
      const input = releasePlanInput.parse(raw);
      const now = clock.now();
      return inTx(db, async (t) => {
        const c = await loadChange(t, actor, changeId);
        if (c.state !== 'implementing') throw new ConflictError('changes.release_change_not_implementing');
        const plan = await checkPlan(t, input);
        const [{ n } = { n: 0 }] = await t.select({ n: sql<number>`count(*)::int` }).from(releases).where(eq(releases.changeId, c.id));
        const [row] = await t
          .insert(releases)
          .values({
            ...plan,
            changeId: c.id,
            releaseNo: `${c.receiptNo}-R${n + 1}`,
            state: releaseProcess.initial,
            preparedBy: actor.personId,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        const r = row!;
        await history(t, actor, r, 'create', null);
        await audit(t, clock, actor, { action: 'release.create', entityType: 'release', entityId: r.id, after: r });
        return view(r);
      });
    },
    /** 計画の修正 while 作成中 (also after a return or a 見直し指示), optimistic on `version`. */
    async update(actor: Actor, id: string, raw: ReleaseUpdateInput): Promise<ReleaseView> {
      requirePermission(actor, 'change.manage');
      const { version, ...rest } = releaseUpdateInput.parse(raw);
      const input = releasePlanInput.parse(rest);
      return inTx(db, async (t) => {
        const before = await load(t, actor, id);
        if (before.state !== 'planning') throw new ConflictError('changes.release_not_editable');
        const plan = await checkPlan(t, input);
        const [row] = await t
          .update(releases)
          .set({ ...plan, version: sql`${releases.version} + 1`, updatedAt: clock.now() })
          .where(and(eq(releases.id, id), eq(releases.version, version)))
          .returning();
        if (!row) throw new ConflictError('error.stale_version');
        await history(t, actor, row, 'edit', null);
        await audit(t, clock, actor, { action: 'release.update', entityType: 'release', entityId: id, before, after: row });
        return view(row);
      });
    },
    async act(actor: Actor, id: string, action: string, raw: ReleaseActionInput): Promise<ReleaseView & { warnings: string[] }> {
      const { version, ...input } = releaseActionInput.parse(raw);
      return inTx(db, async (t) => {
        const r = await load(t, actor, id);
        const warnings: string[] = [];
        if (action === 'submit_plan' && r.state === 'planning') checkComplete(r);
        if (action === 'approve_plan' && r.state === 'plan_approval') {
          const deadline = approvalDeadline(r);
          if (!r.emergency && clock.now() > deadline)
            throw new ConflictError('changes.release_approval_late', { days: leadDays, deadline: formatJst(deadline) });
          const w = (await offHours(t, r)).warning;
          if (w) warnings.push(w);
        }
        const after = await fire(t, ctxOf(actor), releaseProcess, { ...r, version }, action, input);
        return { ...view(after), warnings };
      });
    },
    async get(actor: Actor, id: string) {
      const r = await load(db, actor, id);
      const [c] = await db
        .select({ id: changes.id, receiptNo: changes.receiptNo, title: changes.title, state: changes.state })
        .from(changes)
        .where(eq(changes.id, r.changeId));
      const now = clock.now();
      const deadline = approvalDeadline(r);
      const [suppression] = r.suppressionId
        ? await db
            .select({
              id: monitoringSuppressions.id,
              state: monitoringSuppressions.state,
              method: monitoringSuppressions.method,
              startsAt: monitoringSuppressions.startsAt,
              endsAt: monitoringSuppressions.endsAt,
              systemNames: monitoringSuppressions.systemNames,
            })
            .from(monitoringSuppressions)
            .where(eq(monitoringSuppressions.id, r.suppressionId))
        : [];
      const pendingApproval = ['planning', 'plan_review', 'plan_approval'].includes(r.state);
      return {
        release: view(r),
        change: c!,
        approvalDeadline: deadline,
        maintenanceDay: (await maintenanceDayCovering(db, r.plannedStart, r.plannedEnd)) ?? null,
        offHours: await offHours(db, r),
        suppression: suppression ?? null,
        overrun: releaseOverrun(r, now, suppression?.state ?? null, deps.overrunCeilingHours),
        evidence: await listEvidence(db, r.id),
        mails: can(actor, 'mail.read') ? await listMailsFor(db, actor, 'release', r.id) : [],
        process: await processView(db, releaseProcess, r, actor, {
          deadlines: [
            {
              key: 'approval',
              label: { ja: '計画の承認期限', en: 'Approval due' },
              dueAt: deadline,
              doneAt: r.approvedAt,
              overdue: pendingApproval && !r.emergency && isOverdue(deadline, now),
            },
            { key: 'start', label: { ja: '作業開始予定', en: 'Planned start' }, dueAt: r.plannedStart, doneAt: r.actualStart, overdue: false },
            {
              key: 'end',
              label: { ja: '作業終了予定', en: 'Planned end' },
              dueAt: r.plannedEnd,
              doneAt: r.actualEnd,
              overdue: !!r.actualStart && !r.actualEnd && isOverdue(r.plannedEnd, now),
            },
          ],
        }),
      };
    },
    async listForChange(actor: Actor, changeId: string) {
      const c = await loadChange(db, actor, changeId);
      const rows = await db.select().from(releases).where(eq(releases.changeId, c.id)).orderBy(asc(releases.releaseNo));
      return { items: rows.map(view) };
    },
    /** 作業証跡: a file kept with the release (H4's storeFile checks size and type; nothing written if refused). */
    async addEvidence(actor: Actor, id: string, file: FileInput | undefined, note?: string) {
      requirePermission(actor, 'change.manage');
      if (!file) throw fieldError('file', 'file.required');
      return inTx(db, async (t) => {
        const r = await load(t, actor, id);
        if (r.state === 'cancelled') throw new ConflictError('changes.evidence_closed');
        const info = await storeFile(t, clock, actor, file);
        const [row] = await t
          .insert(releaseEvidence)
          .values({ releaseId: r.id, fileId: info.id, note: note?.trim() || null })
          .returning();
        await history(t, actor, r, 'evidence', info.fileName);
        await audit(t, clock, actor, { action: 'release.evidence', entityType: 'release', entityId: r.id, after: { evidenceId: row!.id, file: info } });
        return { id: row!.id, note: row!.note, file: info };
      });
    },
    async listEvidence(actor: Actor, id: string) {
      const r = await load(db, actor, id);
      return { items: await listEvidence(db, r.id) };
    },
    async evidenceFile(actor: Actor, id: string, evidenceId: number): Promise<StoredFile> {
      const r = await load(db, actor, id);
      const [e] = await db
        .select()
        .from(releaseEvidence)
        .where(and(eq(releaseEvidence.id, evidenceId), eq(releaseEvidence.releaseId, r.id)));
      if (!e) throw new NotFoundError('error.not_found');
      return readStoredFile(db, e.fileId);
    },
    /** For the print (リリース計画書兼完了報告書): the release with its change and evidence. */
    async printData(actor: Actor, id: string) {
      const r = await load(db, actor, id);
      const [c] = await db.select().from(changes).where(eq(changes.id, r.changeId));
      return { release: view(r), change: c!, evidence: await listEvidence(db, r.id), offHours: await offHours(db, r) };
    },
  };
}
export type ReleaseService = ReturnType<typeof createReleaseService>;

/** A stored file's metadata columns, its id named fileId beside the evidence row's own id. */
const { id: STORED_FILE_ID, ...FILE_COLUMNS } = STORED_FILE_INFO;

async function listEvidence(db: Db, releaseId: string) {
  return db
    .select({
      id: releaseEvidence.id,
      note: releaseEvidence.note,
      fileId: STORED_FILE_ID,
      ...FILE_COLUMNS,
    })
    .from(releaseEvidence)
    .innerJoin(storedFiles, eq(storedFiles.id, releaseEvidence.fileId))
    .where(eq(releaseEvidence.releaseId, releaseId))
    .orderBy(asc(releaseEvidence.id));
}
