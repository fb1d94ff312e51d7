import { and, asc, count, desc, eq, ilike, inArray, notInArray, or, type SQL, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { cmdbHosts, cmdbManagementServers, cmdbNetworkDevices, cmdbStorage, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, can, requirePermission } from '../iam/actor.ts';
import { jstCell, type LedgerFile, ledgerFile, nextReceiptNo } from '../incidents/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { fieldError, NotFoundError } from '../kernel/errors.ts';
import { likePattern, type Page, parseSort } from '../kernel/paging.ts';
import { listMailsFor } from '../notify/index.ts';
import { fire, finalStates, isOverdue, processView, recordEvent, workProcesses } from '../process/index.ts';
import { problemProcess } from '../problems/process.ts';
import { problems } from '../problems/schema.ts';
import { type ChangeActionInput, type ChangeInput, type ChangeListQuery, changeActionInput, changeInput } from './inputs.ts';
import { CHANGE_LEDGER, CHANGE_SOURCE_LABELS, type ChangeLedgerRow } from './ledger.ts';
import { type Change, changeProcess } from './process.ts';
import { type CHANGE_CI_TYPES, changeCis, changes, changeTasks, releases } from './schema.ts';
import { changeScope } from './scope.ts';

export interface ChangeDeps {
  db: Db;
  clock: Clock;
}

type CiType = (typeof CHANGE_CI_TYPES)[number];

/** The CMDB table of each target kind ('platform' = 基盤全体 has none). */
const CI_TABLES = {
  host: cmdbHosts,
  monitoring_server: cmdbManagementServers,
  storage: cmdbStorage,
  network: cmdbNetworkDevices,
  vm: cmdbVms,
} as const;

export const CI_TYPE_LABELS: Record<CiType, { ja: string; en: string }> = {
  host: { ja: 'ESXi サーバ', en: 'ESXi host' },
  monitoring_server: { ja: '監視・管理サーバ', en: 'Monitoring / management server' },
  storage: { ja: 'ストレージ', en: 'Storage' },
  network: { ja: 'ネットワーク機器', en: 'Network device' },
  platform: { ja: '基盤全体', en: 'Whole platform' },
  vm: { ja: '仮想マシン', en: 'Virtual machine' },
};

/** The problem states from which a permanent fix is carried out as a change (恒久対処を実施する). */
const PROBLEM_FIX_STATES = ['study_reported', 'implementing'];

const SORTS: Record<string, SQL> = {
  receiptNo: sql`${changes.receiptNo}`,
  registeredAt: sql`${changes.registeredAt}`,
  state: sql`${changes.state}`,
  priority: sql`${changes.priority}`,
  dueAt: sql`${changes.dueAt}`,
  title: sql`${changes.title}`,
  source: sql`${changes.source}`,
};

const FINAL = finalStates(changeProcess);
const view = (c: Change) => ({
  ...c,
  stateLabel: changeProcess.states[c.state] ?? { ja: c.state, en: c.state },
  sourceLabel: CHANGE_SOURCE_LABELS[c.source],
});
export type ChangeView = ReturnType<typeof view>;

/** The release process's labels, if it is defined (src/changes/release-*.ts); the state key otherwise. */
const releaseStateLabel = (state: string) => workProcesses().find((p) => p.recordType === 'release')?.states[state] ?? { ja: state, en: state };

export function createChangeService(deps: ChangeDeps) {
  const { db, clock } = deps;

  async function load(t: Db, actor: Actor, id: string): Promise<Change> {
    requirePermission(actor, 'change.read');
    const [row] = await t.select().from(changes).where(and(eq(changes.id, id), changeScope(actor)));
    if (!row) throw new NotFoundError('error.not_found');
    return row;
  }

  /** Each target must be in the CMDB (400 naming `targets` otherwise); returns them with their names. */
  async function resolveTargets(t: Db, targets: { ciType: CiType; ciId?: string }[]) {
    const out: { ciType: CiType; ciId: string | null; name: string }[] = [];
    const seen = new Set<string>();
    for (const [i, target] of targets.entries()) {
      const key = `${target.ciType}/${target.ciId ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (target.ciType === 'platform') {
        out.push({ ciType: 'platform', ciId: null, name: CI_TYPE_LABELS.platform.ja });
        continue;
      }
      const table = CI_TABLES[target.ciType];
      const [row] = target.ciId ? await t.select({ id: table.id, name: table.name }).from(table).where(eq(table.id, target.ciId)) : [];
      if (!row) throw fieldError('targets', 'change.target_not_found', { index: i + 1 });
      out.push({ ciType: target.ciType, ciId: row.id, name: row.name });
    }
    return out;
  }

  /**
   * 受付・登録 (CHG-1), numbered CHG-YYYY-NNNNNN: directly; from a problem's permanent fix (the problem
   * gets the change's number); from preventive maintenance (the patch applies to every target of its
   * kind); or a service-level change of a CMDB system (its current level read from the CMDB).
   */
  async function register(actor: Actor, raw: ChangeInput) {
    requirePermission(actor, 'change.manage');
    const input = changeInput.parse(raw);
    const now = clock.now();
    if (input.source === 'problem_fix' && !input.problemId) throw fieldError('problemId', 'field.required');
    if (input.source === 'preventive_maintenance' && !input.pmPatch) throw fieldError('pmPatch', 'field.required');
    if (input.source === 'service_level_change') {
      const missing = (['slSystemId', 'slToLevel', 'slStartsAt'] as const).find((f) => !input[f]);
      if (missing) throw fieldError(missing, 'field.required');
    } else if (input.targets.length === 0) throw fieldError('targets', 'change.targets_required');
    return inTx(db, async (t) => {
      const targets = await resolveTargets(t, input.targets);
      let problem: typeof problems.$inferSelect | undefined;
      if (input.source === 'problem_fix') {
        [problem] = await t.select().from(problems).where(eq(problems.id, input.problemId!));
        if (!problem) throw fieldError('problemId', 'change.problem_not_found');
        if (!PROBLEM_FIX_STATES.includes(problem.state)) throw fieldError('problemId', 'change.problem_state');
      }
      let sl: { slSystemId: string; slFromLevel: 'A' | 'B' | 'C'; slToLevel: 'A' | 'B' | 'C'; slToProduction: boolean; slStartsAt: Date } | undefined;
      if (input.source === 'service_level_change') {
        const [system] = await t.select().from(cmdbSystems).where(eq(cmdbSystems.id, input.slSystemId!));
        if (!system) throw fieldError('slSystemId', 'change.system_not_found');
        const toProduction = input.slToProduction && system.environment !== 'production';
        if (system.serviceLevel === input.slToLevel && !toProduction) throw fieldError('slToLevel', 'change.sl_noop', { level: system.serviceLevel });
        sl = { slSystemId: system.id, slFromLevel: system.serviceLevel, slToLevel: input.slToLevel!, slToProduction: toProduction, slStartsAt: new Date(input.slStartsAt!) };
      }
      const receiptNo = await nextReceiptNo(t, 'CHG', now);
      const [row] = await t
        .insert(changes)
        .values({
          receiptNo,
          title: input.title,
          description: input.description,
          source: input.source,
          problemId: problem?.id ?? null,
          state: changeProcess.initial,
          registeredBy: actor.personId,
          registeredAt: now,
          // N §3.4.3.2 (1): a fix of a problem registered High is High; the manager's report keeps it.
          criteria: problem?.priority === 'high' ? { problemHigh: true, citizensOrManyDepartments: false, financialOrReputation: false } : null,
          pmPatch: input.source === 'preventive_maintenance' ? input.pmPatch! : null,
          ...sl,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const c = row!;
      if (targets.length) await t.insert(changeCis).values(targets.map((x) => ({ changeId: c.id, ...x })));
      await recordEvent(t, now, actor, { process: changeProcess.name, recordId: c.id, action: 'register', state: c.state, fromState: '' });
      if (problem) {
        await t.update(problems).set({ changeRef: receiptNo, updatedAt: now, version: sql`${problems.version} + 1` }).where(eq(problems.id, problem.id));
        await recordEvent(t, now, actor, { process: problemProcess.name, recordId: problem.id, action: 'link_change', state: problem.state, comment: `${receiptNo} ${c.title}` });
        await audit(t, clock, actor, { action: 'problem.link_change', entityType: 'problem', entityId: problem.id, before: { changeRef: problem.changeRef }, after: { changeRef: receiptNo, changeId: c.id } });
      }
      await audit(t, clock, actor, { action: 'change.register', entityType: 'change', entityId: c.id, after: { ...c, targets } });
      return view(c);
    });
  }

  /** A step of the change process; a reason given is kept in the history as the step's comment. */
  async function act(actor: Actor, id: string, action: string, raw: ChangeActionInput) {
    const { version, ...input } = changeActionInput.parse(raw);
    return inTx(db, async (t) => {
      const c = await load(t, actor, id);
      const patch: Record<string, unknown> = { ...input, comment: input.comment || input.reason || undefined };
      // N §3.4.3.2 (1) is a fact about the problem, not the manager's judgement: it stays checked.
      if (action === 'report_priority' && input.criteria && c.criteria?.problemHigh) patch.criteria = { ...input.criteria, problemHigh: true };
      return view(await fire(t, { clock, actor }, changeProcess, { ...c, version }, action, patch));
    });
  }

  async function targetsOf(t: Db, ids: string[]) {
    if (ids.length === 0) return new Map<string, { ciType: CiType; ciId: string | null; name: string }[]>();
    const rows = await t.select().from(changeCis).where(inArray(changeCis.changeId, ids)).orderBy(asc(changeCis.id));
    const out = new Map<string, { ciType: CiType; ciId: string | null; name: string }[]>();
    for (const r of rows) out.set(r.changeId, [...(out.get(r.changeId) ?? []), { ciType: r.ciType, ciId: r.ciId, name: r.name }]);
    return out;
  }

  /** The change page: the record, its process (with 納期), targets, problem, releases, checklist counts and mails. */
  async function get(actor: Actor, id: string) {
    const c = await load(db, actor, id);
    const targets = (await targetsOf(db, [id])).get(id) ?? [];
    const [problem] = c.problemId
      ? await db.select({ id: problems.id, receiptNo: problems.receiptNo, title: problems.title, state: problems.state, priority: problems.priority }).from(problems).where(eq(problems.id, c.problemId))
      : [];
    const [system] = c.slSystemId ? await db.select({ id: cmdbSystems.id, name: cmdbSystems.name, serviceLevel: cmdbSystems.serviceLevel, environment: cmdbSystems.environment }).from(cmdbSystems).where(eq(cmdbSystems.id, c.slSystemId)) : [];
    const rels = await db
      .select({ id: releases.id, releaseNo: releases.releaseNo, state: releases.state, proven: releases.proven, emergency: releases.emergency, plannedStart: releases.plannedStart, plannedEnd: releases.plannedEnd, actualStart: releases.actualStart, actualEnd: releases.actualEnd, result: releases.result })
      .from(releases)
      .where(eq(releases.changeId, id))
      .orderBy(asc(releases.createdAt));
    const tasks = await db.select({ status: changeTasks.status, n: count() }).from(changeTasks).where(eq(changeTasks.changeId, id)).groupBy(changeTasks.status);
    const taskCount = (s: string) => Number(tasks.find((x) => x.status === s)?.n ?? 0);
    const closed = FINAL.includes(c.state);
    const mails = can(actor, 'mail.read')
      ? [...(await listMailsFor(db, actor, 'change', id)), ...(await Promise.all(rels.map((r) => listMailsFor(db, actor, 'release', r.id)))).flat()]
      : [];
    return {
      ...view(c),
      process: await processView(db, changeProcess, c, actor, {
        deadlines: c.dueAt ? [{ key: 'due', label: { ja: '納期（リリース予定）', en: 'Due (planned release)' }, dueAt: c.dueAt, doneAt: c.completedAt ?? c.closedAt, overdue: !closed && isOverdue(c.dueAt, clock.now(), c.completedAt) }] : [],
      }),
      targets: targets.map((x) => ({ ...x, typeLabel: CI_TYPE_LABELS[x.ciType] })),
      problem: problem ? { ...problem, stateLabel: problemProcess.states[problem.state] ?? { ja: problem.state, en: problem.state } } : null,
      slSystem: system ?? null,
      releases: rels.map((r) => ({ ...r, stateLabel: releaseStateLabel(r.state) })),
      tasks: { open: taskCount('open'), done: taskCount('done'), waived: taskCount('waived') },
      mails,
    };
  }

  function where(actor: Actor, q: Partial<ChangeListQuery>): SQL | undefined {
    return and(
      changeScope(actor),
      q.state ? eq(changes.state, q.state) : undefined,
      q.source ? eq(changes.source, q.source) : undefined,
      q.priority ? eq(changes.priority, q.priority) : undefined,
      q.problemId ? eq(changes.problemId, q.problemId) : undefined,
      q.open === 'true' ? notInArray(changes.state, FINAL) : q.open === 'false' ? inArray(changes.state, FINAL) : undefined,
      q.q
        ? or(
            ilike(changes.receiptNo, likePattern(q.q)),
            ilike(changes.title, likePattern(q.q)),
            ilike(changes.description, likePattern(q.q)),
            sql`EXISTS (SELECT 1 FROM ${changeCis} WHERE ${changeCis.changeId} = ${changes.id} AND ${changeCis.name} ILIKE ${likePattern(q.q)})`,
          )
        : undefined,
    );
  }

  async function rowsOf(t: Db, list: Change[]): Promise<ChangeLedgerRow[]> {
    const targets = await targetsOf(t, list.map((r) => r.id));
    const pIds = [...new Set(list.map((r) => r.problemId).filter((x): x is string => !!x))];
    const sIds = [...new Set(list.map((r) => r.slSystemId).filter((x): x is string => !!x))];
    const pNos = new Map(pIds.length ? (await t.select({ id: problems.id, no: problems.receiptNo }).from(problems).where(inArray(problems.id, pIds))).map((p) => [p.id, p.no]) : []);
    const sNames = new Map(sIds.length ? (await t.select({ id: cmdbSystems.id, name: cmdbSystems.name }).from(cmdbSystems).where(inArray(cmdbSystems.id, sIds))).map((s) => [s.id, s.name]) : []);
    return list.map((r) => ({
      ...r,
      targetNames: (targets.get(r.id) ?? []).map((x) => x.name),
      problemReceiptNo: r.problemId ? (pNos.get(r.problemId) ?? null) : null,
      slSystemName: r.slSystemId ? (sNames.get(r.slSystemId) ?? null) : null,
    }));
  }

  /** 変更管理台帳 with server-side filter, sort and page. */
  async function list(actor: Actor, q: ChangeListQuery): Promise<Page<ChangeView & Omit<ChangeLedgerRow, keyof Change> & { dueLabel: string | null }>> {
    requirePermission(actor, 'change.read');
    const w = where(actor, q);
    const { field, desc: d } = parseSort(q.sort, '-registeredAt');
    const order = SORTS[field] ?? SORTS.registeredAt!;
    const rows = await db
      .select()
      .from(changes)
      .where(w)
      .orderBy(d ? sql`${order} DESC NULLS LAST` : sql`${order} ASC NULLS LAST`, desc(changes.receiptNo))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    const total = Number((await db.select({ n: count() }).from(changes).where(w))[0]?.n ?? 0);
    const items = (await rowsOf(db, rows)).map((r) => ({ ...r, ...view(r), dueLabel: jstCell(r.dueAt) }));
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  async function exportLedger(actor: Actor, format: 'xlsx' | 'csv', q: Partial<ChangeListQuery> = {}): Promise<LedgerFile> {
    requirePermission(actor, 'change.read');
    const rows = await db.select().from(changes).where(where(actor, q)).orderBy(asc(changes.receiptNo));
    return ledgerFile({ en: 'changes', ja: '変更管理台帳' }, format, CHANGE_LEDGER, await rowsOf(db, rows), clock.now());
  }

  return { register, act, get, list, exportLedger };
}

export type ChangeService = ReturnType<typeof createChangeService>;
