import { and, asc, eq, sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import type { Db } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { ConflictError, fieldError } from '../kernel/errors.ts';
import type { EntryChangeContext, EntryChange } from './process.ts';
import type { SideEffect } from '../process/index.ts';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type EntryContent, operationEntries, operationEntryChanges, operationEntryRevisions, type RestoreKind, restoreRequests } from './schema.ts';

export type OperationEntry = typeof operationEntries.$inferSelect;

export const SCOPE_LABELS = { platform: '第三期サーバ仮想化統合基盤', vm: '仮想マシン' } as const;
export const CATEGORY_LABELS = { routine: '定期定型作業', standard_change: '標準の変更', delegated: '代行依頼作業' } as const;
export const FREQUENCY_LABELS = { daily: '毎日', weekly: '毎週', monthly: '毎月', yearly: '毎年', on_request: '依頼の都度' } as const;
export const OWNER_ROLE_LABELS = { operator: '担当者', vendor_manager: '管理者' } as const;
export const RESTORE_KIND_LABELS: Record<RestoreKind, string> = {
  vm: '仮想マシン単位',
  disk: '仮想ディスク単位',
  file: 'ファイル/フォルダ単位',
  remote: '遠隔地（副環境）からの復旧',
};

const entry = (
  e: Partial<EntryContent> & Pick<EntryContent, 'title' | 'procedure' | 'frequency' | 'schedule' | 'evidence' | 'preconditions'>,
): EntryContent => ({
  scope: 'platform',
  category: 'routine',
  ownerRole: 'operator',
  departmentId: null,
  restoreKinds: [],
  keywords: [],
  ...e,
});

/**
 * N's regular operations (§3.8 バックアップ管理, §3.9 ログ管理, §3.2 棚卸, §3.10.3.3–3.10.3.4 払い出し・リソース変更,
 * §3.10.3.1 標準の変更 e.g. パスワードリセット, §3.11 アクセス権の棚卸) and M's restores (§1.2, §3.1), as the
 * first オペレーション一覧. Procedures are the documents N §3.8.4/3.10.4 lists for the 運用構築フェーズ.
 */
export const N_OPERATIONS: readonly EntryContent[] = [
  entry({
    title: 'バックアップ実行結果確認',
    procedure:
      'バックアップ実行結果確認手順書: 仮想マシン（ストレージスナップショット・レプリケーション）、vCenter（FTP/SFTP）のジョブ結果を確認し、日次作業チェックシートに記入する。異常は管理者にエスカレーションし、インシデントを発行する。',
    frequency: 'daily',
    schedule: '毎朝（開庁日 9:00〜）。前夜の夜間ジョブの結果',
    evidence: '日次作業チェックシート（バックアップ欄）、ジョブ結果の画面写し',
    preconditions: 'バックアップジョブの実行結果を取得できること',
    keywords: ['バックアップ', 'backup', 'ジョブ結果'],
  }),
  entry({
    title: 'ログ取得確認（Syslog）',
    procedure:
      'ログ実行結果確認手順書: Syslog サーバのバックアップ格納フォルダの更新状況を確認する。取得されていない機器は管理者にエスカレーションし、インシデントを発行する。時刻同期の不備は問題管理へ。',
    frequency: 'daily',
    schedule: '毎朝（開庁日 9:00〜）',
    evidence: '日次作業チェックシート（ログ欄）',
    preconditions: 'すべての機器が Syslog サーバに転送し、時刻同期されていること',
    keywords: ['syslog', 'ログ確認', 'ログ取得'],
  }),
  entry({
    title: 'インシデント棚卸',
    procedure: '未完了のインシデントの状況・期限を確認し、停滞しているものを管理者に報告する。',
    frequency: 'daily',
    schedule: '毎日 夕方',
    evidence: '日次作業チェックシート（棚卸欄）',
    preconditions: 'インシデント管理台帳が最新であること',
    keywords: ['棚卸', 'インシデント'],
  }),
  entry({
    title: 'vSphere スナップショットの保管期間確認・削除',
    procedure: 'システム所管が取得した vSphere スナップショットの保管期間を確認し、期間を過ぎたものを周知のうえ削除する。',
    frequency: 'weekly',
    schedule: '毎週月曜日',
    evidence: 'スナップショット一覧（削除前後）',
    preconditions: 'システム所管への周知方法と保管期間が合意されていること',
    keywords: ['スナップショット', 'snapshot'],
  }),
  entry({
    title: '手動バックアップ（修正適用・予防保守・構築・変更の前後）',
    procedure: 'バックアップ対応手順書: 対象の作業の前後に手動でバックアップを取得する。',
    frequency: 'on_request',
    schedule: '修正適用・予防保守・構築・変更の作業の前後',
    evidence: '取得結果の画面写し、作業記録',
    preconditions: '変更・リリース管理で作業が承認されていること',
    keywords: ['手動バックアップ', '事前バックアップ'],
  }),
  entry({
    title: 'パスワードリセット',
    category: 'standard_change',
    scope: 'vm',
    procedure: '操作マニュアル: 依頼元の本人確認のうえ、対象アカウントのパスワードを初期化し、依頼元に通知する。',
    frequency: 'on_request',
    schedule: '依頼の都度（開庁時間内）',
    evidence: '作業依頼の記録、作業前後の画面写し',
    preconditions: 'システム所管からの依頼（所属長の承認）があること',
    keywords: ['パスワードリセット', 'パスワード', 'password', 'ロック解除'],
  }),
  entry({
    title: '仮想マシンの払い出し',
    ownerRole: 'vendor_manager',
    procedure:
      '仮想マシン払い出し手順書: テンプレートからの作成、アンチウィルスソフトの提供（県庁 LAN 接続のみ）、移行ツール・インストールメディアの提供、構成管理台帳の更新（構築・移行）。',
    frequency: 'on_request',
    schedule: '払い出し申請の承認後',
    evidence: '払い出し申請書、構成管理台帳の更新記録',
    preconditions: '統合計画書・移行計画どおりの申請であること（計画外は統括責任者の承認）',
    keywords: ['払い出し', '仮想マシン作成', '新規仮想マシン'],
  }),
  entry({
    title: '仮想マシンのリソース追加・変更・削除',
    ownerRole: 'vendor_manager',
    procedure: 'リソースの追加・削除手順書: CPU・メモリ・ディスク・NIC を変更し、構成管理台帳を更新する。',
    frequency: 'on_request',
    schedule: 'リソース変更申請の承認後',
    evidence: 'リソース変更申請書、構成管理台帳の更新記録',
    preconditions: 'ESXi サーバのリソース使用状況と移行計画を確認し、統括責任者の承認があること',
    keywords: ['リソース変更', 'メモリ追加', 'CPU追加', 'ディスク追加', 'NIC追加'],
  }),
  ...(['vm', 'disk', 'file', 'remote'] as const).map((k) =>
    entry({
      title: `リストア（${RESTORE_KIND_LABELS[k]}）`,
      scope: 'vm',
      category: 'delegated',
      procedure:
        k === 'file'
          ? 'リカバリ対応手順書: 最新のバックアップからリストア用ディスクを一時接続し、統合サーバ管理担当の指示によりシステム所管が仮想マシンのコンソール上でファイル/フォルダを復元する。完了後に一時ディスクを切り離す。'
          : k === 'remote'
            ? 'リカバリ対応手順書: 遠隔地（副環境）ストレージの複製から仮想マシンを復旧し、起動・疎通を確認する。'
            : `リカバリ対応手順書: 最新のバックアップデータから${RESTORE_KIND_LABELS[k]}でリストアし、起動・疎通を確認する。`,
      frequency: 'on_request',
      schedule: 'リストア依頼の都度（上書き可否を依頼元と確認のうえ）',
      evidence: 'リストア依頼、作業前後の画面写し、システム所管の確認',
      preconditions: 'バックアップが取得されていること（世代: 仮想マシン 10 世代、遠隔地 1 世代）',
      restoreKinds: [k],
      keywords:
        k === 'file'
          ? ['ファイル復元', 'フォルダ復元', 'ファイルリストア']
          : k === 'disk'
            ? ['ディスクリストア', 'ディスク復元']
            : k === 'remote'
              ? ['遠隔地', '副環境', 'DR']
              : ['リストア', '復元', 'restore'],
    }),
  ),
  entry({
    title: 'アクセス権の棚卸',
    ownerRole: 'vendor_manager',
    procedure: 'アクセス権の棚卸を計画し、セキュリティグループと所属の対応を確認する。結果は月次報告会で報告する。',
    frequency: 'yearly',
    schedule: '年1回以上（計画による）',
    evidence: '棚卸結果の一覧',
    preconditions: 'アカウント申請の記録が揃っていること',
    keywords: ['アクセス権', '棚卸', 'アカウント'],
  }),
];

/** The next number of a ledger: PREFIX-NNN, or PREFIX-YYYY-NNNN per year (the caller holds the lock). */
async function nextNo(t: Db, table: PgTable, column: AnyPgColumn, head: string, width: number): Promise<string> {
  const [r] = (await t
    .select({ n: sql<number>`coalesce(max(substring(${column} from ${head.length + 1}::int)::int), 0)` })
    .from(table)
    .where(sql`${column} LIKE ${`${head}%`}`)) as [{ n: number }];
  return `${head}${String(Number(r.n) + 1).padStart(width, '0')}`;
}

const lockNumbers = (t: Db, name: string) => t.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${name}))`);
export const nextEntryNo = async (t: Db) => (await lockNumbers(t, 'operation_entries_no'), nextNo(t, operationEntries, operationEntries.entryNo, 'OPS-', 3));
export const nextChangeNo = async (t: Db, year: number) => (
  await lockNumbers(t, 'operation_entry_changes_no'), nextNo(t, operationEntryChanges, operationEntryChanges.changeNo, `OPC-${year}-`, 4)
);
export const nextRestoreNo = async (t: Db, year: number) => (
  await lockNumbers(t, 'restore_requests_no'), nextNo(t, restoreRequests, restoreRequests.requestNo, `RST-${year}-`, 4)
);

async function insertEntry(
  t: Db,
  clock: Clock,
  content: EntryContent,
  changeId: string | null,
  reason: string,
  approvedByLabel: string | null,
  training: { date: string | null; attendees: string[] | null },
) {
  const now = clock.now();
  const [row] = await t
    .insert(operationEntries)
    .values({ ...content, entryNo: await nextEntryNo(t), revisionNo: 1, createdAt: now, updatedAt: now })
    .returning();
  await t.insert(operationEntryRevisions).values({
    entryId: row!.id,
    revisionNo: 1,
    kind: 'add',
    content,
    changeId,
    reason,
    approvedByLabel,
    trainingDate: training.date,
    trainingAttendees: training.attendees,
    at: now,
  });
  return row!;
}

/** N's operations loaded into the list (an entry of the same title is left alone). */
export async function seedOperations(t: Db, clock: Clock, actor: Actor): Promise<{ added: string[] }> {
  const have = new Set((await t.select({ title: operationEntries.title }).from(operationEntries)).map((r) => r.title));
  const added: string[] = [];
  for (const c of N_OPERATIONS) {
    if (have.has(c.title)) continue;
    const row = await insertEntry(t, clock, c, null, 'N §3.10.3.1 オペレーション対象の合意（初期登録）', null, { date: null, attendees: null });
    await audit(t, clock, actor, { action: 'operation_entry.seed', entityType: 'operation_entry', entityId: row.id, after: row });
    added.push(row.entryNo);
  }
  return { added };
}

export function contentOf(e: OperationEntry): EntryContent {
  return {
    title: e.title,
    scope: e.scope,
    category: e.category,
    procedure: e.procedure,
    frequency: e.frequency,
    schedule: e.schedule,
    evidence: e.evidence,
    preconditions: e.preconditions,
    ownerRole: e.ownerRole,
    departmentId: e.departmentId,
    restoreKinds: e.restoreKinds,
    keywords: e.keywords,
  };
}

/**
 * The approved change written into オペレーション一覧 (the kernel runs it inside the approval's
 * transaction): an add inserts the entry, a change makes a new revision, a delete makes the entry
 * inactive (its revisions stay). An entry changed since the change was drafted refuses (409).
 */
export const applyEntryChange: SideEffect<EntryChange, EntryChangeContext> = async (e) => {
  const c = e.record;
  const { tx: t, ctx } = e;
  const now = ctx.clock.now();
  const training = { date: c.trainingDate, attendees: c.trainingAttendees };
  if (c.kind === 'add') {
    const row = await insertEntry(t, ctx.clock, c.content, c.id, c.reason, c.approvedByLabel, training);
    await t.update(operationEntryChanges).set({ entryId: row.id }).where(eq(operationEntryChanges.id, c.id));
    await audit(t, ctx.clock, ctx.actor, { action: 'operation_entry.add', entityType: 'operation_entry', entityId: row.id, after: row });
    return;
  }
  const [before] = await t.select().from(operationEntries).where(eq(operationEntries.id, c.entryId!)).for('update');
  if (!before || !before.active) throw new ConflictError('operations.entry_gone');
  if (before.revisionNo !== c.baseRevisionNo)
    throw new ConflictError('operations.entry_changed_since', { entryNo: before.entryNo, revisionNo: before.revisionNo });
  const revisionNo = before.revisionNo + 1;
  const patch = c.kind === 'delete' ? { active: false } : { ...c.content };
  const [after] = await t
    .update(operationEntries)
    .set({ ...patch, revisionNo, updatedAt: now, version: sql`${operationEntries.version} + 1` })
    .where(eq(operationEntries.id, before.id))
    .returning();
  await t.insert(operationEntryRevisions).values({
    entryId: before.id,
    revisionNo,
    kind: c.kind,
    content: c.kind === 'delete' ? contentOf(before) : c.content,
    changeId: c.id,
    reason: c.reason,
    approvedByLabel: c.approvedByLabel,
    trainingDate: training.date,
    trainingAttendees: training.attendees,
    at: now,
  });
  await audit(t, ctx.clock, ctx.actor, { action: `operation_entry.${c.kind}`, entityType: 'operation_entry', entityId: before.id, before, after });
};

/** The active entry that carries out restores of `kind` (BAK-5 routing), if the list has one. */
export async function entryForRestore(t: Db, kind: RestoreKind): Promise<OperationEntry | null> {
  const [row] = await t
    .select()
    .from(operationEntries)
    .where(and(eq(operationEntries.active, true), sql`${operationEntries.restoreKinds} @> ${JSON.stringify([kind])}::jsonb`))
    .orderBy(asc(operationEntries.entryNo))
    .limit(1);
  return row ?? null;
}

/**
 * 作業依頼 (INC-3, N §3.2.3.2 「オペレーション一覧に記載がある場合は 3.10 に基づき対応」): the active entries
 * whose keywords (or title) occur in a work request's text, best first (most keyword characters matched).
 */
export async function matchOperationEntries(t: Db, text: string, limit = 5): Promise<(OperationEntry & { matched: string[] })[]> {
  const hay = text.toLowerCase();
  const rows = await t.select().from(operationEntries).where(eq(operationEntries.active, true)).orderBy(asc(operationEntries.entryNo));
  return rows
    .map((r) => ({ ...r, matched: [...r.keywords, r.title].filter((k) => k.trim() !== '' && hay.includes(k.toLowerCase())) }))
    .filter((r) => r.matched.length > 0)
    .sort((a, b) => b.matched.join('').length - a.matched.join('').length || a.entryNo.localeCompare(b.entryNo))
    .slice(0, limit);
}

/**
 * Routing a work request to the list (called by the incident process's 振り分け to オペレーション): a
 * reference given must name an active entry (OPS-NNN; else 400 on routeRef); without one, the best match
 * of the request's text is taken. Null: nothing in the list matches (the manager decides, 3.2.3.2).
 */
export async function routeWorkRequest(t: Db, r: { ref: string | null; text: string }): Promise<OperationEntry | null> {
  if (r.ref) {
    const no = r.ref.trim().toUpperCase();
    const [row] = await t
      .select()
      .from(operationEntries)
      .where(and(eq(operationEntries.entryNo, no), eq(operationEntries.active, true)));
    if (!row) throw fieldError('routeRef', 'operations.entry_unknown', { ref: r.ref });
    return row;
  }
  return (await matchOperationEntries(t, r.text, 1))[0] ?? null;
}
