import { NavLink, Stack } from '@mantine/core';
import { Link, matchPath, useLocation } from 'react-router-dom';
import { useT } from '../i18n';
import { canOpen, MODULES } from '../modules';
import { useUser } from '../session';

export function NavMenu({ onNavigate }: { onNavigate?: () => void }) {
  const t = useT();
  const user = useUser();
  const { pathname } = useLocation();
  const visible = MODULES.filter((m) => canOpen(user, m));
  const matches = (path: string) => (path === '/' ? pathname === '/' : !!matchPath({ path, end: false }, pathname));
  // The most specific module is active (/cmdb/import, not also /cmdb).
  const activePath = visible
    .map((m) => m.path)
    .filter(matches)
    .sort((a, b) => b.length - a.length)[0];
  return (
    <Stack gap={2} component="nav" aria-label="main">
      {visible.map((m) => {
        const active = m.path === activePath;
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
