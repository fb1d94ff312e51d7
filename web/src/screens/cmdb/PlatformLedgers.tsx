import { Badge, Table, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { FilterInput } from '../../components/FilterInput';
import { ListPage } from '../../components/ListPage';
import type { ListParamsState } from '../../components/useListParams';
import { useT } from '../../i18n';
import {
  CONTRACT_CI_TYPES,
  type ContractRow,
  listCis,
  MANAGEMENT_SERVER_KINDS,
  type ManagementServerRow,
  NETWORK_DEVICE_KINDS,
  type NetworkDeviceRow,
  type SiteRow,
  type StorageRow,
} from './cmdbApi';
import { CiLink, dictOr, ExportButtons, num, StatusBadge } from './common';
import { Empty, Ledger, nowrap, ParamSelect, StatusFilter, useLedger } from './Ledgers';

/**
 * The platform ledgers listed only (CMDB-1, ORG-5): storage, network devices, management servers
 * and maintenance contracts. Same frame as Ledgers.tsx: server-side filter, sort, page and export.
 * These kinds have no CI page yet; their names link nowhere (the site and cluster do).
 */

/** One line per row: these ledgers hold short codes and names; the table scrolls sideways instead. */
const cellsNowrap = { th: nowrap, td: nowrap } as const;

function useSiteOptions() {
  const sites = useQuery({
    queryKey: ['cmdb', 'site', 'list', 'all'],
    queryFn: ({ signal }) => listCis<SiteRow>('site', { pageSize: 100, sort: 'code' }, signal),
    staleTime: 5 * 60_000,
  });
  return (sites.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }));
}

function SiteFilter({ params }: { params: ListParamsState }) {
  const t = useT();
  return <ParamSelect params={params} name="siteId" label={t('cmdb.filter.site')} data={useSiteOptions()} w={200} />;
}

export function StorageLedger() {
  const t = useT();
  const { params, query, result, th, footer } = useLedger<StorageRow>('storage', ['status', 'siteId', 'clusterId']);
  return (
    <Ledger>
      <ListPage
        title={t('cmdb.ledger.storage')}
        testId="cmdb-storage"
        minWidth={900}
        toolbar={
          <>
            <FilterInput value={params.q} onChange={params.setQ} />
            <StatusFilter params={params} />
            <SiteFilter params={params} />
            <ExportButtons kind="storage" query={query} />
          </>
        }
        error={result.error}
        loading={result.isFetching}
        table={
          <Table striped highlightOnHover styles={cellsNowrap} data-testid="storage-table">
            <Table.Thead>
              <Table.Tr>
                {th('name', t('cmdb.f.name'))}
                {th('site', t('cmdb.f.site'))}
                <Table.Th>{t('cmdb.f.cluster')}</Table.Th>
                <Table.Th>{t('cmdb.f.model')}</Table.Th>
                <Table.Th>{t('cmdb.f.ip')}</Table.Th>
                <Table.Th>{t('cmdb.f.firmware')}</Table.Th>
                {th('capacityGib', t('cmdb.f.capacityGib'))}
                <Table.Th>{t('cmdb.f.volumes')}</Table.Th>
                {th('status', t('cmdb.f.status'))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.data?.items.map((s) => (
                <Table.Tr key={s.id} data-row-id={s.id}>
                  <Table.Td ff="monospace" style={nowrap}>
                    {s.name}
                  </Table.Td>
                  <Table.Td>
                    <CiLink kind="site" id={s.siteId}>
                      {s.siteName}
                    </CiLink>
                  </Table.Td>
                  <Table.Td ff="monospace">
                    <CiLink kind="cluster" id={s.clusterId}>
                      {s.clusterName ?? t('cmdb.storage.shared')}
                    </CiLink>
                  </Table.Td>
                  <Table.Td>{s.model ?? '—'}</Table.Td>
                  <Table.Td ff="monospace">{s.ip ?? '—'}</Table.Td>
                  <Table.Td ff="monospace">{s.firmware ?? '—'}</Table.Td>
                  <Table.Td ta="right">{num(s.capacityGib)}</Table.Td>
                  <Table.Td>
                    <Text size="xs" title={s.volumes.map((v) => `${v.name} (${num(v.capacityGib)} GiB)`).join('\n')}>
                      {t('cmdb.storage.volumes', { count: s.volumes.length })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={s.status} size="sm" />
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

export function NetworkDevicesLedger() {
  const t = useT();
  const { params, query, result, th, footer } = useLedger<NetworkDeviceRow>('network_device', ['status', 'siteId', 'kind']);
  return (
    <Ledger>
      <ListPage
        title={t('cmdb.ledger.networkDevices')}
        testId="cmdb-network-devices"
        minWidth={900}
        toolbar={
          <>
            <FilterInput value={params.q} onChange={params.setQ} />
            <StatusFilter params={params} />
            <ParamSelect
              params={params}
              name="kind"
              label={t('cmdb.filter.kind')}
              data={NETWORK_DEVICE_KINDS.map((k) => ({ value: k, label: t(`cmdb.netKind.${k}`) }))}
            />
            <SiteFilter params={params} />
            <ExportButtons kind="network_device" query={query} />
          </>
        }
        error={result.error}
        loading={result.isFetching}
        table={
          <Table striped highlightOnHover styles={cellsNowrap} data-testid="network-devices-table">
            <Table.Thead>
              <Table.Tr>
                {th('name', t('cmdb.f.name'))}
                {th('kind', t('cmdb.f.kind'))}
                {th('site', t('cmdb.f.site'))}
                <Table.Th>{t('cmdb.f.model')}</Table.Th>
                <Table.Th>{t('cmdb.f.ip')}</Table.Th>
                <Table.Th>{t('cmdb.f.firmware')}</Table.Th>
                <Table.Th>{t('cmdb.f.config')}</Table.Th>
                {th('status', t('cmdb.f.status'))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.data?.items.map((n) => (
                <Table.Tr key={n.id} data-row-id={n.id}>
                  <Table.Td ff="monospace" style={nowrap}>
                    {n.name}
                  </Table.Td>
                  <Table.Td style={nowrap}>{dictOr(t, `cmdb.netKind.${n.kind}`, n.kind)}</Table.Td>
                  <Table.Td>
                    <CiLink kind="site" id={n.siteId}>
                      {n.siteName}
                    </CiLink>
                  </Table.Td>
                  <Table.Td>{n.model ?? '—'}</Table.Td>
                  <Table.Td ff="monospace">{n.ip ?? '—'}</Table.Td>
                  <Table.Td ff="monospace">{n.firmware ?? '—'}</Table.Td>
                  <Table.Td>
                    <Text size="xs" lineClamp={2} miw={200} maw={320} style={{ whiteSpace: 'normal' }} title={n.config ?? undefined}>
                      {n.config ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={n.status} size="sm" />
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

export function ManagementServersLedger() {
  const t = useT();
  const { params, query, result, th, footer } = useLedger<ManagementServerRow>('management_server', ['status', 'siteId', 'kind']);
  return (
    <Ledger>
      <ListPage
        title={t('cmdb.ledger.managementServers')}
        testId="cmdb-management-servers"
        minWidth={900}
        toolbar={
          <>
            <FilterInput value={params.q} onChange={params.setQ} />
            <StatusFilter params={params} />
            <ParamSelect
              params={params}
              name="kind"
              label={t('cmdb.filter.kind')}
              data={MANAGEMENT_SERVER_KINDS.map((k) => ({ value: k, label: t(`cmdb.mgmtKind.${k}`) }))}
            />
            <SiteFilter params={params} />
            <ExportButtons kind="management_server" query={query} />
          </>
        }
        error={result.error}
        loading={result.isFetching}
        table={
          <Table striped highlightOnHover styles={cellsNowrap} data-testid="management-servers-table">
            <Table.Thead>
              <Table.Tr>
                {th('name', t('cmdb.f.name'))}
                {th('kind', t('cmdb.f.kind'))}
                {th('site', t('cmdb.f.site'))}
                <Table.Th>{t('cmdb.f.ip')}</Table.Th>
                <Table.Th>{t('cmdb.f.os')}</Table.Th>
                <Table.Th>{t('cmdb.f.middlewareVersion')}</Table.Th>
                {th('status', t('cmdb.f.status'))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.data?.items.map((m) => (
                <Table.Tr key={m.id} data-row-id={m.id}>
                  <Table.Td ff="monospace" style={nowrap}>
                    {m.name}
                  </Table.Td>
                  <Table.Td style={nowrap}>{dictOr(t, `cmdb.mgmtKind.${m.kind}`, m.kind)}</Table.Td>
                  <Table.Td>
                    <CiLink kind="site" id={m.siteId}>
                      {m.siteName}
                    </CiLink>
                  </Table.Td>
                  <Table.Td ff="monospace">{m.ip ?? '—'}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{m.os ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{m.middlewareVersion ?? '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={m.status} size="sm" />
                  </Table.Td>
                </Table.Tr>
              ))}
              <Empty cols={7} show={result.data?.items.length === 0} />
            </Table.Tbody>
          </Table>
        }
        footer={footer}
      />
    </Ledger>
  );
}

/** Days from today (Japan) to an ISO date; negative when past. */
function daysUntil(date: string): number {
  const today = new Date(new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' }));
  return Math.round((new Date(date).getTime() - today.getTime()) / 86_400_000);
}

export function ContractsLedger() {
  const t = useT();
  const { params, query, result, th, footer } = useLedger<ContractRow>('contract', ['status', 'ciType', 'endsBefore']);
  return (
    <Ledger>
      <ListPage
        title={t('cmdb.ledger.contracts')}
        testId="cmdb-contracts"
        minWidth={1200}
        toolbar={
          <>
            <FilterInput value={params.q} onChange={params.setQ} />
            <StatusFilter params={params} />
            <ParamSelect
              params={params}
              name="ciType"
              label={t('cmdb.filter.ciType')}
              data={CONTRACT_CI_TYPES.map((k) => ({ value: k, label: t(`cmdb.kind.${k}`) }))}
              w={180}
            />
            <TextInput
              type="date"
              aria-label={t('cmdb.filter.endsBefore')}
              title={t('cmdb.filter.endsBefore')}
              leftSection={
                <Text size="xs" c="dimmed" pl={6} style={nowrap}>
                  {t('cmdb.filter.endsBeforeShort')}
                </Text>
              }
              leftSectionWidth={72}
              value={params.extra('endsBefore') ?? ''}
              onChange={(e) => params.setExtra('endsBefore', e.currentTarget.value || null)}
              w={{ base: '100%', xs: 220 }}
              data-testid="filter-endsBefore"
            />
            <ExportButtons kind="contract" query={query} />
          </>
        }
        error={result.error}
        loading={result.isFetching}
        table={
          <Table striped highlightOnHover styles={cellsNowrap} data-testid="contracts-table">
            <Table.Thead>
              <Table.Tr>
                {th('name', t('cmdb.f.name'))}
                <Table.Th>{t('cmdb.f.ci')}</Table.Th>
                {th('vendor', t('cmdb.f.vendor'))}
                <Table.Th>{t('cmdb.f.contractNo')}</Table.Th>
                <Table.Th>{t('cmdb.f.coverage')}</Table.Th>
                <Table.Th>{t('cmdb.f.startsOn')}</Table.Th>
                {th('endsOn', t('cmdb.f.endsOn'))}
                <Table.Th>{t('cmdb.f.vendorContact')}</Table.Th>
                {th('status', t('cmdb.f.status'))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {result.data?.items.map((c) => {
                const left = c.endsOn ? daysUntil(c.endsOn) : null;
                return (
                  <Table.Tr key={c.id} data-row-id={c.id}>
                    <Table.Td style={nowrap}>{c.name}</Table.Td>
                    <Table.Td style={nowrap}>
                      <Text size="xs" c="dimmed">
                        {t(`cmdb.kind.${c.ciType}`)}
                      </Text>
                      {c.ciType === 'host' ? (
                        <CiLink kind="host" id={c.ciId}>
                          <Text span ff="monospace" size="sm">
                            {c.ciName ?? '—'}
                          </Text>
                        </CiLink>
                      ) : (
                        <Text size="sm" ff="monospace">
                          {c.ciName ?? '—'}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{c.vendor}</Table.Td>
                    <Table.Td ff="monospace" style={nowrap}>
                      {c.contractNo ?? '—'}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{c.coverage ?? '—'}</Text>
                    </Table.Td>
                    <Table.Td style={nowrap}>{c.startsOn ?? '—'}</Table.Td>
                    <Table.Td style={nowrap}>
                      {c.endsOn ?? '—'}
                      {left !== null && left <= 180 && (
                        <Badge ml={6} size="xs" variant="light" color={left < 0 ? 'gray' : 'orange'} tt="none" data-testid="contract-ending">
                          {left < 0 ? t('cmdb.contract.expired') : t('cmdb.contract.endsIn', { days: left })}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
                        {c.phone ?? ''}
                      </Text>
                      <Text size="xs">{c.email ?? ''}</Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={c.status} size="sm" />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
              <Empty cols={9} show={result.data?.items.length === 0} />
            </Table.Tbody>
          </Table>
        }
        footer={footer}
      />
    </Ledger>
  );
}
