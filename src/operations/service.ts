import { and, asc, count, desc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { toJstYmd } from '../calendar/jst.ts';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import { type Actor, can, requirePermission } from '../iam/actor.ts';
import { departments } from '../iam/schema.ts';
import { jstCell, type LedgerColumn, type LedgerFile, ledgerFile } from '../incidents/export.ts';
import { incidents } from '../incidents/schema.ts';
import { incidentScope } from '../incidents/scope.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError, ForbiddenError, NotFoundError } from '../kernel/errors.ts';
import { likePattern, type Page, parseSort } from '../kernel/paging.ts';
import { fire, processView, recordEvent } from '../process/index.ts';
import {
  type ChangeActionInput,
  type ChangeEdit,
  type ChangeInput,
  changeActionInput,
  changeEdit,
  changeInput,
  type EntryListQuery,
  entryContent,
} from './inputs.ts';
import { type EntryChange, type EntryChangeContext, entryChangeProcess, restoreProcess } from './process.ts';
import {
  applyEntryChange,
  CATEGORY_LABELS,
  contentOf,
  FREQUENCY_LABELS,
  matchOperationEntries,
  nextChangeNo,
  type OperationEntry,
  OWNER_ROLE_LABELS,
  RESTORE_KIND_LABELS,
  SCOPE_LABELS,
  seedOperations,
} from './register.ts';
import { type EntryContent, operationEntries, operationEntryChanges, operationEntryRevisions, restoreRequests } from './schema.ts';
import { changeScope, entryScope, restoreScope } from './scope.ts';

export interface OperationDeps {
  db: Db;
  clock: Clock;
}

/** Change states with work in flight (one open change per entry). */
const OPEN_CHANGE_STATES = ['draft', 'review', 'training', 'approval', 'owner_agreement'];
const changeState = (s: string) => entryChangeProcess.states[s] ?? { ja: s, en: s };

/** One row of オペレーション一覧 as the list, the export and the entry page show it. */
export type EntryRow = OperationEntry & {
  scopeLabel: string;
  categoryLabel: string;
  frequencyLabel: string;
  ownerRoleLabel: string;
  restoreKindLabels: string[];
  departmentName: string | null;
};

const labelled = (e: OperationEntry, departmentName: string | null): EntryRow => ({
  ...e,
  scopeLabel: SCOPE_LABELS[e.scope],
  categoryLabel: CATEGORY_LABELS[e.category],
  frequencyLabel: FREQUENCY_LABELS[e.frequency],
  ownerRoleLabel: OWNER_ROLE_LABELS[e.ownerRole],
  restoreKindLabels: e.restoreKinds.map((k) => RESTORE_KIND_LABELS[k]),
  departmentName,
});

const LEDGER: LedgerColumn<EntryRow>[] = [
  { header: '番号', value: (r) => r.entryNo, width: 10 },
  { header: 'オペレーション', value: (r) => r.title, width: 36 },
  { header: '対象', value: (r) => r.scopeLabel, width: 20 },
  { header: '分類', value: (r) => r.categoryLabel, width: 14 },
  { header: '実施頻度', value: (r) => r.frequencyLabel, width: 10 },
  { header: '実施日程', value: (r) => r.schedule, width: 30 },
  { header: 'オペレーション手順', value: (r) => r.procedure, width: 60 },
  { header: '作業証跡', value: (r) => r.evidence, width: 36 },
  { header: '前提条件', value: (r) => r.preconditions, width: 40 },
  { header: '実施担当', value: (r) => r.ownerRoleLabel, width: 10 },
  { header: '所属', value: (r) => r.departmentName ?? '全所属', width: 14 },
  { header: 'リストア種別', value: (r) => r.restoreKindLabels.join('、') || null, width: 20 },
  { header: '版', value: (r) => `第${r.revisionNo}版`, width: 8 },
  { header: '状態', value: (r) => (r.active ? '有効' : '削除'), width: 8 },
  { header: '更新日時', value: (r) => jstCell(r.updatedAt), width: 18 },
  { header: 'ID', value: (r) => r.id, width: 38 },
];

const SORTS: Record<string, SQL> = {
  entryNo: sql`${operationEntries.entryNo}`,
  title: sql`${operationEntries.title}`,
  frequency: sql`${operationEntries.frequency}`,
  category: sql`${operationEntries.category}`,
  updatedAt: sql`${operationEntries.updatedAt}`,
};

export function createOperationService(deps: OperationDeps) {
  const { db, clock } = deps;
  const ctxOf = (actor: Actor): EntryChangeContext => ({ clock, actor, apply: applyEntryChange });
  const requireRead = (actor: Actor) => requirePermission(actor, 'operations.read');

  function where(actor: Actor, q: Partial<EntryListQuery>): SQL | undefined {
    return and(
      entryScope(actor),
      q.includeDeleted === 'true' ? undefined : eq(operationEntries.active, true),
      q.scope ? eq(operationEntries.scope, q.scope) : undefined,
      q.frequency ? eq(operationEntries.frequency, q.frequency) : undefined,
      q.category ? eq(operationEntries.category, q.category) : undefined,
      q.q
        ? or(
            ilike(operationEntries.entryNo, likePattern(q.q)),
            ilike(operationEntries.title, likePattern(q.q)),
            ilike(operationEntries.procedure, likePattern(q.q)),
          )
        : undefined,
    );
  }
  const rowsOf = (t: Db) =>
    t.select({ e: operationEntries, dept: departments.name }).from(operationEntries).leftJoin(departments, eq(departments.id, operationEntries.departmentId));

  /** オペレーション一覧 (OPS-1), filtered, sorted and paged on the server. */
  async function list(actor: Actor, q: EntryListQuery): Promise<Page<EntryRow> & { canDraft: boolean }> {
    requireRead(actor);
    const w = where(actor, q);
    const { field, desc: d } = parseSort(q.sort, 'entryNo');
    const order = SORTS[field] ?? SORTS.entryNo!;
    const rows = await rowsOf(db)
      .where(w)
      .orderBy(d ? sql`${order} DESC` : sql`${order} ASC`, asc(operationEntries.entryNo))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    const total = Number((await db.select({ n: count() }).from(operationEntries).where(w))[0]?.n ?? 0);
    return { items: rows.map((r) => labelled(r.e, r.dept)), total, page: q.page, pageSize: q.pageSize, canDraft: mayDraft(actor) };
  }

  async function exportLedger(actor: Actor, format: 'xlsx' | 'csv', q: Partial<EntryListQuery> = {}): Promise<LedgerFile> {
    requireRead(actor);
    const rows = await rowsOf(db).where(where(actor, q)).orderBy(asc(operationEntries.entryNo));
    return ledgerFile(
      { en: 'operations', ja: 'オペレーション一覧' },
      format,
      LEDGER,
      rows.map((r) => labelled(r.e, r.dept)),
      clock.now(),
    );
  }

  async function loadEntry(t: Db, actor: Actor, id: string): Promise<EntryRow> {
    requireRead(actor);
    const [r] = await rowsOf(t).where(and(eq(operationEntries.id, id), entryScope(actor)));
    if (!r) throw new NotFoundError('error.not_found');
    return labelled(r.e, r.dept);
  }

  /** An entry with its approved revisions (newest first), its open change, and the work routed to it. */
  async function get(actor: Actor, id: string) {
    const e = await loadEntry(db, actor, id);
    const revisions = await db
      .select()
      .from(operationEntryRevisions)
      .where(eq(operationEntryRevisions.entryId, id))
      .orderBy(desc(operationEntryRevisions.revisionNo));
    const changes = await db
      .select()
      .from(operationEntryChanges)
      .where(and(eq(operationEntryChanges.entryId, id), changeScope(actor)))
      .orderBy(desc(operationEntryChanges.createdAt));
    const workRequests = can(actor, 'incident.read')
      ? await db
          .select({ id: incidents.id, receiptNo: incidents.receiptNo, title: incidents.title, state: incidents.state, registeredAt: incidents.registeredAt })
          .from(incidents)
          .where(and(eq(incidents.routeTo, 'operation'), eq(incidents.routeRef, e.entryNo), incidentScope(actor)))
          .orderBy(desc(incidents.registeredAt))
          .limit(50)
      : [];
    const restores = await db
      .select({
        id: restoreRequests.id,
        requestNo: restoreRequests.requestNo,
        vmName: restoreRequests.vmName,
        kind: restoreRequests.kind,
        state: restoreRequests.state,
        createdAt: restoreRequests.createdAt,
      })
      .from(restoreRequests)
      .where(and(eq(restoreRequests.entryId, id), restoreScope(actor)))
      .orderBy(desc(restoreRequests.createdAt))
      .limit(50);
    const open = changes.find((c) => OPEN_CHANGE_STATES.includes(c.state));
    return {
      ...e,
      revisions,
      changes: changes.map((c) => ({
        id: c.id,
        changeNo: c.changeNo,
        kind: c.kind,
        state: c.state,
        stateLabel: changeState(c.state),
        reason: c.reason,
        createdAt: c.createdAt,
      })),
      workRequests,
      restores: restores.map((r) => ({
        ...r,
        kindLabel: RESTORE_KIND_LABELS[r.kind],
        stateLabel: restoreProcess.states[r.state] ?? { ja: r.state, en: r.state },
      })),
      openChangeId: open?.id ?? null,
      canDraft: mayDraft(actor) && e.active && !open,
    };
  }

  /** 管理者 ○ drafts additions, changes and deletions (N §3.10.2.1). */
  function mayDraft(actor: Actor): boolean {
    return actor.kind === 'system' || actor.roles.includes('vendor_manager');
  }

  async function checkContent(t: Db, c: EntryContent, exceptEntry?: string): Promise<void> {
    const [dup] = await t
      .select({ id: operationEntries.id })
      .from(operationEntries)
      .where(
        and(
          sql`lower(${operationEntries.title}) = lower(${c.title})`,
          eq(operationEntries.active, true),
          exceptEntry ? sql`${operationEntries.id} <> ${exceptEntry}` : undefined,
        ),
      );
    if (dup) throw fieldError('content.title', 'operations.title_taken');
    if (c.departmentId) {
      const [d] = await t.select({ id: departments.id }).from(departments).where(eq(departments.id, c.departmentId));
      if (!d) throw fieldError('content.departmentId', 'operations.department_for_vm');
    }
  }

  /** A request to add, change or delete an entry: drafted by the manager, then moved by the kernel. */
  async function createChange(actor: Actor, raw: ChangeInput) {
    requireRead(actor);
    if (!mayDraft(actor)) throw new ForbiddenError('process.role_refused', { action: '追加・変更・削除の依頼', roles: '管理者' });
    const input = changeInput.parse(raw);
    if (input.kind !== 'delete' && !input.content) throw fieldError('content', 'field.required');
    if (input.kind !== 'add' && !input.entryId) throw fieldError('entryId', 'operations.entry_required');
    return inTx(db, async (t) => {
      let entry: OperationEntry | null = null;
      if (input.entryId) {
        const [e] = await t.select().from(operationEntries).where(eq(operationEntries.id, input.entryId)).for('update');
        if (!e || !e.active) throw fieldError('entryId', 'operations.entry_unknown', { ref: input.entryId });
        entry = e;
        const [open] = await t
          .select()
          .from(operationEntryChanges)
          .where(and(eq(operationEntryChanges.entryId, e.id), inArray(operationEntryChanges.state, OPEN_CHANGE_STATES)));
        if (open) throw new ConflictError('operations.change_open', { entryNo: e.entryNo, changeNo: open.changeNo, state: changeState(open.state).ja });
      }
      const content = input.kind === 'delete' ? contentOf(entry!) : (input.content as EntryContent);
      if (input.kind !== 'delete') await checkContent(t, content, entry?.id);
      const now = clock.now();
      const [c] = await t
        .insert(operationEntryChanges)
        .values({
          changeNo: await nextChangeNo(t, Number(toJstYmd(now).slice(0, 4))),
          kind: input.kind,
          entryId: entry?.id ?? null,
          baseRevisionNo: entry?.revisionNo ?? null,
          content,
          reason: input.reason,
          state: entryChangeProcess.initial,
          departmentId: content.scope === 'vm' ? content.departmentId : null,
          requestedBy: actor.personId,
          requestedByLabel: actor.label,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await recordEvent(t, now, actor, {
        process: entryChangeProcess.name,
        recordId: c!.id,
        action: 'create',
        state: c!.state,
        fromState: '',
        comment: input.reason,
      });
      await audit(t, clock, actor, { action: 'operation_entry_change.create', entityType: 'operation_entry_change', entityId: c!.id, after: c });
      return c!;
    });
  }

  async function loadChange(t: Db, actor: Actor, id: string): Promise<EntryChange> {
    requireRead(actor);
    const [c] = await t
      .select()
      .from(operationEntryChanges)
      .where(and(eq(operationEntryChanges.id, id), changeScope(actor)));
    if (!c) throw new NotFoundError('error.not_found');
    return c;
  }

  /** The manager corrects a draft (after a return): content and reason, with the version read. */
  async function editChange(actor: Actor, id: string, raw: ChangeEdit) {
    const { version, content: rawContent, reason } = changeEdit.parse(raw);
    if (!mayDraft(actor)) throw new ForbiddenError('process.role_refused', { action: '依頼内容の修正', roles: '管理者' });
    return inTx(db, async (t) => {
      const c = await loadChange(t, actor, id);
      if (c.state !== 'draft') throw new ConflictError('operations.change_not_draft', { state: changeState(c.state).ja });
      const content = c.kind === 'delete' || !rawContent ? c.content : (entryContent.parse(rawContent) as EntryContent);
      if (c.kind !== 'delete' && rawContent) await checkContent(t, content, c.entryId ?? undefined);
      const [after] = await t
        .update(operationEntryChanges)
        .set({
          content,
          reason: reason ?? c.reason,
          departmentId: content.scope === 'vm' ? content.departmentId : null,
          updatedAt: clock.now(),
          version: sql`${operationEntryChanges.version} + 1`,
        })
        .where(and(eq(operationEntryChanges.id, id), eq(operationEntryChanges.version, version)))
        .returning();
      if (!after) throw new ConflictError('error.stale_version');
      await recordEvent(t, clock.now(), actor, { process: entryChangeProcess.name, recordId: id, action: 'edit', state: after.state, comment: reason ?? null });
      await audit(t, clock, actor, { action: 'operation_entry_change.edit', entityType: 'operation_entry_change', entityId: id, before: c, after });
      return after;
    });
  }

  /** A change with the entry as it is now (for the side-by-side of 現行 and 変更後) and its process view. */
  async function getChange(actor: Actor, id: string) {
    const c = await loadChange(db, actor, id);
    const [current] = c.entryId ? await rowsOf(db).where(eq(operationEntries.id, c.entryId)) : [];
    const [dept] = c.content.departmentId
      ? await db.select({ name: departments.name }).from(departments).where(eq(departments.id, c.content.departmentId))
      : [];
    return {
      ...c,
      stateLabel: changeState(c.state),
      proposed: labelled({ ...(current?.e ?? ({} as OperationEntry)), ...c.content } as OperationEntry, dept?.name ?? null),
      current: current ? labelled(current.e, current.dept) : null,
      canEdit: c.state === 'draft' && mayDraft(actor),
      process: await processView(db, entryChangeProcess, c, actor),
    };
  }

  async function act(actor: Actor, id: string, action: string, raw: ChangeActionInput) {
    const { version, ...input } = changeActionInput.parse(raw);
    if (input.trainingDate && input.trainingDate > toJstYmd(clock.now())) throw fieldError('trainingDate', 'operations.training_future');
    const comment = input.comment ?? input.reason;
    return inTx(db, async (t) => {
      const c = await loadChange(t, actor, id);
      const after = await fire(t, ctxOf(actor), entryChangeProcess, { ...c, version }, action, { ...input, comment });
      return { ...after, stateLabel: changeState(after.state) };
    });
  }

  /** Open change requests (for the list page's "in progress" panel). */
  async function listChanges(actor: Actor, open = true) {
    requireRead(actor);
    const rows = await db
      .select()
      .from(operationEntryChanges)
      .where(and(changeScope(actor), open ? inArray(operationEntryChanges.state, OPEN_CHANGE_STATES) : undefined))
      .orderBy(desc(operationEntryChanges.createdAt))
      .limit(200);
    return rows.map((c) => ({
      id: c.id,
      changeNo: c.changeNo,
      kind: c.kind,
      title: c.content.title,
      state: c.state,
      stateLabel: changeState(c.state),
      requestedByLabel: c.requestedByLabel,
      createdAt: c.createdAt,
    }));
  }

  async function seed(actor: Actor) {
    if (!mayDraft(actor)) throw new ForbiddenError('process.role_refused', { action: 'オペレーション一覧の初期登録', roles: '管理者' });
    return inTx(db, (t) => seedOperations(t, clock, actor));
  }

  /** Entries matching a work request's text (INC-3), for the operator routing it. */
  async function match(actor: Actor, q: string) {
    requireRead(actor);
    const rows = await matchOperationEntries(db, q);
    const visible = new Set((await db.select({ id: operationEntries.id }).from(operationEntries).where(entryScope(actor))).map((r) => r.id));
    return rows.filter((r) => visible.has(r.id)).map((r) => ({ id: r.id, entryNo: r.entryNo, title: r.title, matched: r.matched }));
  }

  return { list, exportLedger, get, createChange, editChange, getChange, act, listChanges, seed, match };
}

export type OperationService = ReturnType<typeof createOperationService>;
