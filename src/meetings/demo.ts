import { count } from 'drizzle-orm';
import { civilFromDays, daysFromCivil, dayToYmd, jstDayOf, jstInstant, weekdayOfDay } from '../calendar/jst.ts';
import type { Db } from '../db/connection.ts';
import { actorsByLogin } from '../iam/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { createMeetingService } from './service.ts';
import { meetings } from './schema.ts';

export interface DemoMeetingsSummary {
  meetings: number;
  actionItems: number;
  loaded: boolean;
}

const HOUR = 3600_000;

/**
 * 会議体 for the demo, made through the service as the demo people: last month's 月次報告会 with its
 * minutes approved by the supervisor and shared, a next-maintenance-day decision (four months ahead, past
 * the changes demo's days) and two action items — one done, one overdue in the operator's inbox; this
 * week's 共有会 whose minutes await the lead's approval; next month's 月次報告会 with the monthly report
 * attached by kind and id; a 稼働状況報告会 planned for next week.
 */
export async function loadDemoMeetings(db: Db, clock: Clock): Promise<DemoMeetingsSummary> {
  const [existing] = await db.select({ n: count() }).from(meetings);
  if ((existing?.n ?? 0) > 0) return { meetings: 0, actionItems: 0, loaded: false };
  const who = await actorsByLogin(db, ['manager', 'lead', 'supervisor', 'operator']);
  const mgr = who('manager');
  const lead = who('lead');
  const sup = who('supervisor');
  const op = who('operator');
  const svc = createMeetingService({ db, clock });
  const today = jstDayOf(clock.now().getTime());
  const { y, m } = civilFromDays(today);
  const at = (day: number, h: number) => jstInstant(day, h * HOUR).toISOString();
  const monthDay = (months: number, d: number) => daysFromCivil(y + Math.floor((m - 1 + months) / 12), ((m - 1 + months) % 12 + 12) % 12 + 1, d);
  const step = async (id: string, actor: typeof mgr, action: string, extra: Record<string, unknown> = {}) => {
    const cur = await svc.get(actor, id);
    await svc.act(actor, id, action, { version: cur.version, ...extra });
  };

  // Last month's 月次報告会 (the 10th), minutes shared.
  const last = await svc.create(mgr, { kind: 'monthly_report', startsAt: at(monthDay(-1, 10), 14), endsAt: at(monthDay(-1, 10), 15.5), place: '県庁 5F 第1会議室' });
  const mdFirst = monthDay(4, 1);
  const sat = mdFirst + ((6 - weekdayOfDay(mdFirst) + 7) % 7) + 7;
  await svc.items.addDecision(mgr, last.id, {
    kind: 'maintenance_day',
    text: `次回メンテナンス日を ${dayToYmd(sat)}（土）9:00〜18:00 とする`,
    maintenanceDay: { day: dayToYmd(sat), startsAt: at(sat, 9), endsAt: at(sat, 18) },
  });
  await svc.items.addDecision(mgr, last.id, { text: 'クラスタ2 のメモリ増設を来月の変更として起票する' });
  const a1 = await svc.items.addAction(mgr, last.id, { title: 'クラスタ2 のメモリ増設計画を作成する', ownerId: op.personId!, dueOn: dayToYmd(today - 3) });
  const a2 = await svc.items.addAction(mgr, last.id, { title: 'ソフトウェア修正情報（ESXi パッチ）の適用可否を整理する', ownerId: mgr.personId!, dueOn: dayToYmd(today - 10) });
  await step(last.id, mgr, 'hold');
  const held = await svc.get(mgr, last.id);
  await svc.update(mgr, last.id, {
    version: held.version,
    minutes: '1. 品質目標はすべて達成（可用性 A 99.99%、B 99.95%）。\n2. インシデント 12 件（前月比 −3）。再発防止策を報告。\n3. クラスタ2 のメモリ使用率が 80% を超えたため増設を検討する。',
  });
  await step(last.id, mgr, 'submit');
  await step(last.id, sup, 'approve_by_supervisor');
  await step(last.id, mgr, 'share');
  await svc.items.actOnAction(mgr, a2.id, 'complete', { version: a2.version });
  void a1;

  // This week's 共有会: the manager submitted the minutes; the lead approves them.
  const share = await svc.create(mgr, { kind: 'ict_sharing', startsAt: at(today - 1, 10), place: 'ICTサービスセンター 会議室' });
  await step(share.id, mgr, 'hold');
  const sh = await svc.get(mgr, share.id);
  await svc.update(mgr, share.id, { version: sh.version, minutes: 'インシデント対応状況とナレッジ 3 件（VM 再起動手順ほか）を共有した。' });
  await step(share.id, mgr, 'submit');

  // Next month's 月次報告会 with the monthly report attached by kind and id (the report module's hook).
  const next = await svc.create(mgr, { kind: 'monthly_report', startsAt: at(monthDay(1, 10), 14), endsAt: at(monthDay(1, 10), 15.5), place: '県庁 5F 第1会議室' });
  const prev = civilFromDays(monthDay(0, 1));
  const month = `${prev.y}-${String(prev.m).padStart(2, '0')}`;
  await svc.items.addReference(mgr, next.id, { refKind: 'monthly_report', refId: month, label: `${month} 月次報告書` });
  await svc.create(lead, { kind: 'operation_status', startsAt: at(today + 7, 10), place: '県庁 5F 第2会議室' });
  return { meetings: 4, actionItems: 2, loaded: true };
}
