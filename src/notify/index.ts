import { registerMessages } from '../kernel/messages.ts';
import { notifyMessages } from './messages.ts';

registerMessages(notifyMessages);

export { jaDateTime, jaPeriod } from './format.ts';
export { type EnqueuedMail, enqueueMail, mailFrom, type OutgoingMail } from './outbox.ts';
export { notifyMessages } from './messages.ts';
export { notifyRoutes } from './routes.ts';
export { outbox } from './schema.ts';
export { listFailedMails, listMailsFor, type MailView } from './service.ts';
export {
  type ContinuingReportData,
  type FinalReportData,
  type FirstReportData,
  type IncidentMailTemplates,
  incidentMailTemplates,
  type MailTemplate,
  type ProgressEntry,
  type RecoveryWorkData,
  type RenderedMail,
} from './templates.ts';
export { createSmtpTransport, type MailTransport, type SmtpSettings } from './transport.ts';
export { backoffMs, createOutboxWorker, type OutboxWorker, type OutboxWorkerOptions, type RunResult } from './worker.ts';
