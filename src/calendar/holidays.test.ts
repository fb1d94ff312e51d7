import holidayJp from '@holiday-jp/holiday_jp';
import { describe, expect, it } from 'vitest';
import { InputError } from '../kernel/errors.ts';
import { BusinessCalendar, HOLIDAY_DATA_RANGE, holidayName } from './index.ts';
import { weekdayOfDay, ymdToDay } from './jst.ts';

const cal = new BusinessCalendar();
const { from: FIRST_YEAR, to: LAST_YEAR } = HOLIDAY_DATA_RANGE;
const YEARS = Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i);
const RAW = holidayJp.holidays as Record<string, { week_en: string; name: string }>;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const closedTable = (rows: [string, string][]) => rows.map(([ymd, why]) => ({ ymd, why }));

describe('the holiday data the calendar relies on', () => {
  it('covers a contiguous range of years that includes the platform period (1970–2050 in 2.5.1)', () => {
    expect(FIRST_YEAR).toBeLessThanOrEqual(2015);
    expect(LAST_YEAR).toBeGreaterThanOrEqual(2035);
    const present = new Set(Object.keys(RAW).map((k) => Number(k.slice(0, 4))));
    for (const y of YEARS) expect(present.has(y), `year ${y} present`).toBe(true);
    expect({ from: FIRST_YEAR, to: LAST_YEAR }).toEqual({ from: 1970, to: 2050 });
  });

  it('agrees with our own weekday arithmetic on every holiday it lists', () => {
    for (const [ymd, h] of Object.entries(RAW)) expect(WEEKDAYS[weekdayOfDay(ymdToDay(ymd))], ymd).toBe(h.week_en);
  });

  it('never lets a listed holiday be a business day', () => {
    for (const ymd of Object.keys(RAW)) expect(cal.isBusinessDay(ymd), ymd).toBe(false);
  });
});

describe.each(YEARS)('year %i', (year) => {
  it('New Year 1/1 is 元日 and the year-end closure 12/29–1/3 is closed', () => {
    expect(holidayName(`${year}-01-01`)).toBe('元日');
    for (const md of ['01-01', '01-02', '01-03', '12-29', '12-30', '12-31']) {
      expect(cal.isBusinessDay(`${year}-${md}`), `${year}-${md}`).toBe(false);
    }
  });

  it('has a plausible number of holidays (12–22) and business days (235–255)', () => {
    const holidays = Object.keys(RAW).filter((k) => k.startsWith(`${year}-`)).length;
    expect(holidays).toBeGreaterThanOrEqual(12);
    expect(holidays).toBeLessThanOrEqual(22);
    const businessDays = cal.countBusinessDays(`${year}-01-01`, `${year + 1}-01-01`);
    expect(businessDays).toBeGreaterThanOrEqual(235);
    expect(businessDays).toBeLessThanOrEqual(255);
  });
});

describe('2019: the imperial era change (令和改元)', () => {
  it.each(
    closedTable([
      ['2019-04-27', 'Saturday'],
      ['2019-04-28', 'Sunday'],
      ['2019-04-29', '昭和の日'],
      ['2019-04-30', '国民の休日 (休日)'],
      ['2019-05-01', '即位の日 (休日（祝日扱い）)'],
      ['2019-05-02', '国民の休日 (休日)'],
      ['2019-05-03', '憲法記念日'],
      ['2019-05-04', 'みどりの日 (Saturday)'],
      ['2019-05-05', 'こどもの日 (Sunday)'],
      ['2019-05-06', '振替休日'],
    ]),
  )('$ymd is closed in the 10-day Golden Week ($why)', ({ ymd }) => {
    expect(cal.isBusinessDay(ymd)).toBe(false);
  });

  it('offices close Friday 4/26 and reopen Tuesday 5/7', () => {
    expect(cal.isBusinessDay('2019-04-26')).toBe(true);
    expect(cal.nextBusinessDay('2019-04-26')).toBe('2019-05-07');
    expect(cal.countBusinessDays('2019-04-27', '2019-05-07')).toBe(0);
  });

  it('names 4/30, 5/1 and 5/2 as holidays, and 10/22 (即位礼正殿の儀) too', () => {
    expect(holidayName('2019-04-30')).toBe('休日');
    expect(holidayName('2019-05-01')).toBe('休日（祝日扱い）');
    expect(holidayName('2019-05-02')).toBe('休日');
    expect(holidayName('2019-10-22')).toBe('休日（祝日扱い）');
  });

  it('has no Emperor’s Birthday in 2019 (12/23 was a working Monday)', () => {
    expect(cal.isBusinessDay('2019-12-23')).toBe(true);
    expect(cal.isBusinessDay('2020-02-24')).toBe(false); // 天皇誕生日 2/23 (Sun) → 振替休日
  });
});

describe('Olympic years: holidays moved by the Tokyo 2020 special measures law', () => {
  it.each([
    { ymd: '2020-07-23', open: false, name: '海の日' },
    { ymd: '2020-07-24', open: false, name: 'スポーツの日' },
    { ymd: '2020-08-10', open: false, name: '山の日' },
    { ymd: '2020-07-20', open: true, name: null }, // the usual third Monday of July
    { ymd: '2020-08-11', open: true, name: null },
    { ymd: '2020-10-12', open: true, name: null }, // the usual second Monday of October
    { ymd: '2021-07-22', open: false, name: '海の日' },
    { ymd: '2021-07-23', open: false, name: 'スポーツの日' },
    { ymd: '2021-08-08', open: false, name: '山の日' },
    { ymd: '2021-08-09', open: false, name: '山の日 振替休日' },
    { ymd: '2021-07-19', open: true, name: null },
    { ymd: '2021-08-11', open: true, name: null },
    { ymd: '2021-10-11', open: true, name: null },
  ])('$ymd → business day: $open ($name)', ({ ymd, open, name }) => {
    expect(cal.isBusinessDay(ymd)).toBe(open);
    expect(holidayName(ymd)).toBe(name);
  });
});

describe('substitute holidays (振替休日) and sandwiched days (国民の休日)', () => {
  it.each([
    { ymd: '2024-02-12', name: '建国記念の日 振替休日', why: '2/11 fell on a Sunday' },
    { ymd: '2025-11-24', name: '勤労感謝の日 振替休日', why: '11/23 fell on a Sunday' },
    { ymd: '2026-05-06', name: 'こどもの日 振替休日', why: '5/3 fell on a Sunday, pushed past 5/4–5/5' },
    { ymd: '2015-09-22', name: '休日', why: 'between 敬老の日 9/21 and 秋分の日 9/23' },
    { ymd: '2026-09-22', name: '休日', why: 'between 敬老の日 9/21 and 秋分の日 9/23' },
  ])('$ymd is closed: $why', ({ ymd, name }) => {
    expect(cal.isBusinessDay(ymd)).toBe(false);
    expect(cal.closedReason(ymd)).toBe('holiday');
    expect(holidayName(ymd)).toBe(name);
  });

  it('a holiday falling on Saturday gives no substitute (勤労感謝の日 2024-11-23 → Monday 11/25 open)', () => {
    expect(holidayName('2024-11-23')).toBe('勤労感謝の日');
    expect(cal.isBusinessDay('2024-11-25')).toBe(true);
  });

  it('a holiday falling on Sunday moves to Monday (春分の日 2027-03-21 → 3/22 closed)', () => {
    expect(holidayName('2027-03-21')).toBe('春分の日');
    expect(cal.isBusinessDay('2027-03-22')).toBe(false);
  });
});

describe('closed reasons and the year-end closure', () => {
  it.each([
    { ymd: '2026-12-26', reason: 'weekend' },
    { ymd: '2026-12-28', reason: null }, // 御用納め: last working day
    { ymd: '2026-12-29', reason: 'year_end' },
    { ymd: '2026-12-31', reason: 'year_end' },
    { ymd: '2027-01-01', reason: 'holiday' },
    { ymd: '2027-01-02', reason: 'weekend' },
    { ymd: '2027-01-04', reason: null }, // 御用始め
    { ymd: '2024-01-02', reason: 'year_end' }, // a Tuesday, not a national holiday
    { ymd: '2024-01-03', reason: 'year_end' },
    { ymd: '2024-01-04', reason: null },
  ])('$ymd → $reason', ({ ymd, reason }) => {
    expect(cal.closedReason(ymd)).toBe(reason);
    expect(cal.isBusinessDay(ymd)).toBe(reason === null);
  });

  it('an ordinary weekday has no holiday name', () => {
    expect(holidayName('2026-11-24')).toBeNull();
  });
});

describe('dates outside the holiday data are refused, not guessed', () => {
  const outside = [`${FIRST_YEAR - 1}-06-01`, `${LAST_YEAR + 1}-06-01`];
  it.each(outside)('isBusinessDay(%s) throws calendar.out_of_range', (ymd) => {
    const err = (() => {
      try {
        cal.isBusinessDay(ymd);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ key: 'calendar.out_of_range', params: { value: ymd, from: FIRST_YEAR, to: LAST_YEAR } });
  });

  it.each(outside)('holidayName(%s) throws too', (ymd) => {
    expect(() => holidayName(ymd)).toThrow(InputError);
  });

  it('the last covered business day has no next business day to offer', () => {
    expect(() => cal.nextBusinessDay(`${LAST_YEAR}-12-28`)).toThrow(/calendar.out_of_range/);
  });
});
