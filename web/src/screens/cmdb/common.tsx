import { Anchor, Badge, Button, Divider, Group, Tabs } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { ApiError, api } from '../../api';
import { type T, useT } from '../../i18n';
import { isDictKey } from '../../i18n/lang';
import { hasPermission, useUser } from '../../session';
import { type CiStatus, exportHref, type LedgerKind, type ListQuery, type ScreenKind, SEGMENT } from './cmdbApi';

export const STATUS_COLORS: Record<CiStatus, string> = {
  building: 'blue',
  acceptance: 'violet',
  active: 'green',
  stopped: 'orange',
  retired: 'gray',
};
export const LEVEL_COLORS: Record<string, string> = { A: 'red', B: 'yellow', C: 'gray' };

/** A dictionary key built from data (status, field name …), falling back to the raw value. */
export function dictOr(t: T, key: string, fallback: string): string {
  return isDictKey(key) ? t(key) : fallback;
}
export const statusLabel = (t: T, s: string) => dictOr(t, `cmdb.status.${s}`, s);
export const fieldLabel = (t: T, f: string) => dictOr(t, `cmdb.f.${f}`, f);

export function StatusBadge({ status, size = 'md' }: { status: CiStatus; size?: 'sm' | 'md' | 'lg' }) {
  const t = useT();
  return (
    <Badge color={STATUS_COLORS[status] ?? 'gray'} variant="light" tt="none" size={size} data-testid="status-badge" data-status={status}>
      {statusLabel(t, status)}
    </Badge>
  );
}

export function LevelBadge({ level }: { level: string | null | undefined }) {
  if (!level) return <>—</>;
  return (
    <Badge color={LEVEL_COLORS[level] ?? 'gray'} variant="outline" tt="none" size="sm" w={28} px={0}>
      {level}
    </Badge>
  );
}

export function yesNo(t: T, v: unknown): string {
  return v === true ? t('cmdb.bool.true') : v === false ? t('cmdb.bool.false') : '—';
}

export const num = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('ja-JP'));

/** May the user edit the ledger? The server checks again on every write. */
export function useCanManage(): boolean {
  return hasPermission(useUser(), 'cmdb.manage');
}

/**
 * Platform equipment (hosts, clusters, sites, capacity) is visible only to roles that see every
 * department; a system owner gets 403 from those endpoints. Asks the server once rather than
 * duplicating its role list here.
 */
export function useInfraVisible(): boolean | undefined {
  const q = useQuery({
    queryKey: ['cmdb', 'infra-visible'],
    queryFn: async ({ signal }) => {
      try {
        await api.get('/api/cmdb/sites', { pageSize: 1 }, signal);
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.status === 403) return false;
        throw e;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  return q.data;
}

/** Link to a CI page, or plain text when the target is not viewable by this user. */
export function CiLink({ kind, id, children, enabled = true }: { kind: ScreenKind; id: string | null | undefined; children: ReactNode; enabled?: boolean }) {
  if (!id) return <>{children ?? '—'}</>;
  if (!enabled) return <>{children}</>;
  return (
    <Anchor component={Link} to={`/cmdb/${SEGMENT[kind]}/${id}`} data-testid={`link-${kind}`} size="sm">
      {children}
    </Anchor>
  );
}

export function ExportButtons({ kind, query }: { kind: LedgerKind; query: ListQuery }) {
  const t = useT();
  return (
    <Group gap="xs" title={t('cmdb.export.title')}>
      <Button component="a" href={exportHref(kind, 'xlsx', query)} variant="default" size="sm" data-testid="export-xlsx" download>
        {t('cmdb.export.xlsx')}
      </Button>
      <Button component="a" href={exportHref(kind, 'csv', query)} variant="default" size="sm" data-testid="export-csv" download>
        {t('cmdb.export.csv')}
      </Button>
    </Group>
  );
}

const TABS = [
  { value: 'systems', label: 'cmdb.tab.systems', infra: false },
  { value: 'vms', label: 'cmdb.tab.vms', infra: false },
  { value: 'contacts', label: 'cmdb.tab.contacts', infra: false },
  { value: 'hosts', label: 'cmdb.tab.hosts', infra: true },
  { value: 'sites', label: 'cmdb.tab.sites', infra: true },
  { value: 'storage', label: 'cmdb.tab.storage', infra: true },
  { value: 'network-devices', label: 'cmdb.tab.networkDevices', infra: true },
  { value: 'management-servers', label: 'cmdb.tab.managementServers', infra: true },
  { value: 'contracts', label: 'cmdb.tab.contracts', infra: true },
] as const;
/** Checks on the ledger (not ledgers themselves), shown after a divider. */
const CHECK_TABS = [
  { value: 'retirement', label: 'cmdb.tab.retirement' },
  { value: 'naming', label: 'cmdb.tab.naming' },
] as const;

/**
 * One line of compact tabs (scrolling sideways when the screen is narrower than the eleven of
 * them), so that the ledger starts at the same height on every tab.
 */
const TAB_STYLES = {
  list: { flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden', scrollbarWidth: 'thin' },
  tab: { flexShrink: 0, whiteSpace: 'nowrap', paddingInline: 8, fontSize: 13 },
} as const;

/** Tabs between the ledgers; the platform ledgers only for those who may see them. */
export function LedgerTabs() {
  const t = useT();
  const infra = useInfraVisible();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const seg = pathname.split('/')[2] ?? 'systems';
  const current = seg === 'clusters' ? 'sites' : seg;
  return (
    <Tabs value={current} onChange={(v) => v && navigate(`/cmdb/${v}`)} styles={TAB_STYLES} data-testid="cmdb-tabs">
      <Tabs.List>
        {TABS.filter((x) => !x.infra || infra).map((x) => (
          <Tabs.Tab key={x.value} value={x.value} data-testid={`cmdb-tab-${x.value}`}>
            {t(x.label)}
          </Tabs.Tab>
        ))}
        <Divider orientation="vertical" mx={4} my={6} style={{ flexShrink: 0 }} aria-hidden />
        {CHECK_TABS.map((x) => (
          <Tabs.Tab key={x.value} value={x.value} data-testid={`cmdb-tab-${x.value}`}>
            {t(x.label)}
          </Tabs.Tab>
        ))}
      </Tabs.List>
    </Tabs>
  );
}
