import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** PRB-1: where a problem comes from (N §3.3.3.1 登録する問題の案). */
export const PROBLEM_SOURCES = [
  'supervisor_instruction', // 統括責任者からの指示
  'incident_root_cause', // インシデントの根本原因調査
  'incident_permanent_fix', // インシデントの恒久対処策定
  'incident_rollout', // 横展開
  'preventive_hardware', // 予防保守情報（ハードウェア）
  'preventive_os', // 予防保守情報（OS・ソフトウェア）
  'improvement', // 業務の改善
  'operating_mistake', // 作業ミス
  'near_miss', // ヒヤリハット
  'complaint', // クレーム
] as const;

/** PRB-2: the three criteria of 優先度「高」 (N §3.3.3.1). Any one true → High. */
export interface ProblemPriorityCriteria {
  /** サービスレベルで規定された復旧時間以内に復旧できなかったインシデントである */
  missedRecoveryTarget: boolean;
  /** 対応を実施しない場合、県民、多数の部門に影響を及ぼす可能性がある */
  citizensOrManyDepartments: boolean;
  /** 対応を実施しない場合、財務上の損失、社会的評判に影響を及ぼす可能性がある */
  financialOrReputation: boolean;
}

/** 問題管理台帳 (N §3.3.4). */
export const problems = pgTable(
  'problems',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    receiptNo: text('receipt_no').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    source: text('source', { enum: PROBLEM_SOURCES }).notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    registeredBy: uuid('registered_by'),
    registeredAt: ts('registered_at').notNull(),
    assigneeId: uuid('assignee_id'),
    criteria: jsonb('criteria').$type<ProblemPriorityCriteria>(),
    priority: text('priority', { enum: ['high', 'low'] }),
    /** 納期, agreed with the supervisor together with the priority. */
    dueAt: ts('due_at'),
    priorityAgreedBy: uuid('priority_agreed_by'),
    priorityAgreedAt: ts('priority_agreed_at'),
    /** Critical vulnerability / serious-failure preventive information (reported at once, PRB-4). */
    critical: boolean('critical').notNull().default(false),
    preventiveTargetId: uuid('preventive_target_id'),
    cause: text('cause'),
    policy: text('policy'),
    permanentFix: text('permanent_fix'),
    /** The change record carrying the permanent fix (変更・リリース管理). */
    changeRef: text('change_ref'),
    result: text('result'),
    /** Why not (evidence), for each "no" decision. */
    noFixReason: text('no_fix_reason'),
    noImplementReason: text('no_implement_reason'),
    closedAt: ts('closed_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('problems_receipt_no_uq').on(t.receiptNo), index('problems_state_idx').on(t.state)],
);

/** Each yes/no decision of the flow (PRB-3) with its reason: the evidence N asks to keep. */
export const problemDecisions = pgTable(
  'problem_decisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    problemId: uuid('problem_id')
      .notNull()
      .references(() => problems.id),
    question: text('question').notNull(),
    answer: boolean('answer').notNull(),
    reason: text('reason'),
    decidedBy: uuid('decided_by'),
    decidedByLabel: text('decided_by_label').notNull(),
    at: ts('at').notNull(),
  },
  (t) => [index('problem_decisions_problem_idx').on(t.problemId, t.id)],
);

/** 予防保守対象機器一覧 (PRB-4, N §3.3.3.4): what preventive-maintenance information is collected for. */
export const preventiveTargets = pgTable(
  'preventive_targets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    category: text('category', { enum: ['hardware', 'software'] }).notNull(),
    /** ESXi サーバ / 運用管理サーバ / ストレージ / ネットワーク機器. */
    kind: text('kind', { enum: ['esxi', 'management_server', 'storage', 'network'] }).notNull(),
    name: text('name').notNull(),
    /** The CMDB item, when it is one (cmdb_hosts, cmdb_storage…). */
    ciType: text('ci_type'),
    ciId: uuid('ci_id'),
    vendor: text('vendor'),
    /** How the information is collected (vendor portal, mail subscription…). */
    collectionMethod: text('collection_method'),
    active: boolean('active').notNull().default(true),
    notes: text('notes'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('preventive_targets_category_idx').on(t.category, t.kind)],
);
