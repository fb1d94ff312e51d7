import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InputError } from '../kernel/errors.ts';
import { BusinessCalendar, formatJst, parseJstLocal, toJstYmd } from './index.ts';
import { civilFromDays, daysFromCivil } from './jst.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('JST wall time in and out', () => {
  it.each([
    { jst: '2026-11-24T09:00', utc: '2026-11-24T00:00:00.000Z', out: '2026-11-24T09:00:00+09:00' },
    { jst: '2026-11-24T00:30', utc: '2026-11-23T15:30:00.000Z', out: '2026-11-24T00:30:00+09:00' },
    { jst: '2027-01-01T08:59:59', utc: '2026-12-31T23:59:59.000Z', out: '2027-01-01T08:59:59+09:00' },
    { jst: '2024-02-29T23:59', utc: '2024-02-29T14:59:00.000Z', out: '2024-02-29T23:59:00+09:00' },
  ])('$jst JST is $utc', ({ jst, utc, out }) => {
    const d = parseJstLocal(jst);
    expect(d.toISOString()).toBe(utc);
    expect(formatJst(d)).toBe(out);
  });

  it('shows milliseconds only when there are some', () => {
    expect(formatJst(new Date('2026-11-24T00:00:00.5Z'))).toBe('2026-11-24T09:00:00.500+09:00');
  });

  it('gives the JST calendar date of an instant', () => {
    expect(toJstYmd(new Date('2026-12-31T15:00:00Z'))).toBe('2027-01-01');
    expect(toJstYmd(new Date('2026-12-31T14:59:59.999Z'))).toBe('2026-12-31');
  });

  it.each(['2026-02-30T10:00', '2026-11-24 10:00', '2026-11-24T24:00', '2026-11-24T10:60', '2026-11-24', '2026-11-24T10:00Z', 'x'])(
    'refuses %j with calendar.bad_datetime',
    (s) => {
      const err = thrown(() => parseJstLocal(s));
      expect(err).toBeInstanceOf(InputError);
      expect(err).toMatchObject({ key: 'calendar.bad_datetime', fields: { datetime: { params: { value: s } } } });
    },
  );

  it('day-number arithmetic round-trips across the whole supported range and leap years', () => {
    for (let day = daysFromCivil(1960, 1, 1); day <= daysFromCivil(2060, 12, 31); day++) {
      const { y, m, d } = civilFromDays(day);
      expect(daysFromCivil(y, m, d)).toBe(day);
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(civilFromDays(daysFromCivil(2100, 3, 1) - 1)).toEqual({ y: 2100, m: 2, d: 28 });
    expect(civilFromDays(daysFromCivil(2000, 3, 1) - 1)).toEqual({ y: 2000, m: 2, d: 29 });
  });
});

describe('independence from the server time zone (process.env.TZ)', () => {
  const probe = () => {
    const cal = new BusinessCalendar();
    return [
      formatJst(cal.nextOpening(parseJstLocal('2026-11-20T18:00'))),
      formatJst(cal.addBusinessHours(parseJstLocal('2026-12-28T17:00'), 2)),
      formatJst(cal.nextBusinessDayDeadline(new Date('2026-11-23T15:30:00Z'))),
      String(cal.isBusinessDay(new Date('2026-11-23T15:00:00Z'))),
      String(cal.isBusinessTime(new Date('2026-11-24T08:44:59Z'))),
    ];
  };
  const expected = [
    '2026-11-24T09:00:00+09:00',
    '2027-01-04T10:15:00+09:00',
    '2026-11-25T17:45:00+09:00',
    'true',
    'true',
  ];

  it.each(['UTC', 'America/Los_Angeles', 'Europe/London', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Tokyo'])(
    'gives the same answers with TZ=%s set at run time',
    (tz) => {
      const saved = process.env.TZ;
      try {
        process.env.TZ = tz;
        expect(probe()).toEqual(expected);
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    },
  );

  it('gives the same answers in a process started with TZ=America/Los_Angeles', () => {
    const index = new URL('./index.ts', import.meta.url).href;
    const code = `const m = await import(${JSON.stringify(index)});
      const c = new m.BusinessCalendar();
      console.log(JSON.stringify([m.formatJst(c.nextOpening(m.parseJstLocal('2026-11-20T18:00'))), new Date(0).getHours()]));`;
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      env: { ...process.env, TZ: 'America/Los_Angeles' },
      encoding: 'utf8',
    });
    expect(JSON.parse(stdout.trim())).toEqual(['2026-11-24T09:00:00+09:00', 16]);
  });
});
