import { Badge, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { Column } from '../../components/LedgerTable';
import type { ListParamsState } from '../../components/useListParams';
import { type T, useT } from '../../i18n';
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
import { CiLink, dictOr, num } from './common';
import { LedgerPage, mono, monoNowrap, nowrap, nowrapTd, ParamSelect, right, siteColumn, statusColumn, useLedger } from './Ledgers';

/**
 * The platform ledgers listed only (CMDB-1, ORG-5): storage, network devices, management servers
 * and maintenance contracts. Same frame as Ledgers.tsx: server-side filter, sort, page and export.
 * These kinds have no CI page yet; their names link nowhere (the site and cluster do).
 */

/** One line per row: these ledgers hold short codes and names; the table scrolls sideways instead. */
const cellsNowrap = { th: nowrap, td: nowrap } as const;

/** The name column of these ledgers: monospace code, sorted by name, not linked (no CI page yet). */
function nameColumn<R extends { name: string }>(t: T): Column<R> {
  return { key: 'name', header: t('cmdb.f.name'), sortKey: 'name', td: monoNowrap, render: (r) => r.name };
}

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
  const ledger = useLedger<StorageRow>('storage', ['status', 'siteId', 'clusterId']);
  const { params } = ledger;
  return (
    <LedgerPage
      ledger={ledger}
      title={t('cmdb.ledger.storage')}
      testId="cmdb-storage"
      filters={<SiteFilter params={params} />}
      styles={cellsNowrap}
      tableTestId="storage-table"
      columns={[
        nameColumn(t),
        siteColumn(t),
        {
          key: 'cluster',
          header: t('cmdb.f.cluster'),
          td: mono,
          render: (s) => (
            <CiLink kind="cluster" id={s.clusterId}>
              {s.clusterName ?? t('cmdb.storage.shared')}
            </CiLink>
          ),
        },
        { key: 'model', header: t('cmdb.f.model'), ellipsis: 'grow', render: (s) => s.model ?? '—' },
        { key: 'ip', header: t('cmdb.f.ip'), td: mono, render: (s) => s.ip ?? '—' },
        { key: 'firmware', header: t('cmdb.f.firmware'), td: mono, render: (s) => s.firmware ?? '—' },
        { key: 'capacityGib', header: t('cmdb.f.capacityGib'), sortKey: 'capacityGib', td: right, render: (s) => num(s.capacityGib) },
        {
          key: 'volumes',
          header: t('cmdb.f.volumes'),
          render: (s) => (
            <Text size="xs" title={s.volumes.map((v) => `${v.name} (${num(v.capacityGib)} GiB)`).join('\n')}>
              {t('cmdb.storage.volumes', { count: s.volumes.length })}
            </Text>
          ),
        },
        statusColumn(t),
      ]}
    />
  );
}

export function NetworkDevicesLedger() {
  const t = useT();
  const ledger = useLedger<NetworkDeviceRow>('network_device', ['status', 'siteId', 'kind']);
  const { params } = ledger;
  return (
    <LedgerPage
      ledger={ledger}
      title={t('cmdb.ledger.networkDevices')}
      testId="cmdb-network-devices"
      filters={
        <>
          <ParamSelect
            params={params}
            name="kind"
            label={t('cmdb.filter.kind')}
            data={NETWORK_DEVICE_KINDS.map((k) => ({ value: k, label: t(`cmdb.netKind.${k}`) }))}
          />
          <SiteFilter params={params} />
        </>
      }
      styles={cellsNowrap}
      tableTestId="network-devices-table"
      columns={[
        nameColumn(t),
        { key: 'kind', header: t('cmdb.f.kind'), sortKey: 'kind', td: nowrapTd, render: (n) => dictOr(t, `cmdb.netKind.${n.kind}`, n.kind) },
        siteColumn(t),
        { key: 'model', header: t('cmdb.f.model'), ellipsis: 'grow', render: (n) => n.model ?? '—' },
        { key: 'ip', header: t('cmdb.f.ip'), td: mono, render: (n) => n.ip ?? '—' },
        { key: 'firmware', header: t('cmdb.f.firmware'), td: mono, render: (n) => n.firmware ?? '—' },
        { key: 'config', header: t('cmdb.f.config'), ellipsis: 'grow', render: (n) => n.config ?? '—' },
        statusColumn(t),
      ]}
    />
  );
}

export function ManagementServersLedger() {
  const t = useT();
  const ledger = useLedger<ManagementServerRow>('management_server', ['status', 'siteId', 'kind']);
  const { params } = ledger;
  return (
    <LedgerPage
      ledger={ledger}
      title={t('cmdb.ledger.managementServers')}
      testId="cmdb-management-servers"
      filters={
        <>
          <ParamSelect
            params={params}
            name="kind"
            label={t('cmdb.filter.kind')}
            data={MANAGEMENT_SERVER_KINDS.map((k) => ({ value: k, label: t(`cmdb.mgmtKind.${k}`) }))}
          />
          <SiteFilter params={params} />
        </>
      }
      styles={cellsNowrap}
      tableTestId="management-servers-table"
      columns={[
        nameColumn(t),
        { key: 'kind', header: t('cmdb.f.kind'), sortKey: 'kind', td: nowrapTd, render: (m) => dictOr(t, `cmdb.mgmtKind.${m.kind}`, m.kind) },
        siteColumn(t),
        { key: 'ip', header: t('cmdb.f.ip'), td: mono, render: (m) => m.ip ?? '—' },
        { key: 'os', header: t('cmdb.f.os'), ellipsis: 'grow', render: (m) => m.os ?? '—' },
        { key: 'middlewareVersion', header: t('cmdb.f.middlewareVersion'), ellipsis: 'grow', render: (m) => m.middlewareVersion ?? '—' },
        statusColumn(t),
      ]}
    />
  );
}

/** Days from today (Japan) to an ISO date; negative when past. */
function daysUntil(date: string): number {
  const today = new Date(new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' }));
  return Math.round((new Date(date).getTime() - today.getTime()) / 86_400_000);
}

/** A contract's end date, flagged when it is past or within 180 days. */
function EndsOn({ endsOn }: { endsOn: string | null | undefined }) {
  const t = useT();
  const left = endsOn ? daysUntil(endsOn) : null;
  return (
    <>
      {endsOn ?? '—'}
      {left !== null && left <= 180 && (
        <Badge ml={6} size="xs" variant="light" color={left < 0 ? 'gray' : 'orange'} tt="none" data-testid="contract-ending">
          {left < 0 ? t('cmdb.contract.expired') : t('cmdb.contract.endsIn', { days: left })}
        </Badge>
      )}
    </>
  );
}

export function ContractsLedger() {
  const t = useT();
  const ledger = useLedger<ContractRow>('contract', ['status', 'ciType', 'endsBefore']);
  const { params } = ledger;
  return (
    <LedgerPage
      ledger={ledger}
      title={t('cmdb.ledger.contracts')}
      testId="cmdb-contracts"
      filters={
        <>
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
        </>
      }
      styles={cellsNowrap}
      tableTestId="contracts-table"
      columns={[
        { key: 'name', header: t('cmdb.f.name'), sortKey: 'name', ellipsis: 'grow', render: (c) => c.name },
        { key: 'ciType', header: t('cmdb.f.kind'), label: t('cmdb.filter.ciType'), defaultHidden: true, render: (c) => t(`cmdb.kind.${c.ciType}`) },
        {
          key: 'ci',
          header: t('cmdb.f.ci'),
          td: mono,
          render: (c) =>
            c.ciType === 'host' ? (
              <CiLink kind="host" id={c.ciId}>
                {c.ciName ?? '—'}
              </CiLink>
            ) : (
              (c.ciName ?? '—')
            ),
        },
        { key: 'vendor', header: t('cmdb.f.vendor'), sortKey: 'vendor', ellipsis: 'grow', render: (c) => c.vendor },
        { key: 'contractNo', header: t('cmdb.f.contractNo'), td: mono, render: (c) => c.contractNo ?? '—' },
        { key: 'coverage', header: t('cmdb.f.coverage'), ellipsis: 'grow', render: (c) => c.coverage ?? '—' },
        { key: 'startsOn', header: t('cmdb.f.startsOn'), defaultHidden: true, render: (c) => c.startsOn ?? '—' },
        { key: 'endsOn', header: t('cmdb.f.endsOn'), sortKey: 'endsOn', render: (c) => <EndsOn endsOn={c.endsOn} /> },
        { key: 'phone', header: t('cmdb.f.vendorContact'), label: `${t('cmdb.f.vendorContact')}（${t('cmdb.f.phone')}）`, td: mono, render: (c) => c.phone ?? '—' },
        { key: 'email', header: t('cmdb.f.email'), label: `${t('cmdb.f.vendorContact')}（${t('cmdb.f.email')}）`, ellipsis: 220, defaultHidden: true, render: (c) => c.email ?? '—' },
        statusColumn(t),
      ]}
    />
  );
}
