// Every module's tables, for Drizzle and drizzle-kit. Modules add one line here.
export * from '../iam/schema.ts';
export * from '../audit/schema.ts';
