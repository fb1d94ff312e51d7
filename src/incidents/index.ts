import { registerMessages } from '../kernel/messages.ts';
import { incidentMessages } from './messages.ts';

registerMessages(incidentMessages);

export { jstCell, type LedgerColumn, type LedgerFile, ledgerFile } from './export.ts';
export { bigrams } from '../kernel/grams.ts';
export { incidentListQuery, registerInput, type RegisterInput } from './inputs.ts';
export { type IncidentRef, incidentRefs, incidentsOfProblem, linkIncidentProblem } from './links.ts';
export { incidentMessages } from './messages.ts';
export { ACTION_CLASSES, guard, type Incident, type IncidentContext, incidentProcess } from './process.ts';
export { nextReceiptNo } from './receipts.ts';
export { addressesOfRole, type Affected, affectedOf, affectedOfCis, type Recipients, recipientsOf } from './recipients.ts';
export { findReportRule, planReports, RECOVERY_TARGETS, REPORT_RULES, type ReportRule } from './report-rules.ts';
export { incidentRoutes, sendLedger } from './routes.ts';
export * from './schema.ts';
export { createIncidentService, type IncidentDeps, type IncidentService, overdueReasons, priorityOf } from './service.ts';
