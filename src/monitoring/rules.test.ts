import { describe, expect, it } from 'vitest';
import type { ItemType, Observation } from './model.ts';
import { DEFAULTS, judge } from './rules.ts';

const rule = (type: ItemType, key: string, params: Record<string, unknown> = {}) => ({
  type,
  key,
  params,
  thresholds: DEFAULTS.thresholds,
  severity: 'critical' as const,
});
const v = (value: string): Observation => ({ outcome: 'value', value });

describe('item rules (M §3.3 table 3-6)', () => {
  it.each([
    ['CPU 85 % is not over the warning threshold', rule('resource', 'system.cpu.util'), '85', null],
    ['CPU 85.1 % is a warning', rule('resource', 'system.cpu.util'), '85.1', 'warning'],
    ['CPU 90 % is still a warning', rule('resource', 'system.cpu.util'), '90', 'warning'],
    ['CPU 90.5 % is critical', rule('resource', 'system.cpu.util'), '90.5', 'critical'],
    ['memory with 8 % available is 92 % used: critical', rule('resource', 'vm.memory.size[pavailable]'), '8', 'critical'],
    ['memory with 50 % available is fine', rule('resource', 'vm.memory.size[pavailable]'), '50', null],
    ['disk 87 % used is a warning', rule('resource', 'vfs.fs.size[/,pused]'), '87', 'warning'],
    ['a running Windows service is fine', rule('service', 'service.info[W3SVC,state]'), '0', null],
    ['a stopped Windows service is a detection', rule('service', 'service.info[W3SVC,state]'), '6', 'critical'],
    ['no such service is a detection', rule('service', 'service.info[W3SVC,state]'), '255', 'critical'],
    ['no httpd process is below the lower bound', rule('process', 'proc.num[httpd]'), '0', 'critical'],
    ['one httpd process meets the default lower bound', rule('process', 'proc.num[httpd]'), '1', null],
    ['a lower bound of 2 makes one process a detection', rule('process', 'proc.num[httpd]', { minCount: 2 }), '1', 'critical'],
  ])('%s', (_name, r, value, expected) => {
    expect(judge(r, v(value))?.severity).toBe(expected);
  });

  it('a failed ping or HTTP check is a detection of the item severity; unknown counts neither way', () => {
    expect(judge(rule('icmp', 'icmpping'), { outcome: 'down', detail: 'lost' })?.severity).toBe('critical');
    expect(judge(rule('http', 'web'), { outcome: 'value', value: '200', ms: 12 })).toMatchObject({ severity: null, numeric: 12 });
    expect(judge(rule('resource', 'system.cpu.util'), { outcome: 'unknown', detail: 'agent timeout' })).toBeUndefined();
    expect(judge(rule('resource', 'system.cpu.util'), v('abc'))).toBeUndefined();
  });
});
