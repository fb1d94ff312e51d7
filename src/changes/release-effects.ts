import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/index.ts';
import { addressesOfRole, affectedOfCis, recipientsOf } from '../incidents/index.ts';
import { fieldError } from '../kernel/errors.ts';
import { monitoringMailTemplates, suppressionProcess } from '../monitoring/index.ts';
import { systemOwnerAddresses } from '../monitoring/context.ts';
import { monitoringSuppressions, monitoringTargets } from '../monitoring/schema.ts';
import { enqueueMail, jaPeriod } from '../notify/index.ts';
import { fire, processHistory, type SideEffect, type TransitionEvent } from '../process/index.ts';
import { releaseMailTemplates } from './release-mails.ts';
import type { Release, ReleaseContext } from './release-process.ts';
import { changeCis, changes, releases } from './schema.ts';

/**
 * The chain's side effects on the release steps (CHG-7, the suppression chain). Kept apart from
 * release-chain.ts so the process table can name them without an import cycle.
 */

type Ev = TransitionEvent<Release, ReleaseContext>;

/** The change's targets as the CMDB places them now: systems (owners), the VMs on target hosts. */
export async function releaseTargets(tx: Db, changeId: string) {
  const cis = await tx.select({ ciType: changeCis.ciType, ciId: changeCis.ciId, name: changeCis.name }).from(changeCis).where(eq(changeCis.changeId, changeId));
  const affected = await affectedOfCis(tx, cis);
  const ciIds = cis.map((c) => c.ciId).filter((x): x is string => !!x);
  const hostIds = cis.filter((c) => c.ciType === 'host' && c.ciId).map((c) => c.ciId!);
  const vmIds = hostIds.length
    ? (await tx.select({ id: cmdbVms.id }).from(cmdbVms).where(and(inArray(cmdbVms.hostId, hostIds), ne(cmdbVms.status, 'retired')))).map((v) => v.id)
    : [];
  const ids = [...new Set([...ciIds, ...vmIds])];
  const targets = ids.length ? await tx.select({ id: monitoringTargets.id, name: monitoringTargets.name }).from(monitoringTargets).where(inArray(monitoringTargets.ciId, ids)) : [];
  const systems = affected.systemIds.length
    ? await tx.select({ id: cmdbSystems.id, name: cmdbSystems.name, departmentId: cmdbSystems.departmentId }).from(cmdbSystems).where(inArray(cmdbSystems.id, affected.systemIds))
    : [];
  return { cis, affected, targets, systems };
}

/** N's 「To : 統括責任者、システム所管、ICT サービスセンター管理者」 for the change's targets (as for incidents). */
export async function releaseRecipients(tx: Db, changeId: string): Promise<string[]> {
  const { affected } = await releaseTargets(tx, changeId);
  return (await recipientsOf(tx, '', affected)).to;
}

async function changeOf(tx: Db, r: Release) {
  const [c] = await tx.select({ id: changes.id, receiptNo: changes.receiptNo, title: changes.title }).from(changes).where(eq(changes.id, r.changeId));
  return c!;
}

const suppressionCtx = (e: { ctx: ReleaseContext }) => ({ ...e.ctx, mails: monitoringMailTemplates(e.ctx.platformName) });

/**
 * 計画内容を承認 → the monitoring suppression (静観 by default) of the targets and the VMs on them for
 * the planned window, as a suppression record approved with the plan (its history names the release).
 * An overlapping suppression of the same items refuses the approval (nothing written).
 */
export const suppressOnApproval: SideEffect<Release, ReleaseContext> = async (e) => {
  const r = e.record;
  const { targets, systems } = await releaseTargets(e.tx, r.changeId);
  if (targets.length === 0) return;
  const ids = targets.map((t) => t.id);
  const [clash] = await e.tx
    .select({ id: monitoringSuppressions.id, startsAt: monitoringSuppressions.startsAt, endsAt: monitoringSuppressions.endsAt, systemNames: monitoringSuppressions.systemNames })
    .from(monitoringSuppressions)
    .where(
      and(
        inArray(monitoringSuppressions.state, ['submitted', 'returned', 'approved', 'active']),
        sql`${monitoringSuppressions.startsAt} < ${r.plannedEnd.toISOString()}::timestamptz`,
        sql`${monitoringSuppressions.endsAt} > ${r.plannedStart.toISOString()}::timestamptz`,
        sql`${monitoringSuppressions.targetIds} && ARRAY[${sql.join(ids.map((i) => sql`${i}`), sql`, `)}]::uuid[]`,
      ),
    )
    .limit(1);
  if (clash) {
    throw fieldError('plannedStart', 'changes.release_suppression_overlap', { window: jaPeriod(clash.startsAt, clash.endsAt), systems: clash.systemNames.join('、') || '—' });
  }
  const c = await changeOf(e.tx, r);
  const now = e.ctx.clock.now();
  const depts = new Set(systems.map((s) => s.departmentId));
  const [s] = await e.tx
    .insert(monitoringSuppressions)
    .values({
      state: 'approved',
      reason: 'known_maintenance',
      reasonText: `リリース ${r.releaseNo}（${c.receiptNo} ${c.title}）の作業`,
      method: r.suppressionMethod,
      startsAt: r.plannedStart,
      endsAt: r.plannedEnd,
      targetIds: ids,
      systemIds: systems.map((x) => x.id),
      systemNames: systems.map((x) => x.name),
      departmentId: depts.size === 1 ? [...depts][0]! : null,
      requestedBy: r.preparedBy,
      requestedByLabel: r.workerLabel ?? e.ctx.actor.label,
      submittedAt: now,
      deadlineAt: null,
      late: false,
      approvedBy: e.ctx.actor.personId,
      approvedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  const row = s!;
  const entry = { process: suppressionProcess.name, recordId: row.id, actorId: e.ctx.actor.personId, actor: e.ctx.actor.label, at: now };
  await e.tx.insert(processHistory).values([
    { ...entry, action: 'submit', fromState: '', toState: 'submitted', actorRole: 'supervisor', comment: `リリース ${r.releaseNo} の計画に基づく申請` },
    { ...entry, action: 'approve', fromState: 'submitted', toState: 'approved', actorRole: 'supervisor', comment: `リリース ${r.releaseNo} の計画承認とともに承認` },
  ]);
  await audit(e.tx, e.ctx.clock, e.ctx.actor, { action: 'monitoring_suppression.submit', entityType: 'monitoring_suppression', entityId: row.id, after: { ...row, releaseId: r.id } });
  await e.tx.update(releases).set({ suppressionId: row.id }).where(eq(releases.id, r.id));
  e.record.suppressionId = row.id;
};

/** N §3.4.3.3 (緊急): on approval of an emergency release, the supervisor's notice to the owners. */
export const emergencyNotice: SideEffect<Release, ReleaseContext> = async (e) => {
  const r = e.record;
  if (!r.emergency) return;
  const { affected } = await releaseTargets(e.tx, r.changeId);
  const owners = await systemOwnerAddresses(e.tx, affected.systemIds);
  const to = owners.length ? owners : await addressesOfRole(e.tx, 'ict_manager');
  if (to.length === 0) return;
  const m = releaseMailTemplates(e.ctx.platformName).emergencyNotice({
    from: r.plannedStart,
    to: r.plannedEnd,
    worker: r.workerLabel ?? '',
    workContent: r.workContent,
    businessImpact: r.businessImpact,
    releaseNo: r.releaseNo,
    reason: r.emergencyReason ?? '',
    approver: e.ctx.actor.label,
  });
  const cc = await addressesOfRole(e.tx, 'supervisor');
  await enqueueMail(e.tx, e.ctx.clock, { recordType: 'release', recordId: r.id, to, cc, subject: m.subject, text: m.text, template: m.template, createdBy: e.ctx.actor });
};

async function suppressionOf(tx: Db, r: Release) {
  if (!r.suppressionId) return null;
  const [s] = await tx.select().from(monitoringSuppressions).where(eq(monitoringSuppressions.id, r.suppressionId));
  return s ?? null;
}

/** リリース作業開始連絡: the start mail, and the suppression window starts now (the board shows 抑止中). */
export const startChain: SideEffect<Release, ReleaseContext> = async (e) => {
  const r = e.record;
  const s = await suppressionOf(e.tx, r);
  if (s && s.state === 'approved') {
    const now = e.ctx.clock.now();
    let current = s;
    if (s.startsAt > now) {
      const [moved] = await e.tx
        .update(monitoringSuppressions)
        .set({ startsAt: now, ...(s.endsAt <= now ? { endsAt: r.plannedEnd } : {}) })
        .where(eq(monitoringSuppressions.id, s.id))
        .returning();
      await audit(e.tx, e.ctx.clock, e.ctx.actor, { action: 'monitoring_suppression.move_start', entityType: 'monitoring_suppression', entityId: s.id, before: { startsAt: s.startsAt }, after: { startsAt: now, releaseId: r.id } });
      current = moved!;
    }
    await fire(e.tx, suppressionCtx(e), suppressionProcess, current, 'start', { comment: `リリース ${r.releaseNo} の作業開始` });
  }
  await sendReleaseMail(e, 'start');
};

/** 正常終了 / 切戻し完了: the end mail (作業実績時間), the suppression window ends (monitoring resumes). */
export const endChain: SideEffect<Release, ReleaseContext> = async (e) => {
  const r = e.record;
  const result = e.action === 'complete_rollback' ? 'rolled_back' : r.anomalyReport ? 'anomaly_continued' : 'success';
  await e.tx.update(releases).set({ result }).where(eq(releases.id, r.id));
  e.record.result = result;
  const s = await suppressionOf(e.tx, r);
  if (s && s.state === 'active') {
    await fire(e.tx, suppressionCtx(e), suppressionProcess, s, 'resume', { comment: `リリース ${r.releaseNo} の作業${result === 'rolled_back' ? '（切戻し）' : ''}終了` });
  } else if (s && s.state === 'approved') {
    await fire(e.tx, suppressionCtx(e), suppressionProcess, s, 'withdraw', { comment: `リリース ${r.releaseNo} の作業終了` });
  }
  await sendReleaseMail(e, 'end');
};

async function sendReleaseMail(e: Ev, kind: 'start' | 'end') {
  const r = e.record;
  const to = await releaseRecipients(e.tx, r.changeId);
  if (to.length === 0) return;
  const t = releaseMailTemplates(e.ctx.platformName);
  const data = {
    from: kind === 'start' ? r.plannedStart : (r.actualStart ?? r.plannedStart),
    to: kind === 'start' ? r.plannedEnd : (r.actualEnd ?? e.ctx.clock.now()),
    worker: r.workerLabel ?? e.ctx.actor.label,
    workContent: r.workContent,
    businessImpact: r.businessImpact,
    rolledBack: e.action === 'complete_rollback',
  };
  const m = kind === 'start' ? t.start(data) : t.end(data);
  const sent = await enqueueMail(e.tx, e.ctx.clock, { recordType: 'release', recordId: r.id, to, subject: m.subject, text: m.text, template: m.template, createdBy: e.ctx.actor });
  await e.tx.update(releases).set(kind === 'start' ? { startMailId: sent.id } : { endMailId: sent.id }).where(eq(releases.id, r.id));
}

/** Withdraws the release's suppression when it is cancelled before the work starts. */
export const withdrawOnCancel: SideEffect<Release, ReleaseContext> = async (e) => {
  await withdrawSuppression(e.tx, e.ctx, e.record, `リリース ${e.record.releaseNo} の中止`);
};

export async function withdrawSuppression(tx: Db, ctx: ReleaseContext, r: Release, comment: string): Promise<void> {
  const s = await suppressionOf(tx, r);
  if (s && (s.state === 'submitted' || s.state === 'returned' || s.state === 'approved')) {
    await fire(tx, suppressionCtx({ ctx }), suppressionProcess, s, 'withdraw', { comment });
  }
}

