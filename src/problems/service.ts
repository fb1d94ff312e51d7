import { and, asc, count, desc, eq, ilike, inArray, ne, or, type SQL, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, can, requirePermission, visibleDepartments } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, ForbiddenError, fieldError, NotFoundError } from '../kernel/errors.ts';
import { incidentScope } from '../incidents/scope.ts';
import { likePattern, type Page, parseSort } from '../kernel/paging.ts';
import { enqueueMail, listMailsFor } from '../notify/index.ts';
import { allowedActions, fire, isOverdue, processHistory, processView } from '../process/index.ts';
import {
  addressesOfRole,
  incidentProblems,
  incidentProcess,
  incidentRefs,
  incidents,
  incidentsOfProblem,
  jstCell,
  type LedgerColumn,
  type LedgerFile,
  ledgerFile,
  linkIncidentProblem,
  nextReceiptNo,
} from '../incidents/index.ts';
import {
  type ProblemActionInput,
  type ProblemInput,
  type ProblemListQuery,
  problemActionInput,
  problemInput,
  type TargetInput,
  type TargetUpdate,
  targetInput,
  targetUpdate,
  type UnlinkInput,
  unlinkInput,
} from './inputs.ts';
import { type Problem, problemProcess } from './process.ts';
import { problemScope } from './scope.ts';
import { PROBLEM_SOURCES, preventiveTargets, problemDecisions, problems } from './schema.ts';

export interface ProblemDeps {
  db: Db;
  clock: Clock;
  /** N's mail-subject platform name (config KIBAN_MAIL_PLATFORM_NAME). */
  platformName?: string;
}

const INCIDENT_SOURCES: readonly (typeof PROBLEM_SOURCES)[number][] = ['incident_root_cause', 'incident_permanent_fix', 'incident_rollout'];

const SOURCE_LABELS: Record<Problem['source'], string> = {
  supervisor_instruction: '統括責任者からの指示',
  incident_root_cause: 'インシデント（根本原因調査）',
  incident_permanent_fix: 'インシデント（恒久対処策定）',
  incident_rollout: 'インシデント（横展開）',
  preventive_hardware: '予防保守情報（ハードウェア）',
  preventive_os: '予防保守情報（OS・ソフトウェア）',
  improvement: '改善',
  operating_mistake: '作業ミス',
  near_miss: 'ヒヤリハット',
  complaint: 'クレーム',
};

const LEDGER: LedgerColumn<Problem>[] = [
  { header: '問題番号', value: (r) => r.receiptNo, width: 18 },
  { header: '登録日時', value: (r) => jstCell(r.registeredAt), width: 18 },
  { header: '起因', value: (r) => SOURCE_LABELS[r.source], width: 24 },
  { header: '件名', value: (r) => r.title, width: 40 },
  { header: '内容', value: (r) => r.description, width: 60 },
  { header: '状態', value: (r) => problemProcess.states[r.state]?.ja ?? r.state, width: 20 },
  { header: '優先度', value: (r) => (r.priority === 'high' ? '高' : r.priority === 'low' ? '低' : null) },
  { header: '納期', value: (r) => jstCell(r.dueAt), width: 18 },
  { header: '原因', value: (r) => r.cause, width: 40 },
  { header: '対処方針', value: (r) => r.policy, width: 40 },
  { header: '恒久対処', value: (r) => r.permanentFix, width: 40 },
  { header: '変更管理番号', value: (r) => r.changeRef },
  { header: '恒久対処を検討しない理由', value: (r) => r.noFixReason, width: 40 },
  { header: '恒久対処を実施しない理由', value: (r) => r.noImplementReason, width: 40 },
  { header: '結果', value: (r) => r.result, width: 40 },
  { header: 'クローズ日時', value: (r) => jstCell(r.closedAt), width: 18 },
  { header: '版', value: (r) => r.version },
  { header: 'ID', value: (r) => r.id, width: 38 },
];

const SORTS: Record<string, SQL> = {
  receiptNo: sql`${problems.receiptNo}`,
  registeredAt: sql`${problems.registeredAt}`,
  state: sql`${problems.state}`,
  priority: sql`${problems.priority}`,
  dueAt: sql`${problems.dueAt}`,
  title: sql`${problems.title}`,
};

const view = (p: Problem) => ({ ...p, stateLabel: problemProcess.states[p.state] ?? { ja: p.state, en: p.state } });

/**
 * Who reads problems: problem.read — the problem roles for every department, a system owner
 * (department-scoped) for the problems linked to the incidents they can see (ORG-4: the root cause
 * and permanent fix of their own troubles; problemScope narrows every query). Anyone else is refused.
 */
function requireRead(actor: Actor): void {
  requirePermission(actor, 'problem.read');
}

/** The vendor's own lists (予防保守対象機器一覧): problem.read across every department, not a department's view. */
function requireTeamRead(actor: Actor): void {
  requirePermission(actor, 'problem.read');
  if (visibleDepartments(actor) !== null) throw new ForbiddenError('error.forbidden');
}

/** ORG-4 scope of problems (scope.ts), shared with the workbench. */
export const visibleProblems = problemScope;

export function createProblemService(deps: ProblemDeps) {
  const { db, clock } = deps;
  const platformName = deps.platformName ?? '第三期サーバ仮想基盤';

  async function load(t: Db, actor: Actor, id: string): Promise<Problem> {
    requireRead(actor);
    const [row] = await t.select().from(problems).where(and(eq(problems.id, id), visibleProblems(actor)));
    if (!row) throw new NotFoundError('error.not_found');
    return row;
  }

  /** The incidents linked to a problem that `actor` may see (a system owner: their department's only). */
  async function linkedIncidents(t: Db, actor: Actor, id: string) {
    const linked = await incidentsOfProblem(t, id);
    const scope = incidentScope(actor);
    if (!scope || linked.length === 0) return linked;
    const seen = new Set(
      (await t.select({ id: incidents.id }).from(incidents).where(and(inArray(incidents.id, linked.map((i) => i.id)), scope))).map((r) => r.id),
    );
    return linked.filter((i) => seen.has(i.id));
  }

  /**
   * 受付・登録 (PRB-1): numbered PRB-YYYY-NNNNNN, linked to the incidents it comes from. Critical
   * preventive-maintenance information (重大障害・重大なセキュリティ脆弱性) is reported to the supervisor
   * at once by mail (PRB-4, N §3.3.3.4 「随時、統括責任者に報告する」).
   */
  async function register(actor: Actor, raw: ProblemInput) {
    requirePermission(actor, 'problem.manage');
    const input = problemInput.parse(raw);
    if (INCIDENT_SOURCES.includes(input.source) && input.incidentIds.length === 0) throw fieldError('incidentIds', 'problem.incident_required');
    const now = clock.now();
    return inTx(db, async (t) => {
      const linked = await incidentRefs(t, input.incidentIds);
      if (input.preventiveTargetId) {
        const [target] = await t.select({ id: preventiveTargets.id }).from(preventiveTargets).where(eq(preventiveTargets.id, input.preventiveTargetId));
        if (!target) throw fieldError('preventiveTargetId', 'problem.target_not_found');
      }
      const receiptNo = await nextReceiptNo(t, 'PRB', now);
      const [row] = await t
        .insert(problems)
        .values({
          receiptNo,
          title: input.title,
          description: input.description,
          source: input.source,
          state: problemProcess.initial,
          registeredBy: actor.personId,
          registeredAt: now,
          critical: input.critical,
          preventiveTargetId: input.preventiveTargetId ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const p = row!;
      for (const inc of linked) await linkIncidentProblem(t, clock, actor, inc.id, p.id);
      await t.insert(processHistory).values({
        process: problemProcess.name,
        recordId: p.id,
        action: 'register',
        fromState: '',
        toState: p.state,
        actorId: actor.personId,
        actor: actor.label,
        actorRole: actor.roles[0] ?? null,
        comment: null,
        at: now,
      });
      await audit(t, clock, actor, { action: 'problem.register', entityType: 'problem', entityId: p.id, after: { ...p, incidentIds: input.incidentIds } });
      if (input.critical) {
        const to = await addressesOfRole(t, 'supervisor');
        if (to.length) {
          await enqueueMail(t, clock, {
            recordType: 'problem',
            recordId: p.id,
            to,
            subject: `【${platformName}】重大な予防保守情報のご報告（${receiptNo}）`,
            text: `以下の予防保守情報を受領しましたので、ご報告します。\n\n＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝\n\n問題番号 ：${receiptNo}\n件名 ：${p.title}\n内容 ：${p.description}\n`,
            template: 'problem.critical_preventive',
            createdBy: actor,
          });
        }
      }
      return view(p);
    });
  }

  async function act(actor: Actor, id: string, action: string, raw: ProblemActionInput) {
    const { version, ...input } = problemActionInput.parse(raw);
    return inTx(db, async (t) => {
      const p = await load(t, actor, id);
      return view(await fire(t, { clock, actor }, problemProcess, { ...p, version }, action, input));
    });
  }

  /** Links another incident (root cause found to be shared, 横展開). */
  async function linkIncident(actor: Actor, id: string, incidentId: string) {
    requirePermission(actor, 'problem.manage');
    return inTx(db, async (t) => {
      const p = await load(t, actor, id);
      if (p.state === 'closed') throw new ConflictError('process.action_not_allowed', { action: '紐付け', state: problemProcess.states.closed!.ja });
      await incidentRefs(t, [incidentId], 'incidentId');
      const linked = await linkIncidentProblem(t, clock, actor, incidentId, p.id);
      return { linked };
    });
  }

  /**
   * Unlinks an incident linked by mistake (or found unrelated) with a reason: kept in both records'
   * process history and the audit log. Refused on a closed problem, for the last incident of a
   * problem raised from an incident (PRB-1), and where it would leave a closed High-priority trouble
   * without its problem (INC-10). Unlinking what is no longer linked answers not found — a second
   * click from a stale page changes nothing.
   */
  async function unlinkIncident(actor: Actor, id: string, incidentId: string, raw: UnlinkInput) {
    requirePermission(actor, 'problem.manage');
    const reason = typeof raw?.reason === 'string' ? raw.reason.trim() : '';
    if (!reason) throw fieldError('reason', 'field.required');
    const input = unlinkInput.parse({ ...raw, reason });
    return inTx(db, async (t) => {
      const p = await load(t, actor, id);
      if (p.state === 'closed') throw new ConflictError('process.action_not_allowed', { action: '紐付け解除', state: problemProcess.states.closed!.ja });
      const links = await t.select().from(incidentProblems).where(eq(incidentProblems.problemId, p.id));
      const link = links.find((l) => l.incidentId === incidentId);
      if (!link) throw new NotFoundError('problem.link_not_found');
      if (INCIDENT_SOURCES.includes(p.source) && links.length === 1) throw new ConflictError('problem.last_incident');
      const [inc] = await t.select().from(incidents).where(eq(incidents.id, incidentId));
      if (inc && inc.class === 'trouble' && inc.priority === 'high' && inc.state === 'closed') {
        const others = await t.select({ id: incidentProblems.problemId }).from(incidentProblems).where(and(eq(incidentProblems.incidentId, incidentId), ne(incidentProblems.problemId, p.id)));
        if (others.length === 0) throw new ConflictError('problem.required_by_incident', { receiptNo: inc.receiptNo });
      }
      const gone = await t
        .delete(incidentProblems)
        .where(and(eq(incidentProblems.incidentId, incidentId), eq(incidentProblems.problemId, p.id)))
        .returning();
      if (gone.length === 0) throw new NotFoundError('problem.link_not_found');
      const now = clock.now();
      const entry = { actorId: actor.personId, actor: actor.label, actorRole: actor.roles[0] ?? null, at: now };
      await t.insert(processHistory).values([
        { ...entry, process: problemProcess.name, recordId: p.id, action: 'unlink_incident', fromState: p.state, toState: p.state, comment: `${inc?.receiptNo ?? incidentId} の紐付けを解除：${input.reason}` },
        ...(inc
          ? [{ ...entry, process: incidentProcess.name, recordId: inc.id, action: 'unlink_problem', fromState: inc.state, toState: inc.state, comment: `${p.receiptNo} との紐付けを解除：${input.reason}` }]
          : []),
      ]);
      await audit(t, clock, actor, {
        action: 'problem.unlink_incident',
        entityType: 'problem',
        entityId: p.id,
        before: { incidentId, linkedAt: link.linkedAt, linkedBy: link.linkedBy },
        after: { incidentId, reason: input.reason },
      });
      return { unlinked: true, incidents: await linkedIncidents(t, actor, p.id) };
    });
  }

  async function get(actor: Actor, id: string) {
    const p = await load(db, actor, id);
    const [target] = p.preventiveTargetId ? await db.select().from(preventiveTargets).where(eq(preventiveTargets.id, p.preventiveTargetId)) : [];
    return {
      ...view(p),
      process: await processView(db, problemProcess, p, actor, {
        deadlines: p.dueAt ? [{ key: 'due', label: { ja: '納期', en: 'Due' }, dueAt: p.dueAt, doneAt: p.closedAt, overdue: p.state !== 'closed' && isOverdue(p.dueAt, clock.now(), p.closedAt) }] : [],
      }),
      incidents: await linkedIncidents(db, actor, id),
      decisions: await db.select().from(problemDecisions).where(eq(problemDecisions.problemId, id)).orderBy(asc(problemDecisions.id)),
      preventiveTarget: target ?? null,
      mails: can(actor, 'mail.read') ? await listMailsFor(db, actor, 'problem', id) : [],
    };
  }

  function where(actor: Actor, q: Partial<ProblemListQuery>): SQL | undefined {
    return and(
      visibleProblems(actor),
      q.state ? eq(problems.state, q.state) : undefined,
      q.source ? eq(problems.source, q.source) : undefined,
      q.priority ? eq(problems.priority, q.priority) : undefined,
      q.open === 'true' ? ne(problems.state, 'closed') : q.open === 'false' ? eq(problems.state, 'closed') : undefined,
      q.q ? or(ilike(problems.receiptNo, likePattern(q.q)), ilike(problems.title, likePattern(q.q)), ilike(problems.description, likePattern(q.q))) : undefined,
    );
  }

  /** 問題管理台帳 with server-side filter, sort and page. */
  async function list(actor: Actor, q: ProblemListQuery): Promise<Page<ReturnType<typeof view>>> {
    requireRead(actor);
    const w = where(actor, q);
    const { field, desc: d } = parseSort(q.sort, '-registeredAt');
    const order = SORTS[field] ?? SORTS.registeredAt!;
    const rows = await db
      .select()
      .from(problems)
      .where(w)
      .orderBy(d ? sql`${order} DESC NULLS LAST` : sql`${order} ASC NULLS LAST`, desc(problems.receiptNo))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    const total = Number((await db.select({ n: count() }).from(problems).where(w))[0]?.n ?? 0);
    return { items: rows.map(view), total, page: q.page, pageSize: q.pageSize };
  }

  async function exportLedger(actor: Actor, format: 'xlsx' | 'csv', q: Partial<ProblemListQuery> = {}): Promise<LedgerFile> {
    requireRead(actor);
    const rows = await db.select().from(problems).where(where(actor, q)).orderBy(asc(problems.receiptNo));
    return ledgerFile({ en: 'problems', ja: '問題管理台帳' }, format, LEDGER, rows, clock.now());
  }

  // ── 予防保守対象機器一覧 (PRB-4) ───────────────────────────────────────────────────────────
  async function listTargets(actor: Actor, q: { category?: 'hardware' | 'software'; active?: 'true' | 'false' } = {}) {
    requireTeamRead(actor);
    const items = await db
      .select()
      .from(preventiveTargets)
      .where(
        and(
          q.category ? eq(preventiveTargets.category, q.category) : undefined,
          q.active ? eq(preventiveTargets.active, q.active === 'true') : undefined,
        ),
      )
      .orderBy(asc(preventiveTargets.category), asc(preventiveTargets.kind), asc(preventiveTargets.name));
    return { items };
  }

  async function createTarget(actor: Actor, raw: TargetInput) {
    requirePermission(actor, 'problem.manage');
    const input = targetInput.parse(raw);
    const now = clock.now();
    return inTx(db, async (t) => {
      const [row] = await t.insert(preventiveTargets).values({ ...input, createdAt: now, updatedAt: now }).returning();
      await audit(t, clock, actor, { action: 'problem.target_create', entityType: 'preventive_target', entityId: row!.id, after: row });
      return row!;
    });
  }

  async function updateTarget(actor: Actor, id: string, raw: TargetUpdate) {
    requirePermission(actor, 'problem.manage');
    const { version, ...patch } = targetUpdate.parse(raw);
    return inTx(db, async (t) => {
      const [before] = await t.select().from(preventiveTargets).where(eq(preventiveTargets.id, id));
      if (!before) throw new NotFoundError('problem.target_not_found');
      const [row] = await t
        .update(preventiveTargets)
        .set({ ...patch, updatedAt: clock.now(), version: sql`${preventiveTargets.version} + 1` })
        .where(and(eq(preventiveTargets.id, id), eq(preventiveTargets.version, version)))
        .returning();
      if (!row) throw new ConflictError('error.stale_version');
      await audit(t, clock, actor, { action: 'problem.target_update', entityType: 'preventive_target', entityId: id, before, after: row });
      return row;
    });
  }

  return { register, act, linkIncident, unlinkIncident, get, list, exportLedger, listTargets, createTarget, updateTarget };
}

export type ProblemService = ReturnType<typeof createProblemService>;
