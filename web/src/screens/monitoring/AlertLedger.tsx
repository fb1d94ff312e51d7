import { Anchor, Badge, Checkbox, Group, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { FilterInput } from '../../components/FilterInput';
import { ListFooter } from '../../components/ListFooter';
import { LedgerTable } from '../../components/LedgerTable';
import { ListPage } from '../../components/ListPage';
import { PAGE_SIZE, type ListParamsState, useListParams } from '../../components/useListParams';
import { useDateTime } from '../../i18n';
import { ciLabel, SeverityBadge, useBi } from './common';
import { ParamSelect } from './GroupItems';
import { mLabel, useMT } from './i18n';
import { flowQuery } from '../../workbench';
import { type AlertRow, CI_TYPES, listAlerts } from './monitoringApi';

const ALERT_COLORS: Record<string, string> = { open: 'red', in_progress: 'blue', done: 'gray' };

export function AlertStateBadge({ state, label, size = 'sm' }: { state: string; label: { ja: string; en: string }; size?: 'sm' | 'md' | 'lg' }) {
  const bi = useBi();
  return (
    <Badge color={ALERT_COLORS[state] ?? 'blue'} variant={state === 'open' ? 'filled' : 'light'} tt="none" size={size} data-testid="alert-state" data-state={state}>
      {bi(label)}
    </Badge>
  );
}

function ParamCheck({ params, name, label }: { params: ListParamsState; name: string; label: string }) {
  return (
    <Checkbox
      label={label}
      checked={params.extra(name) === 'true'}
      onChange={(e) => params.setExtra(name, e.currentTarget.checked ? 'true' : null)}
      data-testid={`filter-${name}`}
    />
  );
}

const nowrap = { style: { whiteSpace: 'nowrap' } } as const;

/** 監視対応台帳 (MON-4): every alert with its handling state, newest first. */
export function AlertLedger() {
  const t = useMT();
  const bi = useBi();
  const fmt = useDateTime();
  const params = useListParams();
  const { q, page, extra } = params;
  const sort = params.sort || '-detectedAt';
  const query = { q: q || undefined, sort, state: extra('state') ?? undefined, ciType: extra('ciType') ?? undefined, open: extra('open') ?? undefined, silenced: extra('silenced') ?? undefined, itemId: extra('itemId') ?? undefined };
  const list = useQuery({
    queryKey: ['monitoring', 'alerts', { ...query, page }],
    queryFn: ({ signal }) => listAlerts({ ...query, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const proc = useQuery(flowQuery('monitoring_alert'));
  return (
    <ListPage
      title={t('mon.alerts.title')}
      testId="alert-ledger"
      minWidth={940}
      toolbar={
        <>
          <FilterInput value={q} onChange={params.setQ} />
          <ParamSelect params={params} name="state" label={t('mon.alerts.state')} data={(proc.data?.states ?? []).map((s) => ({ value: s.key, label: bi(s.label) }))} w={140} />
          <ParamSelect params={params} name="ciType" label={t('mon.filter.ciType')} data={CI_TYPES.map((c) => ({ value: c, label: ciLabel(t, c) }))} w={170} />
          <ParamCheck params={params} name="open" label={t('mon.alerts.openOnly')} />
          <ParamCheck params={params} name="silenced" label={t('mon.alerts.silencedOnly')} />
          {extra('itemId') && (
            <Badge
              component="button"
              type="button"
              variant="light"
              size="lg"
              tt="none"
              style={{ cursor: 'pointer' }}
              onClick={() => params.setExtra('itemId', null)}
              data-testid="alerts-item-filter"
            >
              {t('mon.alerts.oneItem')}
            </Badge>
          )}
        </>
      }
      error={list.error}
      loading={list.isFetching && list.isPlaceholderData}
      table={
        <LedgerTable<AlertRow>
          rows={list.data?.items}
          sort={sort}
          onSort={params.setSort}
          empty={t('mon.alerts.empty')}
          rowProps={(r) => ({ 'data-testid': 'alert-row', 'data-severity': r.severity ?? '', 'data-state': r.state })}
          ledgerId="monitoring.alerts"
          data-testid="alerts-table"
          columns={[
            {
              key: 'detectedAt',
              header: t('mon.alerts.detectedAt'),
              sortKey: 'detectedAt',
              td: nowrap,
              render: (r) => (
                <Anchor component={Link} to={`/monitoring/alerts/${r.id}`} size="sm" data-testid="alert-link">
                  {fmt(r.detectedAt)}
                </Anchor>
              ),
            },
            { key: 'severity', header: t('mon.alerts.severity'), sortKey: 'severity', render: (r) => <SeverityBadge severity={r.severity} /> },
            {
              key: 'ciName',
              header: t('mon.alerts.target'),
              sortKey: 'ciName',
              ellipsis: 240,
              render: (r) => (
                <Text span size="sm" fw={600}>
                  {r.ciName}
                </Text>
              ),
            },
            { key: 'ciType', header: t('mon.col.ciType'), render: (r) => ciLabel(t, r.ciType) },
            { key: 'itemName', header: t('mon.alerts.item'), sortKey: 'itemName', ellipsis: 200, render: (r) => r.itemName },
            {
              key: 'value',
              header: t('mon.alerts.value'),
              ellipsis: 'grow',
              render: (r) => (
                <Text span size="xs" c="dimmed" ff="monospace">
                  {r.detail ?? r.value ?? ''}
                </Text>
              ),
            },
            {
              key: 'state',
              header: t('mon.alerts.state'),
              sortKey: 'state',
              render: (r) => (
                <Group gap={4} wrap="nowrap">
                  <AlertStateBadge state={r.state} label={r.stateLabel} />
                  {r.silenced && r.silenceReason && (
                    <Badge size="sm" variant="outline" color="violet" tt="none">
                      {mLabel(t, `mon.silence.${r.silenceReason}`, r.silenceReason)}
                    </Badge>
                  )}
                  {r.recoveredAt && (
                    <Badge size="sm" variant="light" color="green" tt="none">
                      {t('mon.event.recovered')}
                    </Badge>
                  )}
                </Group>
              ),
            },
            {
              key: 'incident',
              header: t('mon.alerts.incident'),
              render: (r) =>
                r.incidentId ? (
                  <Anchor component={Link} to={`/incidents/${r.incidentId}`} size="sm" data-testid="alert-incident-link">
                    {t('mon.alert.openIncident')}
                  </Anchor>
                ) : (
                  <Text size="sm" c="dimmed">
                    —
                  </Text>
                ),
            },
          ]}
        />
      }
      footer={list.data && <ListFooter total={list.data.total} page={page} pageSize={list.data.pageSize || PAGE_SIZE} onPage={params.setPage} />}
    />
  );
}
