import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { InputError } from '../kernel/errors.ts';
import { BusinessCalendar, calendarMessages, registerCalendarCommands } from './index.ts';

function run(args: string[], calendar = new BusinessCalendar()): { lines: string[]; help: string; error?: unknown } {
  const lines: string[] = [];
  let help = '';
  const capture = (s: string): void => {
    help += s;
  };
  const program = new Command('kiban').exitOverride().configureOutput({ writeOut: capture, writeErr: capture });
  registerCalendarCommands(program, { calendar, out: (line) => lines.push(line) });
  try {
    program.parse(args, { from: 'user' });
  } catch (error) {
    return { lines, help, error };
  }
  return { lines, help };
}

describe('kiban calendar', () => {
  it.each([
    { args: ['is-business-day', '2026-11-24'], out: 'true', what: 'a Tuesday is a business day' },
    { args: ['is-business-day', '2026-11-23'], out: 'false', what: '勤労感謝の日 is not' },
    { args: ['is-business-day', '2026-12-30'], out: 'false', what: 'the year-end closure is not' },
    { args: ['next-opening', '2026-11-20T18:00'], out: '2026-11-24T09:00:00+09:00', what: 'Friday evening opens Tuesday' },
    { args: ['next-opening', '2026-11-24T10:00'], out: '2026-11-24T10:00:00+09:00', what: 'open now stays now' },
    { args: ['add-business-hours', '2026-11-27T17:00', '1'], out: '2026-11-30T09:15:00+09:00', what: 'Friday 17:00 + 1 h' },
    { args: ['add-business-hours', '2026-11-24T10:00', '1.5'], out: '2026-11-24T11:30:00+09:00', what: 'fractional hours' },
    { args: ['add-business-hours', '2026-11-24T10:00', '0'], out: '2026-11-24T10:00:00+09:00', what: 'zero hours' },
  ])('$what: calendar $args → $out', ({ args, out }) => {
    const r = run(['calendar', ...args]);
    expect(r.error).toBeUndefined();
    expect(r.lines).toEqual([out]);
  });

  it('uses the deployment’s hours', () => {
    const mie = new BusinessCalendar({ open: '08:00', close: '20:00' });
    expect(run(['calendar', 'next-opening', '2026-11-24T07:00'], mie).lines).toEqual(['2026-11-24T08:00:00+09:00']);
  });

  it.each([
    { args: ['is-business-day', '2026-02-30'], key: 'calendar.bad_date', field: 'date' },
    { args: ['is-business-day', '2026/11/24'], key: 'calendar.bad_date', field: 'date' },
    { args: ['is-business-day', '2099-01-05'], key: 'calendar.out_of_range', field: 'date' },
    { args: ['next-opening', '2026-02-30T10:00'], key: 'calendar.bad_datetime', field: 'datetime' },
    { args: ['next-opening', 'tomorrow'], key: 'calendar.bad_datetime', field: 'datetime' },
    { args: ['add-business-hours', '2026-11-24T10:00', 'two'], key: 'calendar.bad_hours', field: 'hours' },
    { args: ['add-business-hours', '2026-11-24T10:00', '-1'], key: 'calendar.bad_hours', field: 'hours' },
    { args: ['add-business-hours', '2026-11-24T10:00', '1e3'], key: 'calendar.bad_hours', field: 'hours' },
    { args: ['add-business-hours', '2026-13-01T10:00', '1'], key: 'calendar.bad_datetime', field: 'datetime' },
  ])('refuses calendar $args with $key', ({ args, key, field }) => {
    const r = run(['calendar', ...args]);
    expect(r.error).toBeInstanceOf(InputError);
    expect(r.error).toMatchObject({ key, fields: { [field]: { key } } });
    expect(r.lines).toEqual([]);
  });

  it('leaves a missing argument to commander', () => {
    const r = run(['calendar', 'add-business-hours', '2026-11-24T10:00']);
    expect(r.error).toBeInstanceOf(CommanderError);
    expect(r.error).toMatchObject({ code: 'commander.missingArgument' });
  });

  it.each(['is-business-day', 'next-opening', 'add-business-hours'])('describes %s in English and Japanese', (sub) => {
    const r = run(['calendar', sub, '--help']);
    expect(r.error).toMatchObject({ code: 'commander.helpDisplayed' });
    expect(r.help).toMatch(/[A-Za-z]{4,}/);
    expect(r.help).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });
});

describe('calendar message catalogue', () => {
  const used = [
    'calendar.bad_date',
    'calendar.bad_datetime',
    'calendar.bad_instant',
    'calendar.bad_time',
    'calendar.close_not_after_open',
    'calendar.bad_hours',
    'calendar.bad_month',
    'calendar.bad_cap',
    'calendar.out_of_range',
  ];

  it('has the same keys in Japanese and English, covering every key the module throws', () => {
    expect(Object.keys(calendarMessages.ja).sort()).toEqual(Object.keys(calendarMessages.en).sort());
    expect(Object.keys(calendarMessages.ja).sort()).toEqual([...used].sort());
  });

  it('uses the same placeholders in both languages', () => {
    const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of used) {
      const k = key as keyof typeof calendarMessages.ja;
      expect(ph(calendarMessages.ja[k]), key).toEqual(ph(calendarMessages.en[k]));
    }
  });
});
