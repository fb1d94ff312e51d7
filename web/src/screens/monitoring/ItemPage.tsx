import { Anchor, Badge, Grid, Group, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, buildQuery } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { Section } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { ciLabel, Field, ItemStateBadge, SeverityBadge, SuppressedBadge, shortDateTime, shownValue, typeLabel } from './common';
import { type MT, mLabel, useMT } from './i18n';
import { type BoardItemDetail, getItem, getItemHistory, type ItemHistory } from './monitoringApi';

const HistoryChart = lazy(() => import('./HistoryChart'));

type Range = '6h' | '24h' | '7d';
const HOURS: Record<Range, number> = { '6h': 6, '24h': 24, '7d': 168 };

const unitOf = (i: BoardItemDetail) => (i.type === 'resource' ? '%' : '');

function thresholdText(t: MT, i: BoardItemDetail): string {
  const u = unitOf(i);
  const parts = [
    i.warningThreshold !== null ? `${t('mon.item.warning')} ${i.warningThreshold}${u}` : null,
    i.criticalThreshold !== null ? `${t('mon.item.critical')} ${i.criticalThreshold}${u}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' / ') : '—';
}

/**
 * The chart's data. The default day comes without from/to, so "now" is the server's clock; 6 h is
 * that day cut shorter (no second request) and 7 days asks for the week ending at the same instant.
 */
function useHistory(id: string, range: Range) {
  const day = useQuery({
    queryKey: ['monitoring', 'history', id, '24h'],
    queryFn: ({ signal }) => getItemHistory(id, '', '', signal),
    refetchInterval: 60_000,
  });
  const week = useQuery({
    queryKey: ['monitoring', 'history', id, '7d', day.data?.to],
    queryFn: ({ signal }) => {
      const to = day.data!.to;
      return getItemHistory(id, new Date(new Date(to).getTime() - HOURS['7d'] * 3600_000).toISOString(), to, signal);
    },
    enabled: range === '7d' && !!day.data,
    placeholderData: keepPreviousData,
  });
  if (range === '7d') return { data: week.data, error: week.error ?? day.error, loading: week.isPending || week.isFetching };
  if (!day.data) return { data: undefined, error: day.error, loading: day.isPending };
  if (range === '24h') return { data: day.data, error: null, loading: false };
  const from = new Date(new Date(day.data.to).getTime() - HOURS['6h'] * 3600_000);
  const cut: ItemHistory = { ...day.data, from: from.toISOString(), points: day.data.points.filter((p) => new Date(p.at) >= from) };
  return { data: cut, error: null, loading: false };
}

function Chart({ item }: { item: BoardItemDetail }) {
  const t = useMT();
  const [range, setRange] = useState<Range>('24h');
  const h = useHistory(item.itemId, range);
  const numeric = h.data?.points.some((p) => p.num !== null) ?? false;
  return (
    <Section
      title={t('mon.item.chart')}
      testId="item-history"
      action={
        <Group gap="xs">
          <Text size="sm" c="dimmed" data-testid="item-thresholds">
            {t('mon.item.thresholds')}: {thresholdText(t, item)}
          </Text>
          <SegmentedControl
            size="xs"
            value={range}
            onChange={(v) => setRange(v as Range)}
            data={(['6h', '24h', '7d'] as const).map((r) => ({ value: r, label: t(`mon.item.range.${r}`) }))}
            data-testid="history-range"
          />
        </Group>
      }
    >
      <ErrorAlert error={h.error} />
      {!h.data ? (
        <PageLoader />
      ) : !numeric ? (
        <Text size="sm" c="dimmed" data-testid="history-empty">
          {t('mon.item.noHistory')}
        </Text>
      ) : (
        <Suspense fallback={<PageLoader />}>
          <HistoryChart
            points={h.data.points}
            from={h.data.from}
            to={h.data.to}
            warning={item.warningThreshold}
            critical={item.criticalThreshold}
            unit={unitOf(item)}
            labels={{ value: item.name, warning: t('mon.item.warning'), critical: t('mon.item.critical') }}
          />
        </Suspense>
      )}
      {h.data?.thinned && (
        <Text size="xs" c="dimmed">
          {t('mon.item.thinned')}
        </Text>
      )}
    </Section>
  );
}

function Events({ item }: { item: BoardItemDetail }) {
  const t = useMT();
  const fmt = useDateTime();
  if (item.events.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('mon.item.noEvents')}
      </Text>
    );
  return (
    <Table verticalSpacing={4} layout="fixed" data-testid="item-events">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={190} />
          <Table.Th w={200} />
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {item.events.map((e) => (
          <Table.Tr key={e.id} data-testid="item-event" data-kind={e.kind}>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              <Text size="xs" c="dimmed">
                {fmt(e.at)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Group gap={4} wrap="wrap">
                <Badge size="sm" tt="none" variant="light" color={e.kind === 'recovered' ? 'green' : e.kind === 'problem' ? 'red' : 'orange'}>
                  {mLabel(t, `mon.event.${e.kind}`, e.kind)}
                </Badge>
                {e.kind !== 'recovered' && <SeverityBadge severity={e.severity} />}
                {e.suppressed && (
                  <Badge size="sm" tt="none" variant="outline" color="gray">
                    {t('mon.event.silenced')}
                  </Badge>
                )}
              </Group>
            </Table.Td>
            <Table.Td>
              <Text size="sm" ff="monospace">
                {e.detail ?? e.value ?? ''}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** 監視項目: where it sits, how it is checked, its current value, its chart and its events. */
export function ItemPage() {
  const { id = '' } = useParams();
  const t = useMT();
  const rec = useQuery({ queryKey: ['monitoring', 'item', id], queryFn: ({ signal }) => getItem(id, signal), refetchInterval: 30_000 });
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const i = rec.data;
  const v = shownValue(i);
  const yn = (b: boolean) => (b ? t('mon.yes') : t('mon.no'));
  const place = i.place;
  return (
    <Stack gap="md" data-testid="item-page" data-state={i.state}>
      <Stack gap={4}>
        <Anchor component={Link} to="/monitoring" size="sm">
          {t('mon.items.back')}
        </Anchor>
        <Group gap="xs" wrap="wrap">
          <ItemStateBadge state={i.state} size="lg" />
          <SuppressedBadge show={i.suppressed} />
          <Badge variant="outline" color="gray" tt="none">
            {ciLabel(t, i.ciType)}
          </Badge>
          <Badge variant="outline" color="blue" tt="none">
            {typeLabel(t, i.type)}
          </Badge>
        </Group>
        <Title order={2} data-testid="item-title" style={{ wordBreak: 'break-all' }}>
          {i.target} — {i.name}
        </Title>
        <Text size="sm" c="dimmed" ff="monospace">
          {i.key}
        </Text>
      </Stack>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            <Chart item={i} />
            <Section title={t('mon.item.events')} testId="item-events-section">
              <Events item={i} />
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md">
            <Section title={t('mon.item.summary')} testId="item-summary">
              <SimpleGrid cols={2} spacing="xs">
                <Field label={t('mon.item.lastValue')} testId="item-value">
                  <Text span ff="monospace" fw={700}>
                    {v.main}
                  </Text>
                  {v.sub ? `\n${v.sub}` : ''}
                </Field>
                <Field label={t('mon.item.consecutive')}>{t('mon.item.consecutiveNow', { now: i.consecutive, need: i.consecutiveRequired })}</Field>
                <Field label={t('mon.item.lastCheckAt')}>{shortDateTime(i.lastCheckAt)}</Field>
                <Field label={t('mon.item.lastChangeAt')}>{shortDateTime(i.lastChangeAt)}</Field>
                <Field label={t('mon.item.nextDueAt')}>{shortDateTime(i.nextDueAt)}</Field>
                <Field label={t('mon.item.interval')}>{t('mon.item.intervalSec', { n: i.intervalSec })}</Field>
                <Field label={t('mon.item.thresholds')} testId="item-threshold-values" wide>
                  {thresholdText(t, i)}
                </Field>
                <Field label={t('mon.item.hours')}>{i.businessHoursOnly ? t('mon.item.businessHours') : t('mon.item.allHours')}</Field>
                <Field label={t('mon.item.notify')}>{yn(i.notify)}</Field>
                <Field label={t('mon.item.enabled')}>{yn(i.enabled)}</Field>
              </SimpleGrid>
            </Section>
            <Section title={t('mon.item.place')} testId="item-place">
              <SimpleGrid cols={2} spacing="xs">
                <Field label={t('mon.place.site')}>{place.site ?? '—'}</Field>
                <Field label={t('mon.place.cluster')}>{place.cluster ?? '—'}</Field>
                <Field label={t('mon.place.host')}>{place.host ?? '—'}</Field>
                <Field label={t('mon.place.level')}>{place.level ?? '—'}</Field>
                <Field label={t('mon.place.system')} wide>
                  {place.system ?? '—'}
                </Field>
              </SimpleGrid>
              <Anchor component={Link} to={`/monitoring/alerts${buildQuery({ itemId: i.itemId })}`} size="sm" mt="xs" display="inline-block" data-testid="item-alerts-link">
                {t('mon.item.alerts')}
              </Anchor>
            </Section>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
