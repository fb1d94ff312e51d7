import { and, asc, eq, inArray, isNotNull, isNull, lte, ne, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { formatJst } from '../calendar/index.ts';
import { cmdbContacts, cmdbSystems, cmdbVms, createCmdbService } from '../cmdb/index.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, systemActor } from '../iam/actor.ts';
import { addressesOfRole } from '../incidents/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { type Coverage, createSettingsLedger, itemsFor, type MatrixKind, MONITORING_MATRIX, vmKind } from '../monitoring/index.ts';
import { monitoringItemState, monitoringItems, monitoringSettingChanges, monitoringTargets } from '../monitoring/schema.ts';
import { enqueueMail } from '../notify/index.ts';
import { recordEvent } from '../process/index.ts';
import { serviceLevelChecklist, systemAtPrefecturalOffice } from './checklists.ts';
import { changes, changeTasks } from './schema.ts';

type Change = typeof changes.$inferSelect;
type Level = 'A' | 'B' | 'C';
type Env = 'production' | 'dev_test';

const COVERAGE_LABELS: Record<Coverage, string> = {
  alive: '死活監視',
  process: 'プロセス監視',
  message: 'メッセージ監視',
  hardware: 'ハードウェア監視',
  resource: 'リソース監視',
};
const HOURS_LABELS = { '24h365d': '24時間365日', business: '開庁日の業務時間' } as const;

/**
 * CHG-5: the states in which a service-level change is approved and going ahead, so its start date
 * may change the level. N §3.4.3.4 says the change is carried out 「統括責任者の承認を得て」; in the
 * <変更作業> chart (process.ts) that approval of the work is the policy decision 実施する (action
 * `implement`, policyDecision 'implement'), after which the change is in the release
 * (implementing), its completion report is checked (completion_review, close_review) or it is
 * closed. Not before it (registered … policy_review: only the priority was approved, the
 * procedure is still being written or reviewed, or the supervisor asked to re-examine), and never
 * for 実施しない (not_implemented) or 変更中止 (cancelled). A change sent back to preparing by
 * 再検討を指示 at close is not applied until it is approved again. A change approved after its
 * start date is applied at the next run (the start date is a "not before").
 */
export const SL_APPLY_STATES = ['implementing', 'completion_review', 'close_review', 'closed'] as const;
const goingAhead = (c: Pick<Change, 'state' | 'policyDecision'>) => (SL_APPLY_STATES as readonly string[]).includes(c.state) && c.policyDecision === 'implement';

/** N §3.4.3.4's 変更開始日 ：yymmdd tt:mm, in JST (2026-12-07 09:00 → 261207 09:00). */
export function yymmddJst(at: Date): string {
  const s = formatJst(at); // 2026-12-07T09:00:00+09:00
  return `${s.slice(2, 4)}${s.slice(5, 7)}${s.slice(8, 10)} ${s.slice(11, 16)}`;
}

/** 運用の変更点: how monitoring changes between the two rows of N §3.7.3.1's matrix, and the checklist's work. */
export function operationalChanges(from: MatrixKind, to: MatrixKind, checklist: readonly string[]): string[] {
  const a = MONITORING_MATRIX[from];
  const b = MONITORING_MATRIX[to];
  const lines: string[] = [];
  if (a.hours !== b.hours) lines.push(`監視・運用対象時間：${HOURS_LABELS[a.hours]} → ${HOURS_LABELS[b.hours]}`);
  const added = b.items.filter((c) => !a.items.includes(c)).map((c) => COVERAGE_LABELS[c]);
  const removed = a.items.filter((c) => !b.items.includes(c)).map((c) => COVERAGE_LABELS[c]);
  if (added.length) lines.push(`監視項目の追加：${added.join('、')}`);
  if (removed.length) lines.push(`監視項目の削除：${removed.join('、')}`);
  if (!lines.length) lines.push('監視項目・運用対象時間の変更なし');
  for (const c of checklist) lines.push(c);
  return lines;
}

export interface ServiceLevelMail {
  subject: string;
  text: string;
}

/** N §3.4.3.4 ＜システムサービスレベル変更通知案＞, field by field as N prints it. */
export function serviceLevelMail(platformName: string, m: { startsAt: Date; systemName: string; level: string; changes: readonly string[] }): ServiceLevelMail {
  return {
    subject: `【${platformName}】システムサービスレベル変更連絡`,
    text:
      `以下のとおりシステムサービスレベルを変更いたします。\n\n＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝\n\n` +
      `変更開始日 ：${yymmddJst(m.startsAt)}\n` +
      `対象システム名 ：${m.systemName}\n` +
      `変更後のシステムレベル ：${m.level}\n` +
      `運用の変更点 ：\n${m.changes.map((c) => `・${c}`).join('\n')}\n`,
  };
}

/** Short names of the checklist items for the mail (without N's parenthesised conditions). */
const shortLabel = (label: string) => label.replace(/^（[^）]*）/, '').replace(/（[^）]*）$/, '');

/**
 * Makes one VM's monitoring items follow the matrix row of its new level (N §3.7.3.1), through the
 * monitoring settings ledger (監視設定一覧) so each addition, change and removal is listed there with
 * the change as its reason: matrix items of the old row that the new one lacks are removed (disabled),
 * new ones added, hours (business-hours-only for level C) changed. Items added by hand are left alone.
 * A VM Kiban does not monitor (no target) is left to whoever monitors it.
 */
async function followMatrix(t: Db, clock: Clock, actor: Actor, vm: { id: string; os: string | null }, kind: MatrixKind, reason: string): Promise<number> {
  const [target] = await t.select().from(monitoringTargets).where(and(eq(monitoringTargets.ciType, 'vm'), eq(monitoringTargets.ciId, vm.id)));
  if (!target) return 0;
  const settings = createSettingsLedger({ db: t, clock });
  const existing = await t.select().from(monitoringItems).where(eq(monitoringItems.targetId, target.id));
  const processes = existing.filter((i) => i.type === 'process' && i.enabled).map((i) => i.key.replace(/^proc\.num\[(.*)\]$/, '$1'));
  const { items: planned } = itemsFor(kind, { os: vm.os, processes });
  const key = (x: { type: string; key: string }) => `${x.type}|${x.key}`;
  const wanted = new Map(planned.map((p) => [key(p), p]));
  const effectiveAt = clock.now().toISOString();
  let moves = 0;
  for (const item of existing) {
    if (!item.origin?.startsWith('matrix:') || !item.enabled || wanted.has(key(item))) continue;
    await settings.scheduleChange(actor, { kind: 'remove', itemId: item.id, effectiveAt, reason });
    moves++;
  }
  for (const p of planned) {
    const item = existing.find((i) => key(i) === key(p));
    if (!item) {
      const { origin, ...rest } = p;
      await settings.scheduleChange(actor, { kind: 'add', item: { ...rest, targetId: target.id, origin }, effectiveAt, reason });
      moves++;
      continue;
    }
    if (!item.enabled && item.origin?.startsWith('matrix:')) {
      // Removed by an earlier level change (A → B → A): enabled again, listed as an addition.
      const now = clock.now();
      await t.update(monitoringItems).set({ enabled: true, updatedAt: now }).where(eq(monitoringItems.id, item.id));
      await t.update(monitoringItemState).set({ nextDueAt: now }).where(eq(monitoringItemState.itemId, item.id));
      const [c] = await t
        .insert(monitoringSettingChanges)
        .values({ kind: 'add', targetId: target.id, itemId: item.id, payload: { enabled: true }, effectiveAt: now, reason, requestedBy: null, requestedByLabel: actor.label, createdAt: now, appliedAt: now })
        .returning();
      await audit(t, clock, actor, { action: 'monitoring_setting.add.apply', entityType: 'monitoring_item', entityId: item.id, before: item, after: { enabled: true, changeId: c!.id } });
      moves++;
    }
    if (item.businessHoursOnly !== p.businessHoursOnly || item.notify !== p.notify) {
      await settings.scheduleChange(actor, { kind: 'change', itemId: item.id, patch: { businessHoursOnly: p.businessHoursOnly, notify: p.notify }, effectiveAt, reason });
      moves++;
    }
    if (item.origin !== p.origin && item.origin?.startsWith('matrix:')) {
      await t.update(monitoringItems).set({ origin: p.origin }).where(eq(monitoringItems.id, item.id));
    }
  }
  return moves;
}

/**
 * CHG-5's start-date job (N §3.4.3.4): for each service-level change the supervisor approved whose
 * start date (slStartsAt) has come and that is not applied yet, in one transaction: the CMDB system's
 * service level (and environment, dev → prod) changes through the CMDB service — its history names
 * the change —, the system's VMs' monitoring items follow the matrix row of the new level, slAppliedAt
 * is set, the change's history says so, and ＜システムサービスレベル変更通知案＞ goes to the system's owners
 * and the supervisors. Running it again changes nothing (the row is locked and re-checked).
 */
export function createServiceLevelJob(deps: { db: Db; clock: Clock; platformName?: string }) {
  const { db, clock } = deps;
  const platformName = deps.platformName ?? '第三期サーバ仮想化統合基盤';
  const cmdb = createCmdbService({ db, clock });

  async function applyOne(t: Db, c: Change): Promise<boolean> {
    const [change] = await t.select().from(changes).where(eq(changes.id, c.id)).for('update');
    if (!change || change.slAppliedAt || !change.slSystemId || !change.slToLevel || !change.slStartsAt) return false;
    if (change.slStartsAt > clock.now() || !goingAhead(change) || !change.priorityAgreedAt) return false;
    const actor = systemActor(`サービスレベル変更（${change.receiptNo}）`);
    const now = clock.now();
    const [system] = await t.select().from(cmdbSystems).where(eq(cmdbSystems.id, change.slSystemId));
    if (!system) return false;
    const fromLevel = (change.slFromLevel ?? system.serviceLevel) as Level;
    const toLevel = change.slToLevel as Level;
    const toEnv: Env = change.slToProduction ? 'production' : (system.environment as Env);
    const fromEnv: Env = change.slToProduction ? 'dev_test' : (system.environment as Env);
    const transition = `${fromLevel}${fromEnv === 'dev_test' ? '（開発・検証）' : ''} → ${toLevel}${change.slToProduction ? '（本番）' : ''}`;
    const reason = `${change.receiptNo} システムサービスレベルの変更（${transition}）`;

    await cmdb.update(
      actor,
      'system',
      system.id,
      { version: system.version, serviceLevel: toLevel, ...(change.slToProduction ? { environment: 'production' as const } : {}), reason, cause: `change:${change.receiptNo}` },
      { tx: t },
    );

    const fromKind = vmKind(fromLevel, fromEnv);
    const toKind = vmKind(toLevel, toEnv);
    const vms = await t
      .select({ id: cmdbVms.id, os: cmdbVms.os })
      .from(cmdbVms)
      .where(and(eq(cmdbVms.systemId, system.id), ne(cmdbVms.status, 'retired'), isNull(cmdbVms.serviceLevelOverride)))
      .orderBy(asc(cmdbVms.name));
    let moves = 0;
    for (const vm of vms) moves += await followMatrix(t, clock, actor, vm, toKind, reason);

    const checklist = serviceLevelChecklist({ from: fromLevel, to: toLevel, toProduction: change.slToProduction, atPrefecturalOffice: await systemAtPrefecturalOffice(t, system.id) })
      .filter((i) => !['rename_instance', 'chargeback', 'cmdb'].includes(i.key) && !i.key.startsWith('monitoring_'))
      .map((i) => shortLabel(i.label));
    const opChanges = operationalChanges(fromKind, toKind, checklist);

    // 構成管理台帳の変更 is what this job just did: the item is ticked, by the job, with the CI history as its evidence.
    const [cmdbTask] = await t
      .update(changeTasks)
      .set({ status: 'done', doneBy: null, doneByLabel: actor.label, doneAt: now, version: sql`${changeTasks.version} + 1` })
      .where(and(eq(changeTasks.changeId, change.id), eq(changeTasks.kind, 'service_level'), eq(changeTasks.key, 'cmdb'), eq(changeTasks.status, 'open')))
      .returning();
    if (cmdbTask) {
      await recordEvent(t, now, actor, {
        process: 'change',
        recordId: change.id,
        action: 'task_done',
        state: change.state,
        role: null,
        comment: `${cmdbTask.label}：${system.name} のシステムサービスレベルを ${toLevel} に変更（構成管理台帳の履歴に記録）`,
      });
    }
    await t
      .update(changes)
      .set({ slAppliedAt: now, updatedAt: now, version: sql`${changes.version} + 1` })
      .where(eq(changes.id, change.id));
    await recordEvent(t, now, actor, { process: 'change', recordId: change.id, action: 'sl_applied', state: change.state, role: null, comment: `${system.name}：${transition}（監視設定の変更 ${moves} 件）` });
    await audit(t, clock, actor, {
      action: 'change.sl_applied',
      entityType: 'change',
      entityId: change.id,
      before: { slAppliedAt: null, serviceLevel: system.serviceLevel, environment: system.environment },
      after: { slAppliedAt: now, serviceLevel: toLevel, environment: toEnv, monitoringChanges: moves },
    });

    const owners = (
      await t
        .selectDistinct({ email: cmdbContacts.email, order: cmdbContacts.escalationOrder })
        .from(cmdbContacts)
        .where(and(eq(cmdbContacts.systemId, system.id), ne(cmdbContacts.status, 'retired')))
        .orderBy(asc(cmdbContacts.escalationOrder), asc(cmdbContacts.email))
    ).map((r) => r.email);
    const to: string[] = [];
    for (const a of [...owners, ...(await addressesOfRole(t, 'supervisor'))]) if (!to.some((x) => x.toLowerCase() === a.toLowerCase())) to.push(a);
    if (to.length) {
      const mail = serviceLevelMail(platformName, {
        startsAt: change.slStartsAt,
        systemName: system.name,
        level: `${toLevel}${change.slToProduction ? '（本番機）' : ''}`,
        changes: opChanges,
      });
      await enqueueMail(t, clock, { recordType: 'change', recordId: change.id, to, subject: mail.subject, text: mail.text, template: 'change.service_level', createdBy: actor });
    }
    return true;
  }

  return {
    /** Applies every due service-level change, each in its own transaction; returns how many. */
    async runOnce(): Promise<number> {
      const due = await db
        .select()
        .from(changes)
        .where(
          and(
            eq(changes.source, 'service_level_change'),
            isNull(changes.slAppliedAt),
            isNotNull(changes.priorityAgreedAt),
            lte(changes.slStartsAt, clock.now()),
            inArray(changes.state, [...SL_APPLY_STATES]),
            eq(changes.policyDecision, 'implement'),
          ),
        )
        .orderBy(asc(changes.slStartsAt));
      let n = 0;
      let failed: unknown;
      for (const c of due) {
        try {
          if (await inTx(db, (t) => applyOne(t, c))) n++;
        } catch (e) {
          failed ??= e; // one change in error does not hold back the others; the job reports it
        }
      }
      if (failed) throw failed;
      return n;
    },
  };
}
export type ServiceLevelJob = ReturnType<typeof createServiceLevelJob>;
