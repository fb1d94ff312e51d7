export { type CommitResult, createRvtoolsImport, type ImportIssue, type ImportOptions, type ImportPreview, type PlanItem, type RvtoolsDeps, type RvtoolsImport } from './import.ts';
export { COLUMNS as RVTOOLS_COLUMNS, parseRvtools, type ParsedExport, SHEETS as RVTOOLS_SHEETS, type UploadedFile } from './parse.ts';
export { RVTOOLS_MAX_BYTES, rvtoolsRoutes } from './routes.ts';
