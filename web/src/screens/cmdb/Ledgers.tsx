import { Badge, CloseButton, Group, Select, Stack, Table, type TableProps, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { listDepartments } from '../../api';
import { FilterInput } from '../../components/FilterInput';
import { ListFooter } from '../../components/ListFooter';
import { ListPage } from '../../components/ListPage';
import { type Column, LedgerTable } from '../../components/LedgerTable';
import { PAGE_SIZE, type ListParamsState, useListParams } from '../../components/useListParams';
import { type DictKey, type T, useDateTime, useT } from '../../i18n';
import {
  CI_STATUSES,
  type CiStatus,
  type ClusterRow,
  type HostRow,
  type LedgerKind,
  type ListQuery,
  listCis,
  type SiteRow,
  type SystemRow,
  type VmRow,
} from './cmdbApi';
import { CiLink, dictOr, ExportButtons, LevelBadge, LedgerTabs, num, StatusBadge, statusLabel, useInfraVisible } from './common';

/** A Select bound to one search parameter of the list (server-side filter). */
export function ParamSelect({
  params,
  name,
  label,
  data,
  w = 160,
}: {
  params: ListParamsState;
  name: string;
  label: string;
  data: { value: string; label: string }[];
  w?: number;
}) {
  return (
    <Select
      aria-label={label}
      placeholder={label}
      data={data}
      value={params.extra(name)}
      onChange={(v) => params.setExtra(name, v)}
      clearable
      allowDeselect
      w={{ base: '100%', xs: w }}
      data-testid={`filter-${name}`}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function StatusFilter({ params }: { params: ListParamsState }) {
  const t = useT();
  return (
    <ParamSelect
      params={params}
      name="status"
      label={t('cmdb.filter.status')}
      data={CI_STATUSES.map((s) => ({ value: s, label: statusLabel(t, s) }))}
    />
  );
}
function LevelFilter({ params }: { params: ListParamsState }) {
  const t = useT();
  return (
    <ParamSelect
      params={params}
      name="serviceLevel"
      label={t('cmdb.filter.serviceLevel')}
      data={['A', 'B', 'C'].map((l) => ({ value: l, label: t('cmdb.level', { level: l }) }))}
      w={170}
    />
  );
}
function EnvFilter({ params }: { params: ListParamsState }) {
  const t = useT();
  return (
    <ParamSelect
      params={params}
      name="environment"
      label={t('cmdb.filter.environment')}
      data={(['production', 'dev_test'] as const).map((e) => ({ value: e, label: t(`cmdb.env.${e}`) }))}
    />
  );
}
function DepartmentFilter({ params }: { params: ListParamsState }) {
  const t = useT();
  const q = useQuery({
    queryKey: ['departments', 'all-for-filter'],
    queryFn: ({ signal }) => listDepartments({ pageSize: 500, sort: 'code' }, signal),
    staleTime: 5 * 60_000,
  });
  const data = (q.data?.items ?? []).filter((d) => d.kind === 'prefecture').map((d) => ({ value: d.id, label: d.name }));
  // A system owner sees one department: no point in a filter.
  if (data.length <= 1) return null;
  return <ParamSelect params={params} name="departmentId" label={t('cmdb.filter.department')} data={data} w={220} />;
}

/** Chip for a filter set by a link (e.g. "this host's VMs"), with the name passed in the URL. */
function RefChip({ params, name, label }: { params: ListParamsState; name: string; label: DictKey }) {
  const t = useT();
  const [, setSp] = useSearchParams();
  if (!params.extra(name)) return null;
  const shown = params.extra(`${name}Name`);
  return (
    <Badge
      variant="light"
      size="lg"
      tt="none"
      data-testid={`chip-${name}`}
      rightSection={
        <CloseButton
          size="xs"
          aria-label={t('list.clearFilter')}
          onClick={() =>
            setSp(
              (prev) => {
                const next = new URLSearchParams(prev);
                for (const k of [name, `${name}Name`, 'page']) next.delete(k);
                return next;
              },
              { replace: false },
            )
          }
        />
      }
    >
      {t(label)}
      {shown ? `: ${shown}` : ''}
    </Badge>
  );
}

/** A ledger list's state in the URL and its server query; `defaultSort` applies while no column is chosen. */
export function useLedger<R>(kind: LedgerKind, filterNames: string[], defaultSort = '') {
  const t = useT();
  const params = useListParams();
  const { q, page, extra } = params;
  const sort = params.sort || defaultSort;
  const filters: ListQuery = Object.fromEntries(filterNames.map((n) => [n, extra(n) ?? undefined]));
  const query: ListQuery = { q, sort, ...filters };
  const result = useQuery({
    queryKey: ['cmdb', kind, 'list', { ...query, page }],
    queryFn: ({ signal }) => listCis<R>(kind, { ...query, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  /** Spread into LedgerTable: rows, sort state and the empty-list text. */
  const table = { rows: result.data?.items, sort, onSort: params.setSort, empty: t('list.empty') };
  const footer = result.data && (
    <ListFooter total={result.data.total} page={page} pageSize={result.data.pageSize || PAGE_SIZE} onPage={params.setPage} />
  );
  return { kind, params, query, result, table, footer };
}

export function Ledger({ children }: { children: ReactNode }) {
  return (
    <Stack gap="sm">
      <LedgerTabs />
      {children}
    </Stack>
  );
}

/**
 * A ledger screen: tabs, title, toolbar (search, status, the given filters, export), the
 * column-defined table and the pager. `table` replaces the column-defined table when given.
 */
export function LedgerPage<R extends { id: string }>({
  ledger,
  title,
  testId,
  minWidth = 900,
  filters,
  tableTestId,
  styles = thNowrap,
  columns = [],
  table,
  children,
}: {
  ledger: ReturnType<typeof useLedger<R>>;
  title: string;
  testId: string;
  minWidth?: number;
  filters?: ReactNode;
  tableTestId?: string;
  styles?: TableProps['styles'];
  columns?: Column<R>[];
  table?: ReactNode;
  children?: ReactNode;
}) {
  const { kind, params, query, result, footer } = ledger;
  return (
    <Ledger>
      <ListPage
        title={title}
        testId={testId}
        minWidth={minWidth}
        toolbar={
          <>
            <FilterInput value={params.q} onChange={params.setQ} />
            <StatusFilter params={params} />
            {filters}
            <ExportButtons kind={kind} query={query} />
          </>
        }
        error={result.error}
        loading={result.isFetching}
        table={table ?? <LedgerTable {...ledger.table} ledgerId={`cmdb.${kind}`} styles={styles} data-testid={tableTestId} columns={columns} />}
        footer={footer}
      />
      {children}
    </Ledger>
  );
}

export const nowrap = { whiteSpace: 'nowrap' } as const;
export const thNowrap = { th: nowrap } as const;

/** Cell props shared by the ledgers' columns. */
export const mono = { ff: 'monospace' } as const;
export const nowrapTd = { style: nowrap } as const;
export const monoNowrap = { ff: 'monospace', style: nowrap } as const;
export const right = { ta: 'right' } as const;

/** The status column (sortable unless told otherwise). */
export function statusColumn<R extends { status: CiStatus }>(t: T, sortable = true): Column<R> {
  return { key: 'status', header: t('cmdb.f.status'), sortKey: sortable ? 'status' : undefined, render: (r) => <StatusBadge status={r.status} size="sm" /> };
}
/** The site column, linked, sorted by site. */
export function siteColumn<R extends { siteId: string; siteName?: string | null }>(t: T): Column<R> {
  return { key: 'site', header: t('cmdb.f.site'), sortKey: 'site', render: (r) => <CiLink kind="site" id={r.siteId}>{r.siteName}</CiLink> };
}

export function SystemsLedger() {
  const t = useT();
  const fmt = useDateTime();
  const ledger = useLedger<SystemRow>('system', ['status', 'serviceLevel', 'environment', 'departmentId']);
  const { params } = ledger;
  return (
    <LedgerPage
      ledger={ledger}
      title={t('cmdb.ledger.systems')}
      testId="cmdb-systems"
      filters={
        <>
          <LevelFilter params={params} />
          <EnvFilter params={params} />
          <DepartmentFilter params={params} />
        </>
      }
      tableTestId="systems-table"
      columns={[
        { key: 'name', header: t('cmdb.f.name'), sortKey: 'name', ellipsis: 'grow', render: (s) => <CiLink kind="system" id={s.id}>{s.name}</CiLink> },
        { key: 'code', header: t('cmdb.f.code'), sortKey: 'code', td: mono, render: (s) => s.code ?? '—' },
        { key: 'level', header: t('cmdb.col.level'), sortKey: 'serviceLevel', render: (s) => <LevelBadge level={s.serviceLevel} /> },
        { key: 'department', header: t('cmdb.f.department'), sortKey: 'department', ellipsis: 220, render: (s) => s.departmentName ?? '—' },
        { key: 'environment', header: t('cmdb.f.environment'), sortKey: 'environment', td: nowrapTd, render: (s) => t(`cmdb.env.${s.environment}`) },
        { key: 'vmCount', header: t('cmdb.f.vmCount'), td: right, render: (s) => num(s.vmCount) },
        statusColumn(t),
        { key: 'updatedAt', header: t('cmdb.f.updatedAt'), sortKey: 'updatedAt', td: nowrapTd, render: (s) => fmt(s.updatedAt) },
      ]}
    />
  );
}

export function VmsLedger() {
  const t = useT();
  const infra = useInfraVisible();
  const ledger = useLedger<VmRow>('vm', [
    'status',
    'serviceLevel',
    'environment',
    'departmentId',
    'systemId',
    'hostId',
    'clusterId',
    'siteId',
    'powerState',
  ]);
  const { params } = ledger;
  return (
    <LedgerPage
      ledger={ledger}
      title={t('cmdb.ledger.vms')}
      testId="cmdb-vms"
      minWidth={1000}
      filters={
        <>
          <LevelFilter params={params} />
          <EnvFilter params={params} />
          <DepartmentFilter params={params} />
          <RefChip params={params} name="systemId" label="cmdb.filter.bySystem" />
          <RefChip params={params} name="hostId" label="cmdb.filter.byHost" />
          <RefChip params={params} name="clusterId" label="cmdb.filter.byCluster" />
          <RefChip params={params} name="siteId" label="cmdb.filter.bySite" />
        </>
      }
      tableTestId="vms-table"
      columns={[
        { key: 'name', header: t('cmdb.f.name'), sortKey: 'name', td: mono, render: (v) => <CiLink kind="vm" id={v.id}>{v.name}</CiLink> },
        {
          key: 'system',
          header: t('cmdb.f.system'),
          sortKey: 'system',
          ellipsis: 'grow',
          render: (v) => (
            <CiLink kind="system" id={v.systemId}>
              {v.systemName}
            </CiLink>
          ),
        },
        { key: 'department', header: t('cmdb.f.department'), ellipsis: 'grow', defaultHidden: true, render: (v) => v.departmentName ?? '—' },
        { key: 'level', header: t('cmdb.col.level'), sortKey: 'serviceLevel', render: (v) => <LevelBadge level={v.effectiveServiceLevel} /> },
        {
          key: 'host',
          header: t('cmdb.f.host'),
          sortKey: 'host',
          td: mono,
          render: (v) => (
            <CiLink kind="host" id={v.hostId} enabled={!!infra}>
              {v.hostName ?? t('cmdb.rel.unplaced')}
            </CiLink>
          ),
        },
        { key: 'cluster', header: t('cmdb.f.cluster'), td: mono, defaultHidden: true, render: (v) => v.clusterName ?? '—' },
        { key: 'ip', header: t('cmdb.f.ip'), td: mono, defaultHidden: true, render: (v) => v.nics.map((n) => n.ip).filter(Boolean).join(', ') || '—' },
        { key: 'os', header: t('cmdb.f.os'), ellipsis: 'grow', render: (v) => v.os ?? '—' },
        { key: 'vcpu', header: t('cmdb.f.vcpu'), sortKey: 'vcpu', td: right, render: (v) => num(v.vcpu) },
        // The unit in the cells keeps the headers (and so the columns) narrow.
        { key: 'memoryGib', header: t('cmdb.col.memory'), label: t('cmdb.f.memoryGib'), sortKey: 'memoryGib', td: right, render: (v) => t('cmdb.col.gib', { n: num(v.memoryGib) }) },
        { key: 'diskGib', header: t('cmdb.col.disk'), label: t('cmdb.f.diskGib'), sortKey: 'diskGib', td: right, render: (v) => t('cmdb.col.gib', { n: num(v.diskGib) }) },
        { key: 'environment', header: t('cmdb.f.environment'), defaultHidden: true, render: (v) => (v.environment ? t(`cmdb.env.${v.environment}`) : '—') },
        { key: 'powerState', header: t('cmdb.f.powerState'), defaultHidden: true, render: (v) => (v.powerState ? t(`cmdb.power.${v.powerState}`) : '—') },
        statusColumn(t),
      ]}
    />
  );
}

export function HostsLedger() {
  const t = useT();
  const ledger = useLedger<HostRow>('host', ['status', 'siteId', 'clusterId']);
  const { params } = ledger;
  return (
    <LedgerPage
      ledger={ledger}
      title={t('cmdb.ledger.hosts')}
      testId="cmdb-hosts"
      filters={
        <>
          <RefChip params={params} name="clusterId" label="cmdb.filter.byCluster" />
          <RefChip params={params} name="siteId" label="cmdb.filter.bySite" />
        </>
      }
      tableTestId="hosts-table"
      columns={[
        { key: 'name', header: t('cmdb.f.name'), sortKey: 'name', td: monoNowrap, render: (h) => <CiLink kind="host" id={h.id}>{h.name}</CiLink> },
        siteColumn(t),
        { key: 'cluster', header: t('cmdb.f.cluster'), sortKey: 'cluster', td: mono, render: (h) => <CiLink kind="cluster" id={h.clusterId}>{h.clusterName ?? '—'}</CiLink> },
        { key: 'ip', header: t('cmdb.f.ip'), td: mono, render: (h) => h.ip ?? '—' },
        { key: 'os', header: t('cmdb.f.os'), ellipsis: 'grow', render: (h) => h.os ?? '—' },
        { key: 'model', header: t('cmdb.f.model'), ellipsis: 'grow', defaultHidden: true, render: (h) => h.model ?? '—' },
        { key: 'serialNumber', header: t('cmdb.f.serialNumber'), td: mono, defaultHidden: true, render: (h) => h.serialNumber ?? '—' },
        { key: 'middlewareVersion', header: t('cmdb.f.middlewareVersion'), ellipsis: 'grow', defaultHidden: true, render: (h) => h.middlewareVersion ?? '—' },
        { key: 'cpuCores', header: t('cmdb.f.cpuCores'), sortKey: 'cpuCores', td: right, render: (h) => num(h.cpuCores) },
        { key: 'memoryGib', header: t('cmdb.f.memoryGib'), sortKey: 'memoryGib', td: right, render: (h) => num(h.memoryGib) },
        statusColumn(t),
      ]}
    />
  );
}

/** Sites (few: a plain table) above the clusters ledger (filter, sort, page, export). */
export function SitesClustersView() {
  const t = useT();
  const sites = useQuery({
    queryKey: ['cmdb', 'site', 'list', 'all'],
    queryFn: ({ signal }) => listCis<SiteRow>('site', { pageSize: 100, sort: 'code' }, signal),
  });
  const { params, query, result, table, footer } = useLedger<ClusterRow>('cluster', ['status', 'siteId']);
  const siteOptions = (sites.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }));
  return (
    <Ledger>
      <Stack gap="md" data-testid="cmdb-sites">
        <Title order={2}>{t('cmdb.ledger.sites')}</Title>
        <Group justify="space-between" align="flex-end">
          <Title order={3} size="h4">
            {t('cmdb.kind.site')}
          </Title>
          <ExportButtons kind="site" query={{}} />
        </Group>
        <Table.ScrollContainer minWidth={640}>
          <LedgerTable
            rows={sites.data?.items}
            highlightOnHover={false}
            data-testid="sites-table"
            columns={[
              { key: 'name', header: t('cmdb.f.name'), render: (s) => <CiLink kind="site" id={s.id}>{s.name}</CiLink> },
              { key: 'code', header: t('cmdb.f.code'), td: mono, render: (s) => s.code },
              { key: 'role', header: t('cmdb.f.role'), render: (s) => dictOr(t, `cmdb.siteRole.${s.role}`, s.role) },
              { key: 'address', header: t('cmdb.f.address'), ellipsis: 'grow', render: (s) => s.address ?? '—' },
              statusColumn(t, false),
            ]}
          />
        </Table.ScrollContainer>
        <ListPage
          title={t('cmdb.kind.cluster')}
          testId="cmdb-clusters"
          minWidth={700}
          toolbar={
            <>
              <FilterInput value={params.q} onChange={params.setQ} />
              <StatusFilter params={params} />
              <ParamSelect params={params} name="siteId" label={t('cmdb.filter.site')} data={siteOptions} w={200} />
              <ExportButtons kind="cluster" query={query} />
            </>
          }
          error={result.error ?? sites.error}
          loading={result.isFetching}
          table={
            <LedgerTable
              {...table}
              ledgerId="cmdb.cluster"
              data-testid="clusters-table"
              columns={[
                { key: 'name', header: t('cmdb.f.name'), sortKey: 'name', td: mono, render: (c) => <CiLink kind="cluster" id={c.id}>{c.name}</CiLink> },
                siteColumn(t),
                { key: 'ha', header: t('cmdb.f.haEnabled'), render: (c) => (c.haEnabled ? 'ON' : 'OFF') },
                { key: 'drs', header: t('cmdb.f.drsEnabled'), render: (c) => (c.drsEnabled ? 'ON' : 'OFF') },
                statusColumn(t),
              ]}
            />
          }
          footer={footer}
        />
      </Stack>
    </Ledger>
  );
}
