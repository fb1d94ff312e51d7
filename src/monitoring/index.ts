// The monitoring engine's public surface: other modules import only this file.
export { AgentCheck } from './checks/agent.ts';
export { HTTP_DEFAULTS, HttpCheck, type HttpParams } from './checks/http.ts';
export { FpingCheck, type FpingOptions, parseFpingOutput, type PingResult } from './checks/icmp.ts';
export {
  createMonitoringEngine,
  type EngineDeps,
  type MonitoringEngine,
  type MonitoringEvent,
  monitoringStatus,
  type RunSummary,
  realTimer,
  type Timer,
} from './engine.ts';
export { INITIAL_STATE, type MachineState, nextSlot, slotOffsetMs, step, type Transition } from './machine.ts';
export {
  applyPlan,
  type Coverage,
  itemsFor,
  MATRIX_KINDS,
  type MatrixKind,
  MONITORING_MATRIX,
  type PlannedItem,
  type PlannedTarget,
  planFromCmdb,
  vmKind,
} from './matrix.ts';
export type { Check, CheckItem, CheckTarget, Checks, ItemType, Observation, Severity } from './model.ts';
export { monitoringRoutes } from './routes.ts';
export { DEFAULTS as MONITORING_DEFAULTS, judge, type ItemRule, type Thresholds } from './rules.ts';
export { createMonitoringService, type MonitoringService } from './service.ts';
export { createItem, createTarget, type ItemInput, pruneValues, type TargetInput } from './store.ts';
export { type AgentDialect, AgentError, type AgentReply, ZabbixAgentClient } from './zabbix/agent.ts';
export { DEFAULT_MAX_FRAME_BYTES, decodeFrame, encodeFrame, FrameError } from './zabbix/protocol.ts';
export {
  createSenderServer,
  type IngestResult,
  type SenderServer,
  type SenderServerStats,
  type SenderValue,
  sendValues,
} from './zabbix/sender.ts';
export { type Alert, type AlertHandling, type AlertLedger, alertProcess, createAlertHandling, createAlertLedger } from './alerts.ts';
export { opensIncident, PROCEDURES, procedureFor, THRESHOLD_GUIDANCE, thresholdGuidance } from './guidance.ts';
export { monitoringMailTemplates, type MonitoringMailTemplates } from './mails.ts';
export { createSettingsLedger, type SettingsLedger } from './settings.ts';
export {
  createSuppressionService,
  DEFAULT_SUPPRESSION_RULES,
  submissionDeadline,
  type Suppression,
  type SuppressionRules,
  type SuppressionService,
  suppressionProcess,
} from './suppression.ts';
export { createMonitoringRuntime, type MonitoringRuntime, type MonitoringRuntimeDeps, productionChecks } from './runtime.ts';
export {
  BOARD_GROUPS,
  BOARD_STATES,
  type Board,
  type BoardCounts,
  type BoardGroup,
  type BoardGroupRow,
  type BoardItem,
  type BoardItemDetail,
  type BoardState,
  createStatusBoard,
  HISTORY_MAX_POINTS,
  type HistoryPoint,
  type StatusBoard,
} from './board.ts';
export { type DemoMonitoringSummary, loadDemoMonitoring } from './demo.ts';
