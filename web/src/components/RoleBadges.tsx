import { Badge, Group, type GroupProps } from '@mantine/core';
import { roleLabel, useT } from '../i18n';

const ROLE_COLORS: Record<string, string> = {
  supervisor: 'grape',
  vendor_lead: 'indigo',
  vendor_manager: 'blue',
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
    <Badge color={ROLE_COLORS[role] ?? 'gray'} variant="light" tt="none" data-role={role}>
      {roleLabel(t, role)}
    </Badge>
  );
}

export function RoleBadges({ roles, ...rest }: { roles: readonly string[] } & GroupProps) {
  const unique = [...new Set(roles)];
  return (
    <Group gap={4} {...rest}>
      {unique.map((r) => (
        <RoleBadge key={r} role={r} />
      ))}
    </Group>
  );
}
