export type ReportData = Record<string, unknown>;
