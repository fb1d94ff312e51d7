import { registerMessages } from '../kernel/messages.ts';
import { reportMessages } from './messages.ts';

registerMessages(reportMessages);

export { assembleReport, type ReportData } from './data.ts';
export { ja as reportLabel, jstMinute, REPORT_LABELS, type ReportLabels } from './labels.ts';
export { reportPdf, reportSections, reportXlsx } from './output.ts';
export { type MonthlyReport, monthlyReportProcess, readsReports, writesReports } from './process.ts';
export { reportRoutes } from './routes.ts';
export * from './schema.ts';
export { createReportService, type ReportService } from './service.ts';
export * from './halfyear.ts';
