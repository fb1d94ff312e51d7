import { and, asc, eq, isNotNull, isNull, ne } from 'drizzle-orm';
import { cmdbContacts, cmdbSystems } from '../cmdb/index.ts';
import type { Db } from '../db/connection.ts';
import { people, roleAssignments } from '../iam/schema.ts';
import { enqueueMail, mailFrom, type RenderedMail } from '../notify/index.ts';
import type { TransitionInput } from '../process/index.ts';
import type { Incident, IncidentContext } from './process.ts';
import { addressesOfRole, recipientsOf } from './recipients.ts';
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

/** Adds addresses not yet in `to` (case-insensitive), keeping the order. */
function addAll(to: string[], more: readonly (string | null)[]): void {
  for (const a of more) if (a && !to.some((x) => x.toLowerCase() === a.toLowerCase())) to.push(a);
}

/**
 * Who is told that a work request will not be done (INC-3): the requester, and the system owners of
 * the requester's department — its people holding 「システム所管」 and the escalation-list contacts
 * (cmdb_contacts, ORG-5) of its systems. The supervisors get a copy (the notice is theirs to give).
 */
export async function declineRecipients(tx: Db, incident: Incident): Promise<{ to: string[]; cc: string[] }> {
  const to: string[] = [];
  let departmentId = incident.departmentId;
  if (incident.requesterId) {
    const [r] = await tx
      .select({ email: people.email, departmentId: people.departmentId })
      .from(people)
      .where(and(eq(people.id, incident.requesterId), isNull(people.disabledAt)));
    addAll(to, [r?.email ?? null]);
    departmentId ??= r?.departmentId ?? null;
  }
  if (departmentId) {
    const owners = await tx
      .selectDistinct({ email: people.email })
      .from(people)
      .innerJoin(roleAssignments, eq(roleAssignments.personId, people.id))
      .where(and(eq(roleAssignments.role, 'system_owner'), eq(people.departmentId, departmentId), isNull(people.disabledAt), isNotNull(people.email)))
      .orderBy(asc(people.email));
    addAll(to, owners.map((o) => o.email));
    const contacts = await tx
      .select({ email: cmdbContacts.email })
      .from(cmdbContacts)
      .innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbContacts.systemId))
      .where(and(eq(cmdbSystems.departmentId, departmentId), ne(cmdbSystems.status, 'retired'), ne(cmdbContacts.status, 'retired')))
      .orderBy(asc(cmdbSystems.name), asc(cmdbContacts.escalationOrder), asc(cmdbContacts.email));
    addAll(to, contacts.map((c) => c.email));
  }
  const cc = (await addressesOfRole(tx, 'supervisor')).filter((a) => !to.some((x) => x.toLowerCase() === a.toLowerCase()));
  return { to, cc };
}

/**
 * 依頼作業を実施しない旨の通知 (INC-3, N §3.2.3.2): when the supervisor declines an out-of-scope work
 * request, the owner is told by mail in the same transaction. Nobody to tell (no requester, no
 * department, no address) sends nothing; the decision stays on the record and in its history.
 */
export async function sendDeclineMail(tx: Db, ctx: IncidentContext, incident: Incident, input: TransitionInput): Promise<void> {
  const { to, cc } = await declineRecipients(tx, incident);
  if (to.length === 0) return;
  const mail = ctx.mails.workRequestDeclined({
    receiptNo: incident.receiptNo,
    title: incident.title,
    description: incident.description,
    registeredAt: incident.registeredAt,
    requester: incident.requesterName,
    reason: str(input.comment),
    decidedBy: ctx.actor.label,
    decidedAt: ctx.clock.now(),
  });
  await enqueueMail(tx, ctx.clock, mailFrom(mail, { recordType: 'incident', recordId: incident.id, to, cc, createdBy: ctx.actor }));
}
