// Every module's tables, for Drizzle and drizzle-kit. Modules add one line here.
export * from '../iam/schema.ts';
export * from '../audit/schema.ts';
export * from '../notify/schema.ts';
export * from '../process/schema.ts';
export * from '../cmdb/schema.ts';
export * from '../incidents/schema.ts';
export * from '../problems/schema.ts';
export * from '../monitoring/schema.ts';
export * from '../workbench/schema.ts';
export * from '../files/schema.ts';
export * from '../changes/schema.ts';
export * from '../documents/schema.ts';
export * from '../meetings/schema.ts';
export * from '../servicelevels/schema.ts';
export * from '../reports/schema.ts';
export * from '../portal/schema.ts';
export * from '../operations/schema.ts';
