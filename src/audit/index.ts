export { audit, type AuditEntry, verifyAuditChain, type VerifyResult } from './audit.ts';
export { type AuditView, listAudit } from './service.ts';
