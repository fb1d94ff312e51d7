import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { inTx } from '../db/tx.ts';
import type { Actor } from '../iam/actor.ts';
import type { Role } from '../iam/roles.ts';
import { people, roleAssignments } from '../iam/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { enqueueMail, jaDateTime } from '../notify/index.ts';
import { type InboxEntry, inboxOf } from './inbox.ts';
import { workbenchSettings } from './schema.ts';

/** At most one digest an hour per person. */
export const DIGEST_INTERVAL_MS = 60 * 60_000;

const keyOf = (e: InboxEntry) => `${e.process}:${e.recordId}:${e.state}`;

/** The digest's text: one line per approval awaiting the person, nearest deadline first, with its page. */
export function digestMail(entries: readonly InboxEntry[], baseUrl: string): { subject: string; text: string } {
  const lines = entries.map((e) => {
    const due = e.dueAt ? `（期限 ${jaDateTime(e.dueAt)}${e.overdue ? '・超過' : ''}）` : '';
    return `・[${e.module.ja}] ${e.ref} ${e.title} — ${e.stateLabel.ja}${due}\n  ${baseUrl}${e.path}`;
  });
  return {
    subject: `【Kiban】承認待ちの案件があります（${entries.length}件）`,
    text: [
      'あなたの承認・判断を待っている案件があります。',
      '',
      ...lines,
      '',
      '自分の作業（受信箱）から操作してください。',
      'このメールは「承認待ちをメールで知らせる」を選んだ方にだけ、1時間に1通まで送られます。',
    ].join('\n'),
  };
}

/**
 * Sends each person who opted in one digest of the approvals awaiting them — only when one is new
 * since their last digest, and no sooner than an hour after it. The mail and the person's digest
 * state are written in one transaction (the outbox delivers it), so a crash neither loses nor repeats
 * one. Returns how many digests were queued.
 */
export async function runApprovalDigests(db: Db, clock: Clock, opts: { baseUrl?: string } = {}): Promise<number> {
  const now = clock.now();
  const due = await db
    .select({ personId: workbenchSettings.personId, keys: workbenchSettings.digestKeys, email: people.email, login: people.login, name: people.displayName, dept: people.departmentId })
    .from(workbenchSettings)
    .innerJoin(people, eq(people.id, workbenchSettings.personId))
    .where(
      and(
        eq(workbenchSettings.approvalDigest, true),
        isNull(people.disabledAt),
        isNotNull(people.email),
        sql`(${workbenchSettings.digestSentAt} IS NULL OR ${workbenchSettings.digestSentAt} <= ${new Date(now.getTime() - DIGEST_INTERVAL_MS)})`,
      ),
    );
  if (due.length === 0) return 0;
  const roles = await db
    .select({ personId: roleAssignments.personId, role: roleAssignments.role })
    .from(roleAssignments)
    .where(inArray(roleAssignments.personId, due.map((d) => d.personId)));
  let sent = 0;
  for (const p of due) {
    const actor: Actor = {
      kind: 'person',
      personId: p.personId,
      label: `${p.name} (${p.login})`,
      roles: roles.filter((r) => r.personId === p.personId).map((r) => r.role as Role),
      departmentId: p.dept,
    };
    const approvals = (await inboxOf(db, actor, now)).items.filter((e) => e.approval);
    const keys = approvals.map(keyOf);
    if (!keys.some((k) => !p.keys.includes(k))) continue;
    const mail = digestMail(approvals, opts.baseUrl ?? '');
    await inTx(db, async (tx) => {
      await enqueueMail(tx, clock, { recordType: 'workbench_digest', recordId: p.personId, to: [p.email!], subject: mail.subject, text: mail.text, template: 'approval_digest' });
      await tx.update(workbenchSettings).set({ digestSentAt: now, digestKeys: keys, updatedAt: now }).where(eq(workbenchSettings.personId, p.personId));
    });
    sent++;
  }
  return sent;
}
