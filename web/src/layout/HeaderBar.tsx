import { Burger, Button, Group, Stack, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { RoleBadges } from '../components/RoleBadges';
import { useT } from '../i18n';
import { useSession, userRoleCodes, useUser } from '../session';
import { GlobalSearch, InboxCountBadge } from '../workbench';
import { LanguageSwitch } from './LanguageSwitch';

export function HeaderBar({ navOpened, onToggleNav }: { navOpened: boolean; onToggleNav: () => void }) {
  const t = useT();
  const user = useUser();
  const { logout } = useSession();
  const roles = userRoleCodes(user);

  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
      <Group gap="sm" wrap="nowrap">
        <Burger
          opened={navOpened}
          onClick={onToggleNav}
          hiddenFrom="md"
          size="sm"
          aria-label={navOpened ? t('header.closeNav') : t('header.openNav')}
          data-testid="nav-burger"
        />
        <Text
          component={Link}
          to="/"
          fw={700}
          size="lg"
          c="indigo.9"
          style={{ whiteSpace: 'nowrap', textDecoration: 'none' }}
          data-testid="app-name"
        >
          {t('app.name')}
        </Text>
      </Group>

      <Group gap="md" wrap="nowrap">
        <GlobalSearch />
        <InboxCountBadge />
        <Stack gap={0} align="flex-end" style={{ minWidth: 0 }}>
          <Text size="sm" fw={600} truncate="end" data-testid="header-user-name">
            {user.displayName}
          </Text>
          <Text size="xs" c="dimmed" truncate="end" visibleFrom="sm" data-testid="header-user-department">
            {user.department?.name ?? t('header.noDepartment')}
          </Text>
        </Stack>
        <RoleBadges roles={roles} wrap="nowrap" visibleFrom="lg" data-testid="header-user-roles" />
        <RoleBadges roles={roles} max={1} wrap="nowrap" visibleFrom="sm" hiddenFrom="lg" />
        <LanguageSwitch />
        <Button variant="default" size="xs" onClick={() => void logout()} data-testid="logout-button">
          {t('header.logout')}
        </Button>
      </Group>
    </Group>
  );
}
