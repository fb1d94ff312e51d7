import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { problems } from '../problems/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** CHG-1: where a change comes from (N §3.4). */
export const CHANGE_SOURCES = [
  'problem_fix', // 問題管理の恒久対処
  'preventive_maintenance', // 予防保守
  'service_level_change', // サービスレベル変更
  'direct', // 直接登録
] as const;

/** The CMDB item kinds a change can target (ESXi hosts, monitoring servers, storage, network devices). */
export const CHANGE_CI_TYPES = ['host', 'monitoring_server', 'storage', 'network', 'platform', 'vm'] as const;

/** The change policy review's outcome (変更方針検討). */
export const CHANGE_POLICY_DECISIONS = ['implement', 'do_not_implement', 're_examine'] as const;

/** N §3.4: the criteria of 優先度「高」 for a change. Any one true → High. */
export interface ChangePriorityCriteria {
  /** 対応を実施しない場合、県民、多数の部門に影響を及ぼす可能性がある */
  citizensOrManyDepartments: boolean;
  /** 対応を実施しない場合、財務上の損失、社会的評判に影響を及ぼす可能性がある */
  financialOrReputation: boolean;
  /** 重大な脆弱性・障害の予防保守情報への対応である */
  criticalPreventive: boolean;
}

/** 変更管理台帳 (CHG-1, N §3.4.4). */
export const changes = pgTable(
  'changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    receiptNo: text('receipt_no').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    source: text('source', { enum: CHANGE_SOURCES }).notNull(),
    /** The problem whose permanent fix this change carries (source problem_fix). */
    problemId: uuid('problem_id').references(() => problems.id),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    registeredBy: uuid('registered_by'),
    registeredAt: ts('registered_at').notNull(),
    assigneeId: uuid('assignee_id'),
    criteria: jsonb('criteria').$type<ChangePriorityCriteria>(),
    priority: text('priority', { enum: ['high', 'low'] }),
    /** 納期 / リリース予定日, reported by the manager and approved by the supervisor. */
    dueAt: ts('due_at'),
    priorityAgreedBy: uuid('priority_agreed_by'),
    priorityAgreedAt: ts('priority_agreed_at'),
    /** 緊急: a release outside a maintenance day (CHG-3). */
    emergency: boolean('emergency').notNull().default(false),
    policyDecision: text('policy_decision', { enum: CHANGE_POLICY_DECISIONS }),
    policyReason: text('policy_reason'),
    policyDecidedBy: uuid('policy_decided_by'),
    policyDecidedAt: ts('policy_decided_at'),
    implementation: text('implementation'),
    completionReport: text('completion_report'),
    completedAt: ts('completed_at'),
    closedAt: ts('closed_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('changes_receipt_no_uq').on(t.receiptNo),
    index('changes_state_idx').on(t.state),
    index('changes_problem_idx').on(t.problemId),
  ],
);

/** The CMDB items a change targets (several per change), like incident_cis. */
export const changeCis = pgTable(
  'change_cis',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    changeId: uuid('change_id')
      .notNull()
      .references(() => changes.id),
    ciType: text('ci_type', { enum: CHANGE_CI_TYPES }).notNull(),
    ciId: uuid('ci_id'),
    /** Name at registration, for display. */
    name: text('name').notNull(),
  },
  (t) => [index('change_cis_change_idx').on(t.changeId), index('change_cis_ci_idx').on(t.ciType, t.ciId)],
);
