import { describe, expect, it } from 'vitest';
import { InputError } from '../kernel/errors.ts';
import {
  BusinessCalendar,
  DEFAULT_BUSINESS_HOURS,
  formatJst,
  MAINTENANCE_BUSINESS_HOURS,
  parseJstLocal,
} from './index.ts';

// November 2026: Fri 20, Sat 21, Sun 22, Mon 23 (勤労感謝の日), Tue 24, …, Fri 27, Sat 28, Sun 29, Mon 30.
const cal = new BusinessCalendar();
const mie = new BusinessCalendar(MAINTENANCE_BUSINESS_HOURS);
const at = (jst: string) => parseJstLocal(jst);
const fmt = (d: Date) => formatJst(d);
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('business hours are the half-open interval 09:00–17:45 JST on business days', () => {
  it.each([
    { when: '2026-11-24T08:59', open: false, what: 'a minute before opening' },
    { when: '2026-11-24T09:00', open: true, what: 'exactly at opening' },
    { when: '2026-11-24T12:00', open: true, what: 'midday' },
    { when: '2026-11-24T17:44', open: true, what: 'the last minute' },
    { when: '2026-11-24T17:45', open: false, what: 'exactly at closing (already closed)' },
    { when: '2026-11-21T10:00', open: false, what: 'Saturday morning' },
    { when: '2026-11-23T10:00', open: false, what: '勤労感謝の日 morning' },
    { when: '2026-12-29T10:00', open: false, what: 'the year-end closure' },
  ])('$when ($what) → business time: $open', ({ when, open }) => {
    expect(cal.isBusinessTime(at(when))).toBe(open);
  });

  it.each([
    { instant: '2026-11-24T00:00:00Z', open: true, what: '00:00Z is 09:00 JST' },
    { instant: '2026-11-23T23:59:59.999Z', open: false, what: 'a millisecond before 09:00 JST' },
    { instant: '2026-11-24T08:44:59.999Z', open: true, what: 'a millisecond before 17:45 JST' },
    { instant: '2026-11-24T08:45:00Z', open: false, what: '08:45Z is 17:45 JST' },
    { instant: '2026-11-23T18:00:00-09:00', open: true, what: 'an explicit -09:00 offset that is Tuesday noon JST' },
  ])('an instant given with an explicit offset: $what', ({ instant, open }) => {
    expect(cal.isBusinessTime(new Date(instant))).toBe(open);
  });

  it('reads a Date as its JST calendar date, not its UTC date', () => {
    expect(cal.isBusinessDay(new Date('2026-11-23T15:00:00Z'))).toBe(true); // Tue 00:00 JST, Mon in UTC
    expect(cal.isBusinessDay(new Date('2026-11-22T15:00:00Z'))).toBe(false); // Mon 23rd 00:00 JST, a holiday
  });

  it('has 8.75 hours in a day by default (N §2.4)', () => {
    expect(DEFAULT_BUSINESS_HOURS).toEqual({ open: '09:00', close: '17:45' });
    expect(cal.hoursPerDay).toBe(8.75);
  });
});

describe('next opening', () => {
  it.each([
    { from: '2026-11-24T09:00', to: '2026-11-24T09:00', what: 'exactly at opening it is open now' },
    { from: '2026-11-24T12:34', to: '2026-11-24T12:34', what: 'during hours it is open now' },
    { from: '2026-11-24T00:00', to: '2026-11-24T09:00', what: 'after midnight it opens at 09:00 the same day' },
    { from: '2026-11-24T07:00', to: '2026-11-24T09:00', what: 'early morning waits for 09:00' },
    { from: '2026-11-24T17:45', to: '2026-11-25T09:00', what: 'exactly at closing waits for tomorrow' },
    { from: '2026-11-27T18:00', to: '2026-11-30T09:00', what: 'a level-C trouble detected Friday 18:00 is picked up Monday 09:00' },
    { from: '2026-11-20T18:00', to: '2026-11-24T09:00', what: 'Friday evening before a Monday holiday waits until Tuesday' },
    { from: '2026-11-21T10:00', to: '2026-11-24T09:00', what: 'Saturday before a Monday holiday waits until Tuesday' },
    { from: '2026-12-28T17:45', to: '2027-01-04T09:00', what: 'after 御用納め the next opening is 御用始め' },
    { from: '2026-05-01T18:00', to: '2026-05-07T09:00', what: 'Golden Week 2026 (5/2–5/6) is skipped' },
    { from: '2019-04-26T17:45', to: '2019-05-07T09:00', what: 'the 10-day Golden Week of the 2019 era change is skipped' },
  ])('$what', ({ from, to }) => {
    expect(fmt(cal.nextOpening(at(from)))).toBe(`${to}:00+09:00`);
  });

  it('returns a new Date equal to the instant when open, keeping milliseconds', () => {
    const t = new Date('2026-11-24T01:02:03.456Z');
    const r = cal.nextOpening(t);
    expect(r.getTime()).toBe(t.getTime());
    expect(r).not.toBe(t);
  });
});

describe('adding business hours', () => {
  it.each([
    { from: '2026-11-24T10:00', hours: 0, to: '2026-11-24T10:00:00', what: 'zero hours during business time changes nothing' },
    { from: '2026-11-24T10:00', hours: 1.5, to: '2026-11-24T11:30:00', what: '1.5 hours within the same morning' },
    { from: '2026-11-24T09:00', hours: 0.1, to: '2026-11-24T09:06:00', what: 'a tenth of an hour is 6 minutes' },
    { from: '2026-11-24T09:00', hours: 1 / 3, to: '2026-11-24T09:20:00', what: 'a third of an hour is 20 minutes' },
    { from: '2026-11-24T16:45', hours: 1, to: '2026-11-24T17:45:00', what: 'a budget ending exactly at closing is due at 17:45' },
    { from: '2026-11-24T09:00', hours: 8.75, to: '2026-11-24T17:45:00', what: 'a full day from opening is due at closing' },
    { from: '2026-11-24T09:00', hours: 8.76, to: '2026-11-25T09:00:36', what: 'a little more than a day spills into the next morning' },
    { from: '2026-11-24T16:45', hours: 2, to: '2026-11-25T10:00:00', what: 'hours left at closing carry over to the next opening' },
    { from: '2026-11-24T17:00', hours: 1, to: '2026-11-25T09:15:00', what: 'a 1-hour response asked at 17:00 is due 09:15 next day' },
    { from: '2026-11-24T06:00', hours: 1, to: '2026-11-24T10:00:00', what: 'starting before opening counts from 09:00' },
    { from: '2026-11-24T20:00', hours: 1, to: '2026-11-25T10:00:00', what: 'starting after closing counts from the next opening' },
    { from: '2026-11-27T17:00', hours: 1, to: '2026-11-30T09:15:00', what: 'Friday 17:00 + 1 h skips the weekend to Monday 09:15' },
    { from: '2026-11-20T17:00', hours: 1, to: '2026-11-24T09:15:00', what: 'Friday 17:00 + 1 h skips the weekend and 勤労感謝の日' },
    { from: '2026-11-21T12:00', hours: 0.25, to: '2026-11-24T09:15:00', what: 'Saturday + 15 min lands on Tuesday 09:15' },
    { from: '2024-02-10T12:00', hours: 1, to: '2024-02-13T10:00:00', what: 'the 振替休日 2024-02-12 is skipped' },
    { from: '2026-12-28T17:00', hours: 2, to: '2027-01-04T10:15:00', what: 'New Year: 45 min before the closure, 75 min after it' },
    { from: '2019-04-26T17:00', hours: 1, to: '2019-05-07T09:15:00', what: 'the 2019 Golden Week is skipped in one step' },
    { from: '2026-11-25T09:00', hours: 35, to: '2026-11-30T17:45:00', what: 'four full days Wednesday to Monday (weekend between)' },
  ])('$what', ({ from, hours, to }) => {
    expect(fmt(cal.addBusinessHours(at(from), hours))).toBe(`${to}+09:00`);
  });

  it('zero hours outside business time is the next opening', () => {
    expect(fmt(cal.addBusinessHours(at('2026-11-27T18:00'), 0))).toBe('2026-11-30T09:00:00+09:00');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s hours with calendar.bad_hours', (hours) => {
    const err = thrown(() => cal.addBusinessHours(at('2026-11-24T10:00'), hours));
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ key: 'calendar.bad_hours', fields: { hours: { key: 'calendar.bad_hours' } } });
  });

  it('refuses to run past the end of the holiday data', () => {
    const err = thrown(() => cal.addBusinessHours(at('2050-12-28T17:00'), 2));
    expect(err).toMatchObject({ key: 'calendar.out_of_range', params: { value: '2051-01-01' } });
  });
});

describe('"by the next business day" (翌開庁日まで) deadlines', () => {
  it.each([
    { from: '2026-11-27T18:00', due: '2026-11-30T17:45', what: 'a level-C VM failure detected Friday 18:00 must be restored by Monday 17:45' },
    { from: '2026-11-27T10:00', due: '2026-11-30T17:45', what: 'detected Friday morning, also due Monday 17:45' },
    { from: '2026-11-24T10:00', due: '2026-11-25T17:45', what: 'detected Tuesday, due Wednesday closing' },
    { from: '2026-11-24T00:30', due: '2026-11-25T17:45', what: 'detected Tuesday 00:30 JST (still Monday in UTC), due Wednesday' },
    { from: '2026-11-28T11:00', due: '2026-11-30T17:45', what: 'detected Saturday, due Monday' },
    { from: '2026-11-20T18:00', due: '2026-11-24T17:45', what: 'detected Friday before 勤労感謝の日, due Tuesday' },
    { from: '2026-12-28T10:00', due: '2027-01-04T17:45', what: 'detected on 御用納め, due on 御用始め' },
    { from: '2026-12-31T23:59', due: '2027-01-04T17:45', what: 'detected on New Year’s Eve, due on 御用始め' },
  ])('$what', ({ from, due }) => {
    expect(fmt(cal.nextBusinessDayDeadline(at(from)))).toBe(`${due}:00+09:00`);
  });
});

describe('counting business days over [from, to)', () => {
  it.each([
    { from: '2026-11-23', to: '2026-11-30', n: 4, what: 'the week of 勤労感謝の日 has 4 (Tue–Fri)' },
    { from: '2026-11-24', to: '2026-11-24', n: 0, what: 'an empty range has none' },
    { from: '2026-11-24', to: '2026-11-25', n: 1, what: 'a one-day range counts its first day' },
    { from: '2026-11-30', to: '2026-11-23', n: -4, what: 'a reversed range counts negatively' },
    { from: '2026-12-01', to: '2027-01-01', n: 20, what: 'December 2026 has 20 (23 weekdays less 12/29–31)' },
    { from: '2026-01-01', to: '2027-01-01', n: 240, what: 'the whole of 2026 has 240' },
    { from: '2019-04-27', to: '2019-05-07', n: 0, what: 'the 2019 Golden Week has none' },
    { from: '2019-05-06', to: '2019-04-27', n: 0, what: 'a reversed range with none is 0, not -0' },
  ])('$what', ({ from, to, n }) => {
    expect(cal.countBusinessDays(from, to)).toBe(n);
  });

  it('adds up over consecutive ranges', () => {
    const a = cal.countBusinessDays('2026-01-01', '2026-05-15');
    const b = cal.countBusinessDays('2026-05-15', '2026-12-31');
    expect(a + b).toBe(cal.countBusinessDays('2026-01-01', '2026-12-31'));
  });

  it('names the bad end of the range', () => {
    expect(thrown(() => cal.countBusinessDays('2026-02-30', '2026-03-01'))).toMatchObject({
      key: 'calendar.bad_date',
      fields: { from: { key: 'calendar.bad_date', params: { value: '2026-02-30' } } },
    });
    expect(thrown(() => cal.countBusinessDays('2026-03-01', '2026/03/09'))).toMatchObject({ fields: { to: {} } });
  });
});

describe('the next business day', () => {
  it.each([
    { from: '2026-11-20', next: '2026-11-24' },
    { from: '2026-11-24', next: '2026-11-25' },
    { from: '2026-12-28', next: '2027-01-04' },
    { from: '2015-09-18', next: '2015-09-24' }, // Silver Week 2015: 9/19–9/23
  ])('after $from comes $next', ({ from, next }) => {
    expect(cal.nextBusinessDay(from)).toBe(next);
  });
});

describe('a deployment with M’s maintenance hours 08:00–20:00', () => {
  it.each([
    { when: '2026-11-24T07:59', open: false },
    { when: '2026-11-24T08:00', open: true },
    { when: '2026-11-24T18:00', open: true },
    { when: '2026-11-24T19:59', open: true },
    { when: '2026-11-24T20:00', open: false },
    { when: '2026-11-23T12:00', open: false },
  ])('$when → business time: $open', ({ when, open }) => {
    expect(mie.isBusinessTime(at(when))).toBe(open);
  });

  it('opens at 08:00, carries hours past 20:00 and sets deadlines at 20:00', () => {
    expect(mie.hoursPerDay).toBe(12);
    expect(fmt(mie.nextOpening(at('2026-11-27T20:00')))).toBe('2026-11-30T08:00:00+09:00');
    expect(fmt(mie.addBusinessHours(at('2026-11-24T19:00'), 2))).toBe('2026-11-25T09:00:00+09:00');
    expect(fmt(mie.nextBusinessDayDeadline(at('2026-11-27T21:00')))).toBe('2026-11-30T20:00:00+09:00');
  });
});

describe('deployment configuration', () => {
  it('defaults to N’s 09:00–17:45 with no extra closed days', () => {
    expect(cal.open).toBe('09:00');
    expect(cal.close).toBe('17:45');
    expect(cal.extraClosedDates).toEqual([]);
    expect(new BusinessCalendar({ close: '18:00' }).open).toBe('09:00');
  });

  it.each([
    { config: { open: '9:00' }, field: 'open', key: 'calendar.bad_time' },
    { config: { open: '0900' }, field: 'open', key: 'calendar.bad_time' },
    { config: { close: '25:00' }, field: 'close', key: 'calendar.bad_time' },
    { config: { close: '17:60' }, field: 'close', key: 'calendar.bad_time' },
    { config: { open: '09:00', close: '09:00' }, field: 'close', key: 'calendar.close_not_after_open' },
    { config: { open: '18:00', close: '09:00' }, field: 'close', key: 'calendar.close_not_after_open' },
    { config: { extraClosedDates: ['2026-13-01'] }, field: 'extraClosedDates[0]', key: 'calendar.bad_date' },
  ])('rejects $config naming the field $field', ({ config, field, key }) => {
    const err = thrown(() => new BusinessCalendar(config));
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ key, fields: { [field]: { key } } });
  });

  it('closes extra dates of the deployment (e.g. a prefectural closure) on top of the law', () => {
    const local = new BusinessCalendar({ extraClosedDates: ['2026-11-24'] });
    expect(local.isBusinessDay('2026-11-24')).toBe(false);
    expect(local.closedReason('2026-11-24')).toBe('extra_closed');
    expect(fmt(local.nextOpening(at('2026-11-20T18:00')))).toBe('2026-11-25T09:00:00+09:00');
    expect(cal.isBusinessDay('2026-11-24')).toBe(true);
  });

  it('reports the years it can answer for', () => {
    expect(cal.coveredYears).toEqual({ from: 1970, to: 2050 });
  });
});

describe('bad instants and dates', () => {
  it('refuses an Invalid Date with calendar.bad_instant', () => {
    expect(thrown(() => cal.isBusinessTime(new Date('nonsense')))).toMatchObject({ key: 'calendar.bad_instant' });
    expect(thrown(() => cal.nextOpening(new Date(Number.NaN)))).toMatchObject({ key: 'calendar.bad_instant' });
  });

  it.each(['2026-02-30', '2026-2-3', '20261124', '2026-11-24T00:00', ''])('refuses the date %j', (ymd) => {
    expect(thrown(() => cal.isBusinessDay(ymd))).toMatchObject({ key: 'calendar.bad_date' });
  });

  it('refuses instants before the holiday data', () => {
    expect(thrown(() => cal.nextOpening(at('1969-12-31T10:00')))).toMatchObject({ key: 'calendar.out_of_range' });
  });
});
