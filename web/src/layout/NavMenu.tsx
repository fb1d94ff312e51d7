import { NavLink, Stack } from '@mantine/core';
import { Link, matchPath, useLocation } from 'react-router-dom';
import { useT } from '../i18n';
import { MODULES } from '../modules';
import { hasPermission, useUser } from '../session';

export function NavMenu({ onNavigate }: { onNavigate?: () => void }) {
  const t = useT();
  const user = useUser();
  const { pathname } = useLocation();
  return (
    <Stack gap={2} component="nav" aria-label="main">
      {MODULES.filter((m) => hasPermission(user, m.permission)).map((m) => {
        const active = m.path === '/' ? pathname === '/' : !!matchPath({ path: m.path, end: false }, pathname);
        return (
          <NavLink
            key={m.id}
            component={Link}
            to={m.path}
            label={t(m.label)}
            active={active}
            aria-current={active ? 'page' : undefined}
            onClick={onNavigate}
            data-testid={`nav-${m.id}`}
          />
        );
      })}
    </Stack>
  );
}
