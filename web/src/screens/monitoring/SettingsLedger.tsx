import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { FilterInput } from '../../components/FilterInput';
import { ListFooter } from '../../components/ListFooter';
import { LedgerTable } from '../../components/LedgerTable';
import { ListPage } from '../../components/ListPage';
import { PAGE_SIZE, useListParams } from '../../components/useListParams';
import { useDateTime } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { ciLabel, stateLabel, typeLabel } from './common';
import { ParamSelect } from './GroupItems';
import { mLabel, useMT } from './i18n';
import { CI_TYPES, ITEM_TYPES, listSettingChanges, listSettings, type SettingChange, type SettingsRow, settingsExportHref } from './monitoringApi';

function PendingChanges() {
  const t = useMT();
  const fmt = useDateTime();
  const q = useQuery({ queryKey: ['monitoring', 'setting-changes', 'pending'], queryFn: ({ signal }) => listSettingChanges(true, signal) });
  const rows = q.data?.items ?? [];
  return (
    <Card withBorder padding="md" data-testid="setting-changes">
      <Group gap="xs" mb="xs">
        <Title order={3} size="h4">
          {t('mon.set.changes')}
        </Title>
        <Badge variant={rows.length ? 'filled' : 'light'} color={rows.length ? 'orange' : 'gray'}>
          {rows.length}
        </Badge>
      </Group>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('mon.set.changes.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table verticalSpacing={4} striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('mon.set.change.effectiveAt')}</Table.Th>
                <Table.Th>{t('mon.set.change.kind')}</Table.Th>
                <Table.Th>{t('mon.set.change.payload')}</Table.Th>
                <Table.Th>{t('mon.set.change.reason')}</Table.Th>
                <Table.Th>{t('mon.set.change.by')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c: SettingChange) => (
                <Table.Tr key={c.id} data-testid="setting-change">
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{fmt(c.effectiveAt)}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" tt="none" variant="light" color={c.kind === 'remove' ? 'red' : c.kind === 'add' ? 'green' : 'blue'}>
                      {mLabel(t, `mon.set.kind.${c.kind}`, c.kind)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {c.itemId ? (
                      <Anchor component={Link} to={`/monitoring/items/${c.itemId}`} size="sm">
                        {String((c.payload as { name?: string }).name ?? c.itemId.slice(0, 8))}
                      </Anchor>
                    ) : null}
                    <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
                      {Object.keys(c.payload).length ? JSON.stringify(c.payload) : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{c.reason}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{c.requestedByLabel}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

const yes = (b: boolean) => (b ? '○' : '—');

/** 監視設定一覧 (MON-7, N §3.7.3.4): what is monitored and how, with XLSX/CSV export and pending changes. */
export function SettingsLedger() {
  const t = useMT();
  const fmt = useDateTime();
  const params = useListParams();
  // The changes list is not scoped to a department by the server: shown to the operations team only.
  const canManage = hasPermission(useUser(), 'monitoring.manage');
  const { q, page, extra } = params;
  const sort = params.sort || 'target';
  const query = { q: q || undefined, sort, ciType: extra('ciType') ?? undefined, type: extra('type') ?? undefined, enabled: extra('enabled') ?? undefined, notify: extra('notify') ?? undefined };
  const list = useQuery({
    queryKey: ['monitoring', 'settings', { ...query, page }],
    queryFn: ({ signal }) => listSettings({ ...query, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  const { sort: _s, ...exportQuery } = query;
  return (
    <Stack gap="md">
      <ListPage
        title={t('mon.set.title')}
        testId="settings-ledger"
        minWidth={1000}
        toolbar={
          <>
            <FilterInput value={q} onChange={params.setQ} />
            <ParamSelect params={params} name="ciType" label={t('mon.filter.ciType')} data={CI_TYPES.map((c) => ({ value: c, label: ciLabel(t, c) }))} w={160} />
            <ParamSelect params={params} name="type" label={t('mon.filter.type')} data={ITEM_TYPES.map((c) => ({ value: c, label: mLabel(t, `mon.type.${c}`, c) }))} w={150} />
            <ParamSelect
              params={params}
              name="enabled"
              label={t('mon.set.enabled')}
              data={[
                { value: 'true', label: t('mon.set.enabledOnly') },
                { value: 'false', label: t('mon.set.disabledOnly') },
              ]}
              w={120}
            />
            <Group gap="xs">
              <Button component="a" href={settingsExportHref('xlsx', { ...exportQuery, sort })} variant="default" size="sm" data-testid="export-xlsx" download>
                {t('mon.set.export.xlsx')}
              </Button>
              <Button component="a" href={settingsExportHref('csv', { ...exportQuery, sort })} variant="default" size="sm" data-testid="export-csv" download>
                {t('mon.set.export.csv')}
              </Button>
            </Group>
          </>
        }
        error={list.error}
        loading={list.isFetching && list.isPlaceholderData}
        table={
          <LedgerTable<SettingsRow & { id: string }>
            rows={list.data?.items.map((r) => ({ ...r, id: r.itemId }))}
            sort={sort}
            onSort={params.setSort}
            empty={t('mon.groups.empty')}
            rowProps={(r) => ({ 'data-testid': 'setting-row', 'data-enabled': String(r.enabled && r.targetEnabled) })}
            ledgerId="monitoring.settings"
            data-testid="settings-table"
            columns={[
              {
                key: 'target',
                header: t('mon.col.target'),
                sortKey: 'target',
                ellipsis: 200,
                render: (r) => (
                  <Text span size="sm" fw={600}>
                    {r.target}
                  </Text>
                ),
              },
              { key: 'ciType', header: t('mon.col.ciType'), render: (r) => ciLabel(t, r.ciType) },
              { key: 'address', header: t('mon.set.address'), td: { ff: 'monospace' }, ellipsis: 180, defaultHidden: true, render: (r) => r.address ?? '—' },
              {
                key: 'key',
                header: t('mon.col.item'),
                sortKey: 'key',
                ellipsis: 'grow',
                title: (r) => `${r.name} — ${r.key}`,
                render: (r) => (
                  <Anchor component={Link} to={`/monitoring/items/${r.itemId}`} underline="never" size="sm">
                    {r.name}
                  </Anchor>
                ),
              },
              { key: 'type', header: t('mon.col.type'), defaultHidden: true, render: (r) => typeLabel(t, r.type) },
              { key: 'itemKey', header: t('mon.item.key'), td: { ff: 'monospace' }, ellipsis: 220, defaultHidden: true, render: (r) => r.key },
              { key: 'intervalSec', header: t('mon.set.interval'), sortKey: 'intervalSec', td: { ta: 'right' }, render: (r) => t('mon.item.intervalSec', { n: r.intervalSec }) },
              { key: 'collect', header: t('mon.set.collect'), defaultHidden: true, render: (r) => t(`mon.set.collect.${r.collect}`) },
              {
                key: 'thresholds',
                header: t('mon.set.thresholds'),
                render: (r) => (
                  <Text span size="sm" ff="monospace">
                    {r.warningThreshold ?? '—'} / {r.criticalThreshold ?? '—'}
                  </Text>
                ),
              },
              { key: 'severity', header: t('mon.set.severity'), render: (r) => mLabel(t, `mon.sev.${r.severity}`, r.severity) },
              { key: 'consecutive', header: t('mon.set.consecutive'), td: { ta: 'right' }, render: (r) => r.consecutive },
              { key: 'hours', header: t('mon.set.hours'), render: (r) => (r.businessHoursOnly ? t('mon.set.hours.business') : t('mon.set.hours.all')) },
              { key: 'notify', header: t('mon.set.notify'), td: { ta: 'center' }, render: (r) => yes(r.notify) },
              {
                key: 'enabled',
                header: t('mon.set.enabled'),
                render: (r) => (
                  <Group gap={4} wrap="nowrap">
                    <Text span size="sm">
                      {yes(r.enabled && r.targetEnabled)}
                    </Text>
                    {r.startsAt && (
                      <Text span size="xs" c="dimmed">
                        {t('mon.set.startsAt', { at: fmt(r.startsAt) })}
                      </Text>
                    )}
                  </Group>
                ),
              },
              {
                key: 'state',
                header: t('mon.col.state'),
                sortKey: 'state',
                render: (r) => (
                  <Group gap={4} wrap="nowrap">
                    <Text span size="sm">
                      {stateLabel(t, r.state)}
                    </Text>
                    {r.pendingChanges > 0 && (
                      <Badge size="xs" color="orange" variant="light" tt="none" title={t('mon.set.pending')}>
                        {t('mon.set.pending')} {r.pendingChanges}
                      </Badge>
                    )}
                  </Group>
                ),
              },
            ]}
          />
        }
        footer={list.data && <ListFooter total={list.data.total} page={page} pageSize={list.data.pageSize || PAGE_SIZE} onPage={params.setPage} />}
      />
      {canManage && <PendingChanges />}
    </Stack>
  );
}
