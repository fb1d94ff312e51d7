import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { cmdbSystems } from '../cmdb/schema.ts';
import { storedFiles } from '../files/schema.ts';
import { monitoringSuppressions } from '../monitoring/schema.ts';
import { SERVICE_LEVELS } from '../incidents/schema.ts';
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

/** The change policy review's outcome (変更方針検討), or the supervisor's 変更中止 ('cancel'). */
export const CHANGE_POLICY_DECISIONS = ['implement', 'do_not_implement', 're_examine', 'cancel'] as const;

/** N §3.4.3.2: the criteria of 優先度『高』 for a change. Any one true → High. */
export interface ChangePriorityCriteria {
  /** 問題管理で優先度『高』と登録された問題である */
  problemHigh: boolean;
  /** 対応が遅延した場合、県民、県庁全体または多数の部門に影響を及ぼす可能性がある */
  citizensOrManyDepartments: boolean;
  /** 対応が遅延した場合、財務上の損失、社会的評判に影響を及ぼす可能性がある */
  financialOrReputation: boolean;
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
    /** Service-level change (CHG-5, N §3.4.3.4): the system, its level before and after, and the start date. */
    slSystemId: uuid('sl_system_id').references(() => cmdbSystems.id),
    slFromLevel: text('sl_from_level', { enum: SERVICE_LEVELS }),
    slToLevel: text('sl_to_level', { enum: SERVICE_LEVELS }),
    /** dev→prod: the environment changes too. */
    slToProduction: boolean('sl_to_production').notNull().default(false),
    slStartsAt: ts('sl_starts_at'),
    /** When the new level was applied to the CMDB and monitoring (the start-date job). */
    slAppliedAt: ts('sl_applied_at'),
    /** Preventive maintenance (CHG-6): the patch or firmware applied to every target of its kind. */
    pmPatch: text('pm_patch'),
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

/** What a checklist task is for: CHG-5's service-level checklist, CHG-6's coverage per target, BAK-4's backups. */
export const CHANGE_TASK_KINDS = ['service_level', 'coverage', 'backup'] as const;
export const CHANGE_TASK_STATUSES = ['open', 'done', 'waived'] as const;

/**
 * A change's checklist: every task must be done, or waived with a reason, before the change closes.
 * Coverage tasks (予防保守) name the target they apply the patch to, so a target left out is visible.
 */
export const changeTasks = pgTable(
  'change_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    changeId: uuid('change_id')
      .notNull()
      .references(() => changes.id),
    kind: text('kind', { enum: CHANGE_TASK_KINDS }).notNull(),
    /** Stable key of the task in its generator (e.g. 'rename_instance', or the target's CI id). */
    key: text('key').notNull(),
    label: text('label').notNull(),
    ciType: text('ci_type', { enum: CHANGE_CI_TYPES }),
    ciId: uuid('ci_id'),
    status: text('status', { enum: CHANGE_TASK_STATUSES }).notNull().default('open'),
    /** Required when waived. */
    reason: text('reason'),
    doneBy: uuid('done_by'),
    doneByLabel: text('done_by_label'),
    doneAt: ts('done_at'),
    sortOrder: integer('sort_order').notNull().default(0),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('change_tasks_key_uq').on(t.changeId, t.kind, t.key)],
);

/**
 * Maintenance days (メンテナンス日, CHG-3): decided at the monthly meeting, as data. A release outside
 * one needs the emergency flag and the supervisor's notice.
 */
export const maintenanceDays = pgTable(
  'maintenance_days',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The JST calendar day, YYYY-MM-DD. */
    day: text('day').notNull(),
    /** The window on that day in which releases may run. */
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    note: text('note'),
    /** Where it was decided (e.g. 2026年11月 月次報告会). */
    decidedAt: text('decided_at'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('maintenance_days_day_uq').on(t.day)],
);

export interface TimelineStep {
  /** HH:MM (JST) on the work day. */
  at: string;
  task: string;
}
export interface StaffLine {
  name: string;
  role: string;
  /** 翌業務日の立ち合い. */
  nextBusinessDay: boolean;
}
export interface RiskLine {
  risk: string;
  mitigation: string;
}

/** Result of a release (N's <リリース作業> chart): 正常完了, or 異常発生 → 調査 → 切戻し. */
export const RELEASE_RESULTS = ['success', 'anomaly_continued', 'rolled_back'] as const;

/**
 * リリース計画書兼完了報告書 (CHG-2, N §3.4.3.2), one per release of a change, moved by the release
 * process (<リリース作業>): plan → manager review → supervisor approval → start → end / anomaly →
 * rollback. Both variants (実績のある変更 / 実績がない変更) have the same fields; `proven` says which
 * the impact and risks are based on (実績 or 想定).
 */
export const releases = pgTable(
  'releases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    changeId: uuid('change_id')
      .notNull()
      .references(() => changes.id),
    /** CHG-2026-000012-R1. */
    releaseNo: text('release_no').notNull(),
    state: text('state').notNull(),
    version: integer('version').notNull().default(1),
    proven: boolean('proven').notNull(),
    /** A release outside a maintenance day (緊急): the supervisor's notice to the owners is required. */
    emergency: boolean('emergency').notNull().default(false),
    emergencyReason: text('emergency_reason'),
    /** 作業日時 (planned window). */
    plannedStart: ts('planned_start').notNull(),
    plannedEnd: ts('planned_end').notNull(),
    /** 変更作業のタイムスケジュール. */
    timeline: jsonb('timeline').$type<TimelineStep[]>().notNull(),
    /** バックアップ取得時間 (HH:MM or a window). */
    backupTime: text('backup_time'),
    /** 切戻判断基準 and 切戻判断時間. */
    rollbackCriteria: text('rollback_criteria'),
    rollbackDecisionAt: ts('rollback_decision_at'),
    /** 要員配置 (翌業務日の立ち合い含む). */
    staffing: jsonb('staffing').$type<StaffLine[]>().notNull(),
    /** 変更による影響範囲 (実績をもとに / 想定される). */
    impactScope: text('impact_scope'),
    risks: jsonb('risks').$type<RiskLine[]>().notNull(),
    /** 問題発生時の連絡体制. */
    contacts: text('contacts'),
    /** 問題発生時の切戻手順. */
    rollbackProcedure: text('rollback_procedure'),
    /** 作業内容 and 業務影響 as the start/end mails print them. */
    workContent: text('work_content').notNull(),
    businessImpact: text('business_impact').notNull(),
    /** 作業担当者 (label, for the mails). */
    workerLabel: text('worker_label'),
    /** Monitoring suppression method for the window (静観 by default). */
    suppressionMethod: text('suppression_method', { enum: ['watch', 'stop'] }).notNull().default('watch'),
    suppressionId: uuid('suppression_id').references(() => monitoringSuppressions.id),
    preparedBy: uuid('prepared_by'),
    submittedAt: ts('submitted_at'),
    reviewedBy: uuid('reviewed_by'),
    reviewedAt: ts('reviewed_at'),
    approvedBy: uuid('approved_by'),
    approvedAt: ts('approved_at'),
    actualStart: ts('actual_start'),
    actualEnd: ts('actual_end'),
    result: text('result', { enum: RELEASE_RESULTS }),
    /** 発生事象報告 / 調査 / 切戻し decision, as written. */
    anomalyReport: text('anomaly_report'),
    investigation: text('investigation'),
    rollbackReason: text('rollback_reason'),
    completionNote: text('completion_note'),
    startMailId: uuid('start_mail_id'),
    endMailId: uuid('end_mail_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('releases_no_uq').on(t.releaseNo),
    index('releases_change_idx').on(t.changeId),
    index('releases_window_idx').on(t.plannedStart, t.plannedEnd),
  ],
);

/** 作業証跡: evidence files kept with a release (N: 作業証跡を所定の場所に保管する). */
export const releaseEvidence = pgTable(
  'release_evidence',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    releaseId: uuid('release_id')
      .notNull()
      .references(() => releases.id),
    fileId: uuid('file_id')
      .notNull()
      .references(() => storedFiles.id),
    note: text('note'),
  },
  (t) => [index('release_evidence_release_idx').on(t.releaseId)],
);

/** Procedure documents from the register (ドキュメント一覧) attached to a change. */
export const changeDocuments = pgTable(
  'change_documents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    changeId: uuid('change_id')
      .notNull()
      .references(() => changes.id),
    documentId: uuid('document_id').notNull(),
    attachedBy: uuid('attached_by'),
    attachedAt: ts('attached_at').notNull(),
  },
  (t) => [uniqueIndex('change_documents_uq').on(t.changeId, t.documentId)],
);
