import { describe, expect, it } from 'vitest';
import { BusinessCalendar, parseJstLocal } from '../calendar/index.ts';
import { type DeadlineRule, dueAt, isOverdue } from './index.ts';

const cal = new BusinessCalendar();
const jst = (s: string) => parseJstLocal(s);

describe('dueAt with the business calendar (09:00–17:45 JST, holidays, 12/29–1/3)', () => {
  it.each<[string, string, DeadlineRule, string]>([
    ['a first report 5 minutes after a platform-wide outage, even at night', '2026-11-27T23:58', { minutes: 5 }, '2026-11-28T00:03'],
    ['4 business hours from Friday 16:45 run into Monday', '2026-11-27T16:45', { businessHours: 4 }, '2026-11-30T12:00'],
    ['「翌開庁日まで」 from Friday 18:00 is Monday 17:45', '2026-11-27T18:00', { nextBusinessDay: true }, '2026-11-30T17:45'],
    ['「翌開庁日まで」 on 12/28 skips the year-end closure to 1/4', '2026-12-28T10:00', { nextBusinessDay: true }, '2027-01-04T17:45'],
    ['2 business hours from the eve of 勤労感謝の日 (Mon 11/23 2026 is a holiday)', '2026-11-20T17:00', { businessHours: 2 }, '2026-11-24T10:15'],
  ])('%s', (_name, start, rule, due) => {
    expect(dueAt(cal, jst(start), rule).toISOString()).toBe(jst(due).toISOString());
  });

  it('overdue only when past due and not done', () => {
    const due = jst('2026-11-30T17:45');
    expect(isOverdue(due, jst('2026-11-30T17:45'))).toBe(false);
    expect(isOverdue(due, jst('2026-11-30T17:46'))).toBe(true);
    expect(isOverdue(due, jst('2026-12-01T09:00'), jst('2026-12-01T08:00'))).toBe(false);
    expect(isOverdue(null, jst('2030-01-01T00:00'))).toBe(false);
  });
});
