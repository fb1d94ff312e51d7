import type { Db } from '../db/connection.ts';
import { enqueueMail, mailFrom, type RenderedMail } from '../notify/index.ts';
import type { TransitionInput } from '../process/index.ts';
import type { Incident, IncidentContext } from './process.ts';
import { recipientsOf } from './recipients.ts';
import { incidentReports } from './schema.ts';

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/[、,]/).map((s) => s.trim()).filter(Boolean) : [];

/**
 * Enqueues one mail about an incident to its derived recipients (INC-8) in the caller's transaction
 * and keeps the report row that says what was sent, when, by whom and to whom.
 */
export async function recordReport(
  tx: Db,
  ctx: IncidentContext,
  incident: Incident,
  r: {
    kind: (typeof incidentReports.$inferInsert)['kind'];
    channel: (typeof incidentReports.$inferInsert)['channel'];
    mail: RenderedMail | null;
    dueAt?: Date | null;
    data?: Record<string, unknown>;
  },
): Promise<{ mailId: string | null; recipients: string[] }> {
  const now = ctx.clock.now();
  let mailId: string | null = null;
  let recipients: string[] = [];
  if (r.mail) {
    recipients = (await recipientsOf(tx, incident.id)).to;
    const m = await enqueueMail(tx, ctx.clock, mailFrom(r.mail, { recordType: 'incident', recordId: incident.id, to: recipients, createdBy: ctx.actor }));
    mailId = m.id;
  }
  await tx.insert(incidentReports).values({
    incidentId: incident.id,
    kind: r.kind,
    channel: r.channel,
    at: now,
    byId: ctx.actor.personId,
    byLabel: ctx.actor.label,
    dueAt: r.dueAt ?? null,
    late: r.dueAt ? now.getTime() > r.dueAt.getTime() : false,
    mailId,
    recipients,
    data: r.data ?? {},
  });
  return { mailId, recipients };
}

/** 復旧作業開始連絡 / 復旧作業完了連絡 (N §3.2.3.4): sent by the manager or operator at both ends. */
export async function sendRecoveryMail(
  tx: Db,
  ctx: IncidentContext,
  incident: Incident,
  kind: 'recovery_start' | 'recovery_complete',
  input: TransitionInput,
): Promise<void> {
  const data = {
    work: { from: new Date(str(input.workFrom)), to: new Date(str(input.workTo)) },
    workers: list(input.workers),
    description: str(input.description),
    businessImpact: str(input.businessImpact),
  };
  const mail = kind === 'recovery_start' ? ctx.mails.recoveryStart(data) : ctx.mails.recoveryComplete(data);
  await recordReport(tx, ctx, incident, { kind, channel: 'mail', mail, data: { ...data } });
}
