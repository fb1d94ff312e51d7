import { Badge, CloseButton, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { listDepartments } from '../../api';
import { FilterInput } from '../../components/FilterInput';
import { ListFooter } from '../../components/ListFooter';
import { ListPage } from '../../components/ListPage';
import { SortableTh } from '../../components/SortableTh';
import { PAGE_SIZE, type ListParamsState, useListParams } from '../../components/useListParams';
import { type DictKey, useDateTime, useT } from '../../i18n';
import {
  CI_STATUSES,
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
  const th = (field: string, label: string) => (
    <SortableTh field={field} sort={sort} onSort={params.setSort}>
      {label}
    </SortableTh>
  );
  const footer = result.data && (
    <ListFooter total={result.data.total} page={page} pageSize={result.data.pageSize || PAGE_SIZE} onPage={params.setPage} />
  );
  return { params, query, result, th, footer };
}

export function Empty({ cols, show }: { cols: number; show: boolean }) {
  const t = useT();
  if (!show) return null;
  return (
    <Table.Tr>
      <Table.Td colSpan={cols} c="dimmed" ta="center" data-testid="list-empty">
        {t('list.empty')}
      </Table.Td>
    </Table.Tr>
  );
}

export function Ledger({ children }: { children: ReactNode }) {
  return (
    <Stack gap="sm">
      <LedgerTabs />
      {children}
    </Stack>
  );
}

export const nowrap = { whiteSpace: 'nowrap' } as const;
export const thNowrap = { th: nowrap } as const;

export function SystemsLedger() {
  const t = useT();
  const fmt = useDateTime();
  const { params, query, result, th, footer } = useLedger<SystemRow>('system', ['status', 'serviceLevel', 'environment', 'departmentId']);
  return (
    <Ledger>
      <ListPage
        title={t('cmdb.ledger.systems')}
        testId="cmdb-systems"
        minWidth={900}
        toolbar={
          <>
            <FilterInput value={params.q} onChange={params.setQ} />
            <StatusFilter params={params} />
            <LevelFilter params={params} />
            <EnvFilter params={params} />
            <DepartmentFilter params={params} />
            <ExportButtons kind="system" query={query} />
          </>
        }
        error={result.error}
        loading={result.isFetching}
        table={
          <Table striped highlightOnHover styles={thNowrap} data-testid="systems-table">
            <Table.Thead>
              <Table.Tr>
                {th('name', t('cmdb.f.name'))}
                {th('code', t('cmdb.f.code'))}
                {th('serviceLevel', t('cmdb.col.level'))}
                {th('department', t('cmdb.f.department'))}
                {th('environment', t('cmdb.f.environment'))}
                <Table.Th>{t('cmdb.f.vmCount')}</Table.Th>
                {th('status', t('cmdb.f.status'))}
                {th('updatedAt', t('cmdb.f.updatedAt'))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.data?.items.map((s) => (
                <Table.Tr key={s.id} data-row-id={s.id}>
                  <Table.Td>
                    <CiLink kind="system" id={s.id}>
                      {s.name}
                    </CiLink>
                  </Table.Td>
                  <Table.Td ff="monospace">{s.code ?? '—'}</Table.Td>
                  <Table.Td>
                    <LevelBadge level={s.serviceLevel} />
                  </Table.Td>
                  <Table.Td>{s.departmentName ?? '—'}</Table.Td>
                  <Table.Td style={nowrap}>{t(`cmdb.env.${s.environment}`)}</Table.Td>
                  <Table.Td ta="right">{num(s.vmCount)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={s.status} size="sm" />
                  </Table.Td>
                  <Table.Td style={nowrap}>{fmt(s.updatedAt)}</Table.Td>
                </Table.Tr>
              ))}
              <Empty cols={8} show={result.data?.items.length === 0} />
            </Table.Tbody>
          </Table>
        }
        footer={footer}
      />
    </Ledger>
  );
}

export function VmsLedger() {
  const t = useT();
  const infra = useInfraVisible();
  const { params, query, result, th, footer } = useLedger<VmRow>('vm', [
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
  return (
    <Ledger>
      <ListPage
        title={t('cmdb.ledger.vms')}
        testId="cmdb-vms"
        minWidth={1000}
        toolbar={
          <>
            <FilterInput value={params.q} onChange={params.setQ} />
            <StatusFilter params={params} />
            <LevelFilter params={params} />
            <EnvFilter params={params} />
            <DepartmentFilter params={params} />
            <RefChip params={params} name="systemId" label="cmdb.filter.bySystem" />
            <RefChip params={params} name="hostId" label="cmdb.filter.byHost" />
            <RefChip params={params} name="clusterId" label="cmdb.filter.byCluster" />
            <RefChip params={params} name="siteId" label="cmdb.filter.bySite" />
            <ExportButtons kind="vm" query={query} />
          </>
        }
        error={result.error}
        loading={result.isFetching}
        table={
          <Table striped highlightOnHover styles={thNowrap} data-testid="vms-table">
            <Table.Thead>
              <Table.Tr>
                {th('name', t('cmdb.f.name'))}
                {th('system', t('cmdb.f.system'))}
                {th('serviceLevel', t('cmdb.col.level'))}
                {th('host', t('cmdb.f.host'))}
                <Table.Th>{t('cmdb.f.os')}</Table.Th>
                {th('vcpu', t('cmdb.f.vcpu'))}
                {th('memoryGib', t('cmdb.f.memoryGib'))}
                {th('diskGib', t('cmdb.f.diskGib'))}
                {th('status', t('cmdb.f.status'))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.data?.items.map((v) => (
                <Table.Tr key={v.id} data-row-id={v.id}>
                  <Table.Td ff="monospace" style={nowrap}>
                    <CiLink kind="vm" id={v.id}>
                      {v.name}
                    </CiLink>
                  </Table.Td>
                  <Table.Td>
                    <CiLink kind="system" id={v.systemId}>
                      {v.systemName}
                    </CiLink>
                    {v.departmentName && (
                      <Text size="xs" c="dimmed">
                        {v.departmentName}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <LevelBadge level={v.effectiveServiceLevel} />
                  </Table.Td>
                  <Table.Td ff="monospace" style={nowrap}>
                    <CiLink kind="host" id={v.hostId} enabled={!!infra}>
                      {v.hostName ?? t('cmdb.rel.unplaced')}
                    </CiLink>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{v.os ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td ta="right">{num(v.vcpu)}</Table.Td>
                  <Table.Td ta="right">{num(v.memoryGib)}</Table.Td>
                  <Table.Td ta="right">{num(v.diskGib)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={v.status} size="sm" />
                  </Table.Td>
                </Table.Tr>
              ))}
              <Empty cols={9} show={result.data?.items.length === 0} />
            </Table.Tbody>
          </Table>
        }
        footer={footer}
      />
    </Ledger>
  );
}

export function HostsLedger() {
  const t = useT();
  const { params, query, result, th, footer } = useLedger<HostRow>('host', ['status', 'siteId', 'clusterId']);
  return (
    <Ledger>
      <ListPage
        title={t('cmdb.ledger.hosts')}
        testId="cmdb-hosts"
        minWidth={900}
        toolbar={
          <>
            <FilterInput value={params.q} onChange={params.setQ} />
            <StatusFilter params={params} />
            <RefChip params={params} name="clusterId" label="cmdb.filter.byCluster" />
            <RefChip params={params} name="siteId" label="cmdb.filter.bySite" />
            <ExportButtons kind="host" query={query} />
          </>
        }
        error={result.error}
        loading={result.isFetching}
        table={
          <Table striped highlightOnHover styles={thNowrap} data-testid="hosts-table">
            <Table.Thead>
              <Table.Tr>
                {th('name', t('cmdb.f.name'))}
                {th('site', t('cmdb.f.site'))}
                {th('cluster', t('cmdb.f.cluster'))}
                <Table.Th>{t('cmdb.f.ip')}</Table.Th>
                <Table.Th>{t('cmdb.f.os')}</Table.Th>
                {th('cpuCores', t('cmdb.f.cpuCores'))}
                {th('memoryGib', t('cmdb.f.memoryGib'))}
                {th('status', t('cmdb.f.status'))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.data?.items.map((h) => (
                <Table.Tr key={h.id} data-row-id={h.id}>
                  <Table.Td ff="monospace" style={nowrap}>
                    <CiLink kind="host" id={h.id}>
                      {h.name}
                    </CiLink>
                  </Table.Td>
                  <Table.Td>
                    <CiLink kind="site" id={h.siteId}>
                      {h.siteName}
                    </CiLink>
                  </Table.Td>
                  <Table.Td ff="monospace">
                    <CiLink kind="cluster" id={h.clusterId}>
                      {h.clusterName ?? '—'}
                    </CiLink>
                  </Table.Td>
                  <Table.Td ff="monospace">{h.ip ?? '—'}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{h.os ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td ta="right">{num(h.cpuCores)}</Table.Td>
                  <Table.Td ta="right">{num(h.memoryGib)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={h.status} size="sm" />
                  </Table.Td>
                </Table.Tr>
              ))}
              <Empty cols={8} show={result.data?.items.length === 0} />
            </Table.Tbody>
          </Table>
        }
        footer={footer}
      />
    </Ledger>
  );
}

/** Sites (few: a plain table) above the clusters ledger (filter, sort, page, export). */
export function SitesClustersView() {
  const t = useT();
  const sites = useQuery({
    queryKey: ['cmdb', 'site', 'list', 'all'],
    queryFn: ({ signal }) => listCis<SiteRow>('site', { pageSize: 100, sort: 'code' }, signal),
  });
  const { params, query, result, th, footer } = useLedger<ClusterRow>('cluster', ['status', 'siteId']);
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
          <Table striped data-testid="sites-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('cmdb.f.name')}</Table.Th>
                <Table.Th>{t('cmdb.f.code')}</Table.Th>
                <Table.Th>{t('cmdb.f.role')}</Table.Th>
                <Table.Th>{t('cmdb.f.address')}</Table.Th>
                <Table.Th>{t('cmdb.f.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sites.data?.items.map((s) => (
                <Table.Tr key={s.id} data-row-id={s.id}>
                  <Table.Td>
                    <CiLink kind="site" id={s.id}>
                      {s.name}
                    </CiLink>
                  </Table.Td>
                  <Table.Td ff="monospace">{s.code}</Table.Td>
                  <Table.Td>{dictOr(t, `cmdb.siteRole.${s.role}`, s.role)}</Table.Td>
                  <Table.Td>{s.address ?? '—'}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={s.status} size="sm" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
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
            <Table striped highlightOnHover styles={thNowrap} data-testid="clusters-table">
              <Table.Thead>
                <Table.Tr>
                  {th('name', t('cmdb.f.name'))}
                  {th('site', t('cmdb.f.site'))}
                  <Table.Th>{t('cmdb.f.haEnabled')}</Table.Th>
                  <Table.Th>{t('cmdb.f.drsEnabled')}</Table.Th>
                  {th('status', t('cmdb.f.status'))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.data?.items.map((c) => (
                  <Table.Tr key={c.id} data-row-id={c.id}>
                    <Table.Td ff="monospace">
                      <CiLink kind="cluster" id={c.id}>
                        {c.name}
                      </CiLink>
                    </Table.Td>
                    <Table.Td>
                      <CiLink kind="site" id={c.siteId}>
                        {c.siteName}
                      </CiLink>
                    </Table.Td>
                    <Table.Td>{c.haEnabled ? 'ON' : 'OFF'}</Table.Td>
                    <Table.Td>{c.drsEnabled ? 'ON' : 'OFF'}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={c.status} size="sm" />
                    </Table.Td>
                  </Table.Tr>
                ))}
                <Empty cols={5} show={result.data?.items.length === 0} />
              </Table.Tbody>
            </Table>
          }
          footer={footer}
        />
      </Stack>
    </Ledger>
  );
}
