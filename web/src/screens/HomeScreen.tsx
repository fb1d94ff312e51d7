import { Box, Card, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router-dom';
import { RoleBadge } from '../components/RoleBadges';
import { roleDescription, useT } from '../i18n';
import { canOpen, MODULES } from '../modules';
import { userRoleCodes, useUser } from '../session';
import { InboxPanel } from '../workbench';

/** A system owner's systems, VMs and open requests (the portal's chunk, loaded only for owners). */
const OwnerHome = lazy(() => import('./portal/OwnerHome'));

export default function HomeScreen() {
  const t = useT();
  const user = useUser();
  const roles = userRoleCodes(user);
  const owner = roles.includes('system_owner');
  const modules = MODULES.filter((m) => m.id !== 'home' && canOpen(user, m));

  return (
    <Stack gap="lg" data-testid="home">
      <div>
        <Title order={2} data-testid="home-greeting">
          {t('home.greeting', { name: user.displayName })}
        </Title>
        {user.department && (
          <Text c="dimmed" size="sm">
            {t('home.department', { department: user.department.name })}
          </Text>
        )}
      </div>

      {owner && (
        <Suspense fallback={null}>
          <OwnerHome />
        </Suspense>
      )}

      <InboxPanel />

      <Stack gap="xs">
        <Title order={3} size="h4">
          {t('home.rolesTitle')}
        </Title>
        {roles.length === 0 ? (
          <Text c="dimmed">{t('home.noRoles')}</Text>
        ) : (
          <Paper withBorder p="md">
            <Stack gap="sm" data-testid="home-roles">
              {roles.map((r) => (
                <Group key={r} gap="md" wrap="nowrap" align="center" data-role={r}>
                  <Box w={{ base: 140, sm: 220 }} style={{ flexShrink: 0 }}>
                    <RoleBadge role={r} />
                  </Box>
                  <Text size="sm">{roleDescription(t, r) ?? ''}</Text>
                </Group>
              ))}
            </Stack>
          </Paper>
        )}
      </Stack>

      <Stack gap="xs">
        <Title order={3} size="h4">
          {t('home.modulesTitle')}
        </Title>
        {modules.length === 0 ? (
          <Text c="dimmed">{t('home.noModules')}</Text>
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {modules.map((m) => (
              <Card key={m.id} component={Link} to={m.path} withBorder padding="lg" radius="md" data-testid={`home-card-${m.id}`}>
                <Text fw={600}>{t(m.label)}</Text>
                <Text size="sm" c="dimmed" mt={4}>
                  {t(m.description)}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </Stack>
    </Stack>
  );
}
