import { Anchor, Badge, Group, Select, Stack, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { FilterInput } from '../../components/FilterInput';
import { ListFooter } from '../../components/ListFooter';
import { LedgerTable } from '../../components/LedgerTable';
import { ListPage } from '../../components/ListPage';
import { PAGE_SIZE, type ListParamsState, useListParams } from '../../components/useListParams';
import { useDateTime } from '../../i18n';
import { ciLabel, ItemStateBadge, STATE_ORDER, SuppressedBadge, shownValue, stateLabel, typeLabel } from './common';
import { useMT } from './i18n';
import { BOARD_GROUPS, type BoardGroup, type BoardItem, ITEM_TYPES, type ItemsQuery, listItems } from './monitoringApi';
import { byLabel, REFRESH_MS } from './StatusBoard';

export function ParamSelect({ params, name, label, data, w = 160 }: { params: ListParamsState; name: string; label: string; data: { value: string; label: string }[]; w?: number }) {
  return (
    <Select
      aria-label={label}
      placeholder={label}
      data={data}
      value={params.extra(name)}
      onChange={(v) => params.setExtra(name, v)}
      clearable
      w={{ base: '100%', xs: w }}
      data-testid={`filter-${name}`}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

const nowrap = { style: { whiteSpace: 'nowrap' } } as const;

/**
 * The items of one group of the board (or all items, or those in one state): filtered and paged by
 * the server, 50 at a time — the page never loads the whole estate.
 */
export function GroupItems() {
  const t = useMT();
  const fmt = useDateTime();
  const params = useListParams();
  const { q, page, extra } = params;
  const rawBy = extra('by');
  const by = (BOARD_GROUPS as readonly string[]).includes(rawBy ?? '') ? (rawBy as BoardGroup) : undefined;
  const group = by ? (extra('group') ?? undefined) : undefined;
  const name = extra('name');
  const query: ItemsQuery = { by: group ? by : undefined, group, state: extra('state') ?? undefined, type: extra('type') ?? undefined, q: q || undefined };
  const list = useQuery({
    queryKey: ['monitoring', 'items', { ...query, page }],
    queryFn: ({ signal }) => listItems({ ...query, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
  const boardHref = by ? `/monitoring?by=${by}` : '/monitoring';
  return (
    <Stack gap="xs">
      <Anchor component={Link} to={boardHref} size="sm">
        {t('mon.items.back')}
      </Anchor>
      <ListPage
        title={t('mon.items.title')}
        testId="group-items"
        minWidth={860}
        toolbar={
          <>
            {by && group ? (
              <Badge size="lg" variant="light" tt="none" data-testid="items-group" style={{ maxWidth: '100%' }}>
                {t('mon.items.group', { by: byLabel(t, by), name: name ?? group })}
              </Badge>
            ) : (
              <Badge size="lg" variant="light" color="gray" tt="none">
                {t('mon.items.all')}
              </Badge>
            )}
            <FilterInput value={q} onChange={params.setQ} />
            <ParamSelect params={params} name="state" label={t('mon.filter.state')} data={STATE_ORDER.map((s) => ({ value: s, label: stateLabel(t, s) }))} w={130} />
            <ParamSelect params={params} name="type" label={t('mon.filter.type')} data={ITEM_TYPES.map((s) => ({ value: s, label: typeLabel(t, s) }))} w={150} />
          </>
        }
        error={list.error}
        loading={list.isFetching && list.isPlaceholderData}
        table={
          <LedgerTable<BoardItem & { id: string }>
            rows={list.data?.items.map((i) => ({ ...i, id: i.itemId }))}
            empty={<Text size="sm">{t('mon.groups.empty')}</Text>}
            rowProps={(r) => ({ 'data-testid': 'item-row', 'data-state': r.state })}
            ledgerId="monitoring.items"
            data-testid="items-table"
            columns={[
              {
                key: 'state',
                header: t('mon.col.state'),
                td: nowrap,
                render: (r) => (
                  <Group gap={4} wrap="nowrap">
                    <ItemStateBadge state={r.state} />
                    <SuppressedBadge show={r.suppressed} />
                  </Group>
                ),
              },
              {
                key: 'target',
                header: t('mon.col.target'),
                ellipsis: 240,
                render: (r) => (
                  <Text span size="sm" fw={600}>
                    {r.target}
                  </Text>
                ),
              },
              { key: 'ciType', header: t('mon.col.ciType'), render: (r) => ciLabel(t, r.ciType) },
              {
                key: 'item',
                header: t('mon.col.item'),
                ellipsis: 'grow',
                render: (r) => (
                  <Anchor component={Link} to={`/monitoring/items/${r.itemId}`} underline="never" size="sm" data-testid="item-link">
                    {r.name}
                  </Anchor>
                ),
              },
              { key: 'type', header: t('mon.col.type'), render: (r) => typeLabel(t, r.type) },
              { key: 'key', header: t('mon.item.key'), td: { ff: 'monospace' }, ellipsis: 220, defaultHidden: true, render: (r) => r.key },
              {
                key: 'value',
                header: t('mon.col.value'),
                ellipsis: 'grow',
                render: (r) => {
                  const v = shownValue(r);
                  return (
                    <Text span size="sm" ff="monospace">
                      {v.main}
                      {v.sub && (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          {v.sub}
                        </Text>
                      )}
                    </Text>
                  );
                },
              },
              { key: 'consecutive', header: t('mon.col.consecutive'), td: { ta: 'right' }, render: (r) => <Text size="sm">{r.consecutive}</Text> },
              { key: 'lastCheck', header: t('mon.col.lastCheck'), td: nowrap, render: (r) => <Text size="sm">{fmt(r.lastCheckAt)}</Text> },
            ]}
          />
        }
        footer={list.data && <ListFooter total={list.data.total} page={page} pageSize={list.data.pageSize || PAGE_SIZE} onPage={params.setPage} />}
      />
    </Stack>
  );
}
