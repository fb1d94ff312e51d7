import { Badge, Group, type GroupProps, Tooltip } from '@mantine/core';
import { roleLabel, useT } from '../i18n';

const ROLE_COLORS: Record<string, string> = {
  supervisor: 'grape',
  vendor_lead: 'indigo',
  vendor_manager: 'blue',
  config_manager: 'violet',
  operator: 'cyan',
  system_owner: 'teal',
  ict_manager: 'green',
  security_officer: 'red',
  datacenter_provider: 'orange',
  admin: 'dark',
};

export function RoleBadge({ role }: { role: string }) {
  const t = useT();
  return (
    <Badge color={ROLE_COLORS[role] ?? 'gray'} variant="light" tt="none" style={{ flexShrink: 0 }} data-role={role}>
      {roleLabel(t, role)}
    </Badge>
  );
}

/** Role badges; with `max`, the rest collapse into a "+N" badge whose tooltip lists them. */
export function RoleBadges({ roles, max, ...rest }: { roles: readonly string[]; max?: number } & GroupProps) {
  const t = useT();
  const unique = [...new Set(roles)];
  const shown = max !== undefined && unique.length > max ? unique.slice(0, max) : unique;
  const hidden = unique.slice(shown.length);
  return (
    <Group gap={4} {...rest}>
      {shown.map((r) => (
        <RoleBadge key={r} role={r} />
      ))}
      {hidden.length > 0 && (
        <Tooltip label={hidden.map((r) => roleLabel(t, r)).join('、')}>
          <Badge color="gray" variant="outline" tt="none">
            +{hidden.length}
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}
