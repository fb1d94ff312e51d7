import { AppShell, ScrollArea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { PageLoader } from '../components/PageLoader';
import { AppRoutes } from './AppRoutes';
import { HeaderBar } from './HeaderBar';
import { NavMenu } from './NavMenu';

/** Header + collapsible navbar (burger below the `md` breakpoint, i.e. on tablets) + routed main area. */
export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'md', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <HeaderBar navOpened={opened} onToggleNav={toggle} />
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <AppShell.Section grow component={ScrollArea}>
          <NavMenu onNavigate={close} />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<PageLoader />}>
          <AppRoutes />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
