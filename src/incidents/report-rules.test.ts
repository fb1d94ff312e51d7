import { describe, expect, it } from 'vitest';
import { BusinessCalendar, parseJstLocal } from '../calendar/index.ts';
import { bigrams } from '../kernel/grams.ts';
import { findReportRule, planReports, REPORT_RULES } from './report-rules.ts';
import { priorityOf } from './service.ts';

const cal = new BusinessCalendar();
const jst = (s: string) => parseJstLocal(s);
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('N §3.2.3.6 report-time tables as data (INC-7)', () => {
  it('has one row per scope × level × priority × business hours (4 platform + 12 VM rows)', () => {
    expect(REPORT_RULES).toHaveLength(16);
    expect(new Set(REPORT_RULES.map((r) => r.key)).size).toBe(16);
  });

  type Case = [name: string, scope: 'platform' | 'vm', level: 'A' | 'B' | 'C' | null, priority: 'high' | 'low', detected: string, firstDue: string | null, channel: string | null, cadence: string];
  it.each<Case>([
    ['a platform-wide High trouble in business hours: first report within 5 minutes, phone and mail, hourly', 'platform', null, 'high', '2026-11-24T10:00', '2026-11-24T10:05', 'phone_and_mail', 'hourly'],
    ['a platform-wide High trouble at night: within 30 minutes by phone, hourly by phone', 'platform', null, 'high', '2026-11-24T20:00', '2026-11-24T20:30', 'phone', 'hourly'],
    ['a platform-wide Low trouble in business hours: within 30 minutes, then on each development', 'platform', null, 'low', '2026-11-24T10:00', '2026-11-24T10:30', 'phone_and_mail', 'on_progress'],
    ['a platform-wide Low trouble at night: no first report, final report only', 'platform', null, 'low', '2026-11-24T20:00', null, null, 'final_only'],
    ['a level-A VM High trouble in business hours: within 15 minutes', 'vm', 'A', 'high', '2026-11-24T10:00', '2026-11-24T10:15', 'phone_and_mail', 'hourly'],
    ['a level-A VM High trouble on Saturday 03:00: within 30 minutes by phone', 'vm', 'A', 'high', '2026-11-28T03:00', '2026-11-28T03:30', 'phone', 'hourly'],
    ['a level-B VM High trouble in business hours: within 30 minutes', 'vm', 'B', 'high', '2026-11-24T10:00', '2026-11-24T10:30', 'phone_and_mail', 'hourly'],
    ['a level-B VM High trouble at night: within 60 minutes by phone', 'vm', 'B', 'high', '2026-11-24T23:30', '2026-11-25T00:30', 'phone', 'hourly'],
    ['a level-B VM Low trouble in business hours: within 60 minutes', 'vm', 'B', 'low', '2026-11-24T10:00', '2026-11-24T11:00', 'phone_and_mail', 'on_progress'],
    ['a level-C VM High trouble in business hours: within 60 minutes', 'vm', 'C', 'high', '2026-11-24T16:00', '2026-11-24T17:00', 'phone_and_mail', 'hourly'],
    ['a level-C VM High trouble out of hours: final report only', 'vm', 'C', 'high', '2026-11-24T18:00', null, null, 'final_only'],
    ['a level-C VM Low trouble even in business hours: final report only', 'vm', 'C', 'low', '2026-11-24T10:00', null, null, 'final_only'],
    ['17:45 is already out of business hours (half-open 09:00–17:45)', 'vm', 'A', 'high', '2026-11-24T17:45', '2026-11-24T18:15', 'phone', 'hourly'],
    ['a weekday national holiday (勤労感謝の日 2026-11-23) is out of business hours', 'platform', null, 'high', '2026-11-23T10:00', '2026-11-23T10:30', 'phone', 'hourly'],
    ['the year-end closure (12/30) is out of business hours', 'vm', 'B', 'high', '2026-12-30T11:00', '2026-12-30T12:00', 'phone', 'hourly'],
  ])('%s', (_name, scope, level, priority, detected, firstDue, channel, cadence) => {
    const plan = planReports(cal, { scope, level, priority, detectedAt: jst(detected) });
    expect(iso(plan.firstReportDueAt)).toBe(firstDue ? jst(firstDue).toISOString() : null);
    expect(plan.rule.firstChannel).toBe(channel);
    expect(plan.rule.continuing).toBe(cadence);
  });

  it('recipients: every owner for a platform-wide trouble, the affected owners for a VM trouble', () => {
    expect(findReportRule('platform', null, 'high', true).recipients).toEqual(['supervisor', 'all_system_owners', 'ict_manager']);
    expect(findReportRule('vm', 'B', 'low', false).recipients).toEqual(['supervisor', 'affected_system_owners', 'ict_manager']);
  });

  it('recovery targets by level: A 60 minutes, B 4 hours, C by the next business day (a level-C VM down Friday 18:00 is due Monday 17:45)', () => {
    expect(iso(planReports(cal, { scope: 'vm', level: 'A', priority: 'high', detectedAt: jst('2026-11-27T18:00') }).recoveryDueAt)).toBe(jst('2026-11-27T19:00').toISOString());
    expect(iso(planReports(cal, { scope: 'vm', level: 'B', priority: 'high', detectedAt: jst('2026-11-27T18:00') }).recoveryDueAt)).toBe(jst('2026-11-27T22:00').toISOString());
    expect(iso(planReports(cal, { scope: 'vm', level: 'C', priority: 'low', detectedAt: jst('2026-11-27T18:00') }).recoveryDueAt)).toBe(jst('2026-11-30T17:45').toISOString());
    expect(planReports(cal, { scope: 'platform', level: null, priority: 'high', detectedAt: jst('2026-11-27T18:00') }).recoveryDueAt).toBeNull();
  });
});

describe('urgency (INC-5)', () => {
  const none = { citizenServiceStopped: false, citizenImpact: false, financialOrReputation: false, wideImpact: false };
  it.each(Object.keys(none))('%s alone makes it High', (k) => {
    expect(priorityOf({ ...none, [k]: true })).toBe('high');
  });
  it('none of the four criteria → Low', () => expect(priorityOf(none)).toBe('low'));
});

describe('bigrams for similar-inquiry search (INC-4)', () => {
  it('splits Japanese into two-character grams, normalising width and case, breaking at punctuation', () => {
    expect(bigrams('ＶＭの起動')).toEqual(['vm', 'mの', 'の起', '起動'].sort());
    expect(bigrams('仮想マシン、停止')).toEqual(['仮想', '想マ', 'マシ', 'シン', '停止'].sort());
  });
});
