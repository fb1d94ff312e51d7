/**
 * Instance naming rule (CMDB-9, N §3.10.3.3): the name carries the system service level so that, in
 * an incident, the higher-level VMs can be found in vCenter at a glance. The rule is a configurable
 * pattern (see config.ts); this file only fills its placeholders and tests a name.
 */
export type Level = 'A' | 'B' | 'C';
export type Environment = 'production' | 'dev_test';

export interface NamingContext {
  level: Level;
  environment: Environment;
  systemCode?: string | null;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function namingRegex(pattern: string, ctx: NamingContext): RegExp {
  const filled = pattern
    .replaceAll('{level}', ctx.level.toLowerCase())
    .replaceAll('{env}', ctx.environment === 'production' ? 'p' : 't')
    .replaceAll('{system}', ctx.systemCode ? escape(ctx.systemCode) : '[a-z0-9]+');
  return new RegExp(filled, 'i');
}

/** A name that satisfies the default rule, shown in the error message as an example. */
export function exampleName(ctx: NamingContext): string {
  return `${ctx.level.toLowerCase()}${ctx.environment === 'production' ? 'p' : 't'}-${ctx.systemCode ?? 'sys'}-web01`;
}

export function followsNamingRule(name: string, pattern: string, ctx: NamingContext): boolean {
  return namingRegex(pattern, ctx).test(name);
}
