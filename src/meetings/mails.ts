import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { people } from '../iam/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { enqueueMail, jaDateTime, jaPeriod } from '../notify/index.ts';
import type { SideEffect } from '../process/index.ts';
import type { Meeting, MeetingContext } from './process.ts';
import { meetingActions, meetingAttendees, meetingDecisions, meetingKinds } from './schema.ts';

/**
 * 議事録の共有 (N §2.7.3: 会議体では議事録を作成し、出席者に共有する): one mail to every attendee with an
 * address, in the same transaction as the move to 共有済. The minutes text, decisions and action items
 * are in the body; an uploaded minutes file stays in Kiban (the mail names it).
 */
export function minutesMail(platformName: string, clock: Clock, fileName: (tx: Db, m: Meeting) => Promise<string | null>): SideEffect<Meeting, MeetingContext> {
  return async (e) => {
    const m = e.record;
    const [kind] = await e.tx.select().from(meetingKinds).where(eq(meetingKinds.code, m.kind));
    const to = (
      await e.tx
        .select({ email: people.email })
        .from(meetingAttendees)
        .innerJoin(people, eq(people.id, meetingAttendees.personId))
        .where(and(eq(meetingAttendees.meetingId, m.id), isNull(people.disabledAt)))
    )
      .map((r) => r.email?.trim())
      .filter((x): x is string => !!x);
    if (to.length === 0) return;
    const decisions = await e.tx.select().from(meetingDecisions).where(eq(meetingDecisions.meetingId, m.id)).orderBy(asc(meetingDecisions.seq));
    const actions = await e.tx
      .select({ a: meetingActions, owner: people.displayName })
      .from(meetingActions)
      .leftJoin(people, eq(people.id, meetingActions.ownerId))
      .where(eq(meetingActions.meetingId, m.id))
      .orderBy(asc(meetingActions.seq));
    const file = await fileName(e.tx, m);
    const kindName = kind?.name ?? m.kind;
    const list = (xs: string[]) => (xs.length ? xs : ['（なし）']);
    const text = [
      `${kindName}の議事録を共有します。`,
      '',
      '＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝',
      '',
      `会議番号 ：${m.meetingNo}`,
      `会議体 ：${kindName}`,
      `件名 ：${m.title}`,
      `日時 ：${m.endsAt ? jaPeriod(m.startsAt, m.endsAt) : jaDateTime(m.startsAt)}`,
      `場所 ：${m.place}`,
      `承認者 ：${m.approvedByLabel ?? '（なし）'}`,
      '',
      '■議題',
      ...list(m.agenda.map((a, i) => `${i + 1}. ${a}`)),
      '',
      '■決定事項',
      ...list(decisions.map((d) => `${d.seq}. ${d.text}`)),
      '',
      '■宿題',
      ...list(actions.map(({ a, owner }) => `${a.seq}. ${a.title}（担当：${owner ?? '不明'}、期限：${a.dueOn}）`)),
      '',
      '■議事録',
      m.minutes.trim() || '（本文なし）',
      ...(file ? ['', `議事録ファイル ：${file}（Kiban の会議ページからダウンロードできます）`] : []),
      '',
    ].join('\n');
    await enqueueMail(e.tx, clock, {
      recordType: 'meeting',
      recordId: m.id,
      to: [...new Set(to)].sort(),
      subject: `【${platformName}】議事録の共有（${kindName} ${jaDateTime(m.startsAt).slice(0, jaDateTime(m.startsAt).indexOf(')') + 1)}）`,
      text,
      template: 'meeting.minutes_shared',
      createdBy: e.ctx.actor,
    });
  };
}
