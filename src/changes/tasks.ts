import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { audit } from '../audit/index.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, requirePermission } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, NotFoundError } from '../kernel/errors.ts';
import { registerMessages } from '../kernel/messages.ts';
import { isFinal, recordEvent } from '../process/index.ts';
import { CHECKLIST_EVENTS, ciStatusesOf, coverageCandidates, coverageExclusion, coverageLabel, coverageTargetName, insertTasks } from './checklists.ts';
import { changeProcess } from './process.ts';
import { CHANGE_CI_TYPES, CHANGE_TASK_KINDS, changes, changeTasks } from './schema.ts';
import { changeScope } from './scope.ts';

type Change = typeof changes.$inferSelect;
export type ChangeTask = typeof changeTasks.$inferSelect;

/** Message keys of the change checklist (registered on import). */
export const taskMessages = {
  ja: {
    'change.task_not_found': 'チェック項目が見つかりません。',
    'change.task_change_closed': 'クローズ済みの変更のチェック項目は更新できません。',
    'change.task_not_open': 'このチェック項目は既に「{status}」です。',
    'change.task_no_coverage': 'この変更は予防保守ではないため、適用対象を追加できません。',
    'change.task_not_left_out': 'この機器は適用対象の漏れではありません（既に対象か、同じ種類の機器ではありません）。',
  },
  en: {
    'change.task_not_found': 'No such checklist item.',
    'change.task_change_closed': 'The checklist of a closed change cannot be changed.',
    'change.task_not_open': 'This checklist item is already {status}.',
    'change.task_no_coverage': 'Only a preventive maintenance has coverage targets.',
    'change.task_not_left_out': 'This item is not a target left out (already covered, or not of a covered kind).',
  },
} as const;
registerMessages(taskMessages);

export const TASK_KIND_LABELS: Record<(typeof CHANGE_TASK_KINDS)[number], { ja: string; en: string }> = {
  service_level: { ja: 'サービスレベル変更のチェックリスト', en: 'Service-level change checklist' },
  coverage: { ja: '予防保守の適用状況', en: 'Preventive-maintenance coverage' },
  backup: { ja: '手動バックアップ', en: 'Manual backups' },
};
export const TASK_STATUS_LABELS: Record<ChangeTask['status'], { ja: string; en: string }> = {
  open: { ja: '未実施', en: 'Open' },
  done: { ja: '実施済', en: 'Done' },
  waived: { ja: '対象外（理由あり）', en: 'Waived' },
};
/** An open coverage task whose CI stopped or was retired after the task was made (coverageExclusion). */
export const TASK_EXCLUSION_LABELS = {
  stopped: { ja: '対象外（停止中）', en: 'Not applicable (stopped)' },
  retired: { ja: '対象外（廃止済）', en: 'Dropped (retired)' },
} as const;

export const taskDoneInput = z.object({ version: z.number().int().min(1), comment: z.string().trim().max(2000).optional() }).strict();
export type TaskDoneInput = z.input<typeof taskDoneInput>;
export const taskWaiveInput = z.object({ version: z.number().int().min(1), reason: z.string().trim().max(2000) }).strict();
export type TaskWaiveInput = z.input<typeof taskWaiveInput>;
export const coverageAddInput = z.object({ ciType: z.enum(CHANGE_CI_TYPES), ciId: z.uuid() }).strict();
export type CoverageAddInput = z.input<typeof coverageAddInput>;

export interface CoverageTarget {
  taskId: string | null;
  ciType: string;
  ciId: string;
  name: string;
  /** stopped: the CI is stopped in the CMDB (対象外（停止中）) — neither applied nor remaining. */
  status: ChangeTask['status'] | 'left_out' | 'stopped';
}
export interface Coverage {
  patch: string | null;
  total: number;
  applied: number;
  waived: number;
  /** Targets whose CI is stopped now (対象外（停止中）): not counted as remaining. */
  stopped: number;
  remaining: number;
  /** Every covered target, and the CMDB items of a covered kind with no task (a host added later): left_out. */
  targets: CoverageTarget[];
  leftOut: CoverageTarget[];
  /** Targets whose CI was retired before the patch was applied: dropped from the counts, listed for the record. */
  retired: CoverageTarget[];
  complete: boolean;
}

export interface ChangeChecklist {
  changeId: string;
  closed: boolean;
  tasks: (ChangeTask & { kindLabel: { ja: string; en: string }; statusLabel: { ja: string; en: string }; excluded: 'stopped' | 'retired' | null })[];
  open: number;
  coverage: Coverage | null;
}

/**
 * A change's checklist (CHG-5, CHG-6, BAK-4): read with change.read in the change's scope; each item
 * done, or waived with a reason, by the vendor (change.manage) with the version it saw. Every move is
 * audited and written to the change's history; a closed change's checklist is frozen.
 */
export function createChangeTaskService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function loadChange(t: Db, actor: Actor, id: string): Promise<Change> {
    requirePermission(actor, 'change.read');
    const [c] = await t
      .select()
      .from(changes)
      .where(and(eq(changes.id, id), changeScope(actor)));
    if (!c) throw new NotFoundError('error.not_found');
    return c;
  }

  /**
   * Applied / remaining per target, as the CMDB stands now: an open target whose CI has since been
   * retired is dropped (listed under `retired`), one whose CI is stopped is 対象外（停止中）, and a CI of a
   * covered kind with no task is left out (a stopped one is 対象外（停止中）, not left out).
   */
  async function coverageOf(t: Db, change: Change, tasks: ChangeTask[], statuses: Map<string, string>): Promise<Coverage | null> {
    if (change.source !== 'preventive_maintenance') return null;
    const cov = tasks.filter((x) => x.kind === 'coverage');
    const targets: CoverageTarget[] = [];
    const retired: CoverageTarget[] = [];
    for (const x of cov) {
      const excluded = coverageExclusion(x, statuses);
      const target = { taskId: x.id, ciType: x.ciType ?? '', ciId: x.ciId ?? '', name: coverageTargetName(x.label) };
      if (excluded === 'retired') retired.push({ ...target, status: x.status });
      else targets.push({ ...target, status: excluded ?? x.status });
    }
    const have = new Set(cov.map((x) => x.key));
    const candidates = (await coverageCandidates(t, change.id)).filter((c) => !have.has(`${c.ciType}:${c.ciId}`));
    const candidateStatus = await ciStatusesOf(t, candidates);
    const leftOut: CoverageTarget[] = [];
    for (const c of candidates) {
      const s = candidateStatus.get(`${c.ciType}:${c.ciId}`);
      if (s === 'retired') continue;
      const target = { taskId: null, ciType: c.ciType, ciId: c.ciId, name: c.name };
      if (s === 'stopped') targets.push({ ...target, status: 'stopped' });
      else leftOut.push({ ...target, status: 'left_out' });
    }
    const n = (status: CoverageTarget['status']) => targets.filter((x) => x.status === status).length;
    const remaining = n('open') + leftOut.length;
    return {
      patch: change.pmPatch,
      total: targets.length + leftOut.length,
      applied: n('done'),
      waived: n('waived'),
      stopped: n('stopped'),
      remaining,
      targets: [...targets, ...leftOut],
      leftOut,
      retired,
      complete: remaining === 0,
    };
  }

  async function checklist(t: Db, change: Change): Promise<ChangeChecklist> {
    const rows = await t
      .select()
      .from(changeTasks)
      .where(eq(changeTasks.changeId, change.id))
      .orderBy(
        sql`array_position(ARRAY['service_level','backup','coverage']::text[], ${changeTasks.kind})`,
        asc(changeTasks.sortOrder),
        asc(changeTasks.label),
      );
    const statuses = await ciStatusesOf(t, rows);
    const tasks = rows.map((r) => {
      const excluded = coverageExclusion(r, statuses);
      return { ...r, kindLabel: TASK_KIND_LABELS[r.kind], statusLabel: excluded ? TASK_EXCLUSION_LABELS[excluded] : TASK_STATUS_LABELS[r.status], excluded };
    });
    return {
      changeId: change.id,
      closed: isFinal(changeProcess, change.state),
      tasks,
      open: tasks.filter((r) => r.status === 'open' && !r.excluded).length,
      coverage: await coverageOf(t, change, rows, statuses),
    };
  }

  async function history(t: Db, actor: Actor, change: Change, action: keyof typeof CHECKLIST_EVENTS, comment: string): Promise<void> {
    await recordEvent(t, clock.now(), actor, { process: 'change', recordId: change.id, action, state: change.state, comment });
  }

  async function move(actor: Actor, changeId: string, taskId: string, to: 'done' | 'waived', version: number, note: string | null) {
    requirePermission(actor, 'change.manage');
    return inTx(db, async (t) => {
      const change = await loadChange(t, actor, changeId);
      if (isFinal(changeProcess, change.state)) throw new ConflictError('change.task_change_closed');
      const [before] = await t
        .select()
        .from(changeTasks)
        .where(and(eq(changeTasks.id, taskId), eq(changeTasks.changeId, changeId)));
      if (!before) throw new NotFoundError('change.task_not_found');
      if (before.version !== version) throw new ConflictError('error.stale_version');
      if (before.status !== 'open') throw new ConflictError('change.task_not_open', { status: TASK_STATUS_LABELS[before.status].ja });
      const now = clock.now();
      const [row] = await t
        .update(changeTasks)
        .set({
          status: to,
          reason: to === 'waived' ? note : null,
          doneBy: actor.personId,
          doneByLabel: actor.label,
          doneAt: now,
          version: sql`${changeTasks.version} + 1`,
        })
        .where(and(eq(changeTasks.id, taskId), eq(changeTasks.version, version)))
        .returning();
      if (!row) throw new ConflictError('error.stale_version');
      const action = to === 'done' ? 'task_done' : 'task_waive';
      await history(t, actor, change, action, to === 'done' ? `${row.label}${note ? `：${note}` : ''}` : `${row.label}（対象外）：${note}`);
      await audit(t, clock, actor, {
        action: `change.${action}`,
        entityType: 'change_task',
        entityId: row.id,
        before,
        after: { ...row, changeId, comment: to === 'done' ? note : undefined },
      });
      return checklist(t, change);
    });
  }

  return {
    async list(actor: Actor, changeId: string): Promise<ChangeChecklist> {
      const change = await loadChange(db, actor, changeId);
      return checklist(db, change);
    },

    async done(actor: Actor, changeId: string, taskId: string, raw: TaskDoneInput) {
      const input = taskDoneInput.parse(raw);
      return move(actor, changeId, taskId, 'done', input.version, input.comment?.trim() || null);
    },

    /** 対象外: a reason is required (kept on the task and in the change's history). */
    async waive(actor: Actor, changeId: string, taskId: string, raw: TaskWaiveInput) {
      requirePermission(actor, 'change.manage');
      const reason = typeof raw?.reason === 'string' ? raw.reason.trim() : '';
      if (!reason) throw fieldError('reason', 'field.required');
      const input = taskWaiveInput.parse({ ...raw, reason });
      return move(actor, changeId, taskId, 'waived', input.version, input.reason);
    },

    /** Adds a coverage task for a target left out (a CMDB item of a covered kind with no task yet). */
    async addCoverage(actor: Actor, changeId: string, raw: CoverageAddInput) {
      requirePermission(actor, 'change.manage');
      const input = coverageAddInput.parse(raw);
      return inTx(db, async (t) => {
        const change = await loadChange(t, actor, changeId);
        if (isFinal(changeProcess, change.state)) throw new ConflictError('change.task_change_closed');
        if (change.source !== 'preventive_maintenance') throw new ConflictError('change.task_no_coverage');
        const existing = new Set(
          (
            await t
              .select({ key: changeTasks.key })
              .from(changeTasks)
              .where(and(eq(changeTasks.changeId, changeId), eq(changeTasks.kind, 'coverage')))
          ).map((r) => r.key),
        );
        const key = `${input.ciType}:${input.ciId}`;
        const candidate = (await coverageCandidates(t, changeId)).find((c) => `${c.ciType}:${c.ciId}` === key);
        if (!candidate || existing.has(key)) throw fieldError('ciId', 'change.task_not_left_out');
        await insertTasks(t, [
          {
            changeId,
            kind: 'coverage',
            key,
            label: coverageLabel(candidate, change.pmPatch),
            ciType: candidate.ciType,
            ciId: candidate.ciId,
            sortOrder: existing.size,
          },
        ]);
        await history(t, actor, change, 'task_add', coverageLabel(candidate, change.pmPatch));
        await audit(t, clock, actor, { action: 'change.task_add', entityType: 'change', entityId: changeId, after: { kind: 'coverage', ...candidate } });
        return checklist(t, change);
      });
    },
  };
}
export type ChangeTaskService = ReturnType<typeof createChangeTaskService>;
