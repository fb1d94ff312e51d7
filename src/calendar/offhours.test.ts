import { describe, expect, it } from 'vitest';
import { BusinessCalendar, countOffHoursWork, OFF_HOURS_MONTHLY_CAP, offHoursCapExceeded, parseJstLocal } from './index.ts';

const cal = new BusinessCalendar();
const at = (jst: string) => parseJstLocal(jst);

// Storage migrations (ストレージを跨ぐ仮想マシンの移動) done in November 2026.
const novemberWork = [
  at('2026-11-24T19:00'), // Tuesday evening: off-hours
  at('2026-11-21T10:00'), // Saturday: off-hours
  at('2026-11-25T10:00'), // Wednesday morning: business time, does not count
  at('2026-11-23T13:00'), // 勤労感謝の日: off-hours
  at('2026-12-01T19:00'), // December: another month
  at('2026-11-01T08:00'), // Sunday 1st 08:00 JST: off-hours, in November
  new Date('2026-10-31T16:00:00Z'), // = 2026-11-01T01:00 JST: November, off-hours
  new Date('2026-11-30T15:30:00Z'), // = 2026-12-01T00:30 JST: December, not November
];

describe('off-hours work cap (月上限 2 回, N §2.4 ※1)', () => {
  it('defaults to 2 per month', () => {
    expect(OFF_HOURS_MONTHLY_CAP).toBe(2);
  });

  it.each([
    { month: '2026-11', count: 5 },
    { month: '2026-12', count: 2 },
    { month: '2026-10', count: 0 },
  ])('counts $count off-hours works in $month (JST month, business time excluded)', ({ month, count }) => {
    expect(countOffHoursWork(cal, novemberWork, month)).toBe(count);
  });

  it.each([
    { events: [] as Date[], cap: 2, exceeded: false, what: 'no work is within the cap' },
    { events: [at('2026-11-24T19:00'), at('2026-11-25T19:00')], cap: 2, exceeded: false, what: 'a second time is still allowed' },
    {
      events: [at('2026-11-24T19:00'), at('2026-11-25T19:00'), at('2026-11-26T19:00')],
      cap: 2,
      exceeded: true,
      what: 'a third off-hours work in a month exceeds the cap',
    },
    {
      events: [at('2026-11-24T10:00'), at('2026-11-25T10:00'), at('2026-11-26T10:00')],
      cap: 2,
      exceeded: false,
      what: 'work done in business hours never counts',
    },
    { events: [at('2026-11-24T19:00')], cap: 0, exceeded: true, what: 'a cap of 0 forbids any' },
  ])('$what', ({ events, cap, exceeded }) => {
    expect(offHoursCapExceeded(cal, events, '2026-11', cap)).toBe(exceeded);
  });

  it('judges off-hours by the deployment’s hours (19:00 is business time on 08:00–20:00)', () => {
    const mie = new BusinessCalendar({ open: '08:00', close: '20:00' });
    expect(countOffHoursWork(mie, [at('2026-11-24T19:00')], '2026-11')).toBe(0);
  });

  it.each(['2026-13', '2026-1', '202611', ''])('refuses the month %j', (month) => {
    expect(() => countOffHoursWork(cal, [], month)).toThrow(/calendar.bad_month/);
  });

  it('refuses a negative or fractional cap', () => {
    expect(() => offHoursCapExceeded(cal, [], '2026-11', -1)).toThrow(/calendar.bad_cap/);
    expect(() => offHoursCapExceeded(cal, [], '2026-11', 1.5)).toThrow(/calendar.bad_cap/);
  });
});
