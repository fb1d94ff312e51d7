import { describe, expect, it } from 'vitest';
import { type DecisionInput, decide, hostAliveOf, INITIAL_STATE, NEEDS_HOST } from './machine.ts';
import type { Observation } from './model.ts';
import type { ItemRule } from './rules.ts';

/** The per-observation decision shared by polled and pushed values: judge, step, host rule. No I/O. */
const alive: ItemRule = { type: 'icmp', key: 'icmpping', params: {}, thresholds: {}, severity: 'critical' };
const cpu: ItemRule = { type: 'resource', key: 'system.cpu.util', params: {}, thresholds: { warning: 85, critical: 90 }, severity: 'critical' };
const down: Observation = { outcome: 'down', detail: 'no echo reply (3/3 lost)' };
const fresh = { ...INITIAL_STATE, problemSuppressed: false };
const input = (over: Partial<DecisionInput>): DecisionInput => ({ rule: alive, consecutive: 3, isVm: true, before: fresh, obs: down, ...over });

describe('decide', () => {
  it('an unknown or unreadable observation is not judged and keeps only its detail', () => {
    expect(decide(input({ obs: { outcome: 'unknown', detail: 'agent timeout' } }))).toEqual({ judged: false, detail: 'agent timeout' });
    expect(decide(input({ rule: cpu, obs: { outcome: 'value', value: 'n/a' } }))).toEqual({ judged: false, detail: 'value not understood' });
  });

  it('counts a detection without asking for the host until a VM alert would go out', () => {
    const d = decide(input({}));
    expect(d).toMatchObject({ judged: true, next: { state: 'suspect', consecutive: 1 }, text: 'down', lastValue: 'down' });
    expect(d !== NEEDS_HOST && d.judged && d.event).toBeFalsy();
    const third = input({ before: { ...fresh, state: 'suspect', consecutive: 2, consecutiveCritical: 2 } });
    expect(decide(third)).toBe(NEEDS_HOST);
    expect(decide({ ...third, isVm: false })).toMatchObject({ event: { kind: 'problem', severity: 'critical', suppressed: false, suppressedBy: null } });
  });

  it('a VM alert waits while its host is suspect, is suppressed while its host is in problem, and goes out otherwise', () => {
    const third = input({ before: { ...fresh, state: 'suspect', consecutive: 2, consecutiveCritical: 2 } });
    expect(decide(third, { state: 'suspect', itemId: 'h' })).toMatchObject({ next: { state: 'suspect', severity: null, consecutive: 3 } });
    expect(decide(third, { state: 'suspect', itemId: 'h' })).not.toHaveProperty('event');
    expect(decide(third, { state: 'problem', itemId: 'h' })).toMatchObject({ event: { kind: 'problem', suppressed: true, suppressedBy: 'h' } });
    expect(decide(third, null)).toMatchObject({ event: { kind: 'problem', suppressed: false, suppressedBy: null } });
  });

  it('the recovery of a suppressed problem is suppressed too, and needs no host', () => {
    const before = { state: 'problem' as const, severity: 'critical' as const, consecutive: 3, consecutiveCritical: 3, problemSuppressed: true };
    expect(decide(input({ before, obs: { outcome: 'value', value: '1', ms: 0.2 } }))).toMatchObject({
      num: 0.2,
      text: null,
      lastValue: '1',
      event: { kind: 'recovered', severity: 'critical', suppressed: true },
    });
  });

  it('the host rule takes the host item in problem before one still suspect', () => {
    expect(hostAliveOf([{ itemId: 'a', state: 'suspect' }, { itemId: 'b', state: 'problem' }])).toEqual({ itemId: 'b', state: 'problem' });
    expect(hostAliveOf([{ itemId: 'a', state: 'ok' }, { itemId: 'b', state: 'suspect' }])).toEqual({ itemId: 'b', state: 'suspect' });
    expect(hostAliveOf([{ itemId: 'a', state: 'ok' }])).toBeNull();
  });
});
