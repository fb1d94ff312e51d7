import { ActionIcon, Anchor, Badge, Box, Button, Card, Grid, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { buildQuery } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { ItemStateBadge, MiniCounts, STATE_COLORS, SUPPRESSED_COLOR, SuppressedBadge, shortDateTime, stateLabel, ValueCell, worstOf } from './common';
import { type MT, useMT } from './i18n';
import { BOARD_GROUPS, type BoardCounts, type BoardGroup, type BoardGroupRow, type BoardItem, getBoard, jstTime } from './monitoringApi';

export const REFRESH_MS = 10_000;
/** Group tiles shown before "show all". */
const TILE_LIMIT = 24;

export const byLabel = (t: MT, by: BoardGroup) => t(`mon.by.${by}`);

/** The label of a group: its name, a level's "レベル A", or what "no group" means for this grouping. */
export function groupName(t: MT, by: BoardGroup, g: { id: string | null; name: string | null }): string {
  if (g.id === null) return t(`mon.none.${by}`);
  if (by === 'level') return t('mon.level', { level: g.id });
  return g.name ?? g.id;
}

export function groupItemsHref(by: BoardGroup, g: { id: string | null; name: string | null }, t: MT): string {
  return `/monitoring/items${buildQuery({ by, group: g.id ?? 'none', name: groupName(t, by, g) })}`;
}

const BORDER: Record<string, string> = {
  critical: 'var(--mantine-color-red-6)',
  warning: 'var(--mantine-color-orange-5)',
  suspect: 'var(--mantine-color-yellow-5)',
  ok: 'var(--mantine-color-green-5)',
  unchecked: 'var(--mantine-color-gray-4)',
};

/** One total: a coloured count that opens the list of those items. */
function Total({ label, value, color, to, testId, strong }: { label: string; value: number; color: string; to?: string; testId: string; strong?: boolean }) {
  const active = value > 0;
  const body = (
    <Paper
      withBorder
      p="sm"
      radius="md"
      data-testid={testId}
      data-count={value}
      style={{
        borderLeft: `6px solid ${active ? `var(--mantine-color-${color}-${strong ? 6 : 5})` : 'var(--mantine-color-gray-3)'}`,
        background: active && strong ? `var(--mantine-color-${color}-0)` : undefined,
        height: '100%',
      }}
    >
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text fz={28} fw={800} lh={1.15} c={active ? `${color}.${strong ? 8 : 7}` : 'gray.6'} data-testid={`${testId}-value`}>
        {value.toLocaleString('ja-JP')}
      </Text>
    </Paper>
  );
  return to ? (
    <UnstyledButton component={Link} to={to} style={{ display: 'block' }} aria-label={`${label} ${value}`}>
      {body}
    </UnstyledButton>
  ) : (
    body
  );
}

function Totals({ totals }: { totals: BoardCounts }) {
  const t = useMT();
  const stateHref = (s: string) => `/monitoring/items${buildQuery({ state: s })}`;
  return (
    <SimpleGrid cols={{ base: 2, xs: 4, md: 7 }} spacing="xs" data-testid="board-totals">
      <Total label={stateLabel(t, 'critical')} value={totals.critical} color={STATE_COLORS.critical} to={stateHref('critical')} testId="total-critical" strong />
      <Total label={stateLabel(t, 'warning')} value={totals.warning} color={STATE_COLORS.warning} to={stateHref('warning')} testId="total-warning" strong />
      <Total label={stateLabel(t, 'suspect')} value={totals.suspect} color={STATE_COLORS.suspect} to={stateHref('suspect')} testId="total-suspect" />
      <Total label={stateLabel(t, 'ok')} value={totals.ok} color={STATE_COLORS.ok} to={stateHref('ok')} testId="total-ok" />
      <Total label={stateLabel(t, 'unchecked')} value={totals.unchecked} color={STATE_COLORS.unchecked} to={stateHref('unchecked')} testId="total-unchecked" />
      <Total label={t('mon.total.suppressed')} value={totals.suppressed} color={SUPPRESSED_COLOR} testId="total-suppressed" />
      <Total label={t('mon.total.items')} value={totals.items} color="blue" to="/monitoring/items" testId="total-items" />
    </SimpleGrid>
  );
}

function GroupTile({ by, g }: { by: BoardGroup; g: BoardGroupRow }) {
  const t = useMT();
  const worst = worstOf(g.counts);
  const name = groupName(t, by, g);
  return (
    <UnstyledButton component={Link} to={groupItemsHref(by, g, t)} data-testid="group-tile" data-group={g.id ?? 'none'} data-name={name} data-worst={worst} style={{ display: 'block' }}>
      <Paper
        withBorder
        p="xs"
        radius="sm"
        style={{ borderLeft: `5px solid ${BORDER[worst]}`, height: '100%', background: worst === 'critical' ? 'var(--mantine-color-red-0)' : worst === 'warning' ? 'var(--mantine-color-orange-0)' : undefined }}
      >
        <Text size="sm" fw={600} lineClamp={2} lh={1.3} c={g.id === null ? 'dimmed' : undefined} style={{ overflowWrap: 'anywhere' }} title={name}>
          {name}
        </Text>
        <Group justify="space-between" gap={4} wrap="nowrap" align="flex-end" mt={6}>
          <MiniCounts counts={g.counts} />
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            {t('mon.groups.items', { n: g.counts.items })}
          </Text>
        </Group>
      </Paper>
    </UnstyledButton>
  );
}

function Groups({ by, groups }: { by: BoardGroup; groups: BoardGroupRow[] }) {
  const t = useMT();
  const [all, setAll] = useState(false);
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? groups.filter((g) => groupName(t, by, g).toLowerCase().includes(f)) : groups;
  }, [groups, filter, by, t]);
  const visible = all || filter ? shown : shown.slice(0, TILE_LIMIT);
  return (
    <Card withBorder padding="md" data-testid="board-groups" data-by={by}>
      <Group justify="space-between" mb="xs" gap="xs">
        <Title order={3} size="h4">
          {t('mon.groups', { by: byLabel(t, by) })}
        </Title>
        {groups.length > 8 && (
          <TextInput
            size="xs"
            type="search"
            placeholder={t('mon.groups.filter', { by: byLabel(t, by) })}
            aria-label={t('mon.groups.filter', { by: byLabel(t, by) })}
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value)}
            w={200}
            data-testid="group-filter"
          />
        )}
      </Group>
      {visible.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('mon.groups.empty')}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="xs">
          {visible.map((g) => (
            <GroupTile key={g.id ?? 'none'} by={by} g={g} />
          ))}
        </SimpleGrid>
      )}
      {!filter && shown.length > TILE_LIMIT && (
        <Group justify="center" mt="xs">
          <Button variant="subtle" size="xs" onClick={() => setAll((x) => !x)} data-testid="groups-toggle">
            {all ? t('mon.groups.showLess') : t('mon.groups.showAll', { n: shown.length })}
          </Button>
        </Group>
      )}
    </Card>
  );
}

function ProblemRow({ item }: { item: BoardItem }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start" py={6} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }} data-testid="problem-row" data-item={item.itemId} data-state={item.state}>
      <Box miw={72} style={{ flexShrink: 0 }}>
        <ItemStateBadge state={item.state} />
      </Box>
      <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
        <Anchor component={Link} to={`/monitoring/items/${item.itemId}`} size="sm" fw={600} style={{ overflowWrap: 'anywhere' }} data-testid="problem-link">
          {item.target}
        </Anchor>
        <Text size="xs" c="dimmed">
          {item.name} · {shortDateTime(item.lastChangeAt ?? item.lastCheckAt)}
        </Text>
        <SuppressedBadge show={item.suppressed} />
      </Stack>
      <Box style={{ flexShrink: 0, textAlign: 'right' }}>
        <ValueCell item={item} />
      </Box>
    </Group>
  );
}

function Problems({ items }: { items: BoardItem[] }) {
  const t = useMT();
  return (
    <Card withBorder padding="md" data-testid="board-problems">
      <Group justify="space-between" mb={4}>
        <Title order={3} size="h4">
          {t('mon.problems')}
        </Title>
        <Badge color={items.length ? 'red' : 'green'} variant={items.length ? 'filled' : 'light'} data-testid="problems-count">
          {items.length}
        </Badge>
      </Group>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('mon.problems.none')}
        </Text>
      ) : (
        <Stack gap={0}>
          {items.map((i) => (
            <ProblemRow key={i.itemId} item={i} />
          ))}
          {items.length >= 200 && (
            <Text size="xs" c="dimmed" mt={4}>
              {t('mon.problems.more', { n: items.length })}
            </Text>
          )}
        </Stack>
      )}
    </Card>
  );
}

/** 監視状況: totals, the roll-up by the chosen grouping and the items in trouble, refreshed every 10 s. */
export function StatusBoard() {
  const t = useMT();
  const [sp, setSp] = useSearchParams();
  const raw = sp.get('by');
  const by: BoardGroup = (BOARD_GROUPS as readonly string[]).includes(raw ?? '') ? (raw as BoardGroup) : 'site';
  const board = useQuery({
    queryKey: ['monitoring', 'board', by],
    queryFn: ({ signal }) => getBoard(by, signal),
    refetchInterval: REFRESH_MS,
    refetchIntervalInBackground: false,
    staleTime: 0,
    placeholderData: keepPreviousData,
  });
  const b = board.data;
  return (
    <Stack gap="md" data-testid="status-board" data-by={b?.by}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Title order={2}>{t('mon.board.title')}</Title>
        <Group gap="xs">
          {b && (
            <Tooltip label={t('mon.board.auto')} withArrow>
              <Badge variant="light" color="gray" size="lg" tt="none" ff="monospace" data-testid="board-updated" data-at={b.at}>
                {t('mon.board.updated', { time: jstTime(b.at) })}
              </Badge>
            </Tooltip>
          )}
          <ActionIcon variant="default" onClick={() => board.refetch()} loading={board.isFetching} aria-label={t('mon.board.refresh')} title={t('mon.board.refresh')} data-testid="board-refresh">
            ↻
          </ActionIcon>
        </Group>
      </Group>
      <ErrorAlert error={board.error} />
      {!b ? (
        board.isPending && <PageLoader />
      ) : (
        <>
          <Totals totals={b.totals} />
          <Group gap="sm" wrap="wrap">
            <Text size="sm" fw={600}>
              {t('mon.board.by')}
            </Text>
            <SegmentedControl
              value={by}
              onChange={(v) =>
                setSp(
                  (prev) => {
                    const next = new URLSearchParams(prev);
                    next.set('by', v);
                    return next;
                  },
                  { replace: true },
                )
              }
              data={BOARD_GROUPS.map((g) => ({ value: g, label: byLabel(t, g) }))}
              data-testid="board-by"
            />
          </Group>
          <Grid gap="md">
            <Grid.Col span={{ base: 12, lg: 7 }}>{b.by === by ? <Groups key={by} by={by} groups={b.groups} /> : <PageLoader />}</Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <Problems items={b.problems} />
            </Grid.Col>
          </Grid>
        </>
      )}
    </Stack>
  );
}
