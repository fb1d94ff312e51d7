import { ActionIcon, Alert, Anchor, Badge, Box, Button, Card, Group, Stack, Text, Title, Tooltip } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router-dom';
import { ListFooter } from '../../components/ListFooter';
import { LedgerTable } from '../../components/LedgerTable';
import { ListPage } from '../../components/ListPage';
import { PAGE_SIZE, useListParams } from '../../components/useListParams';
import { useDateTime } from '../../i18n';
import type { User } from '../../api';
import { userRoleCodes, useUser } from '../../session';
import { useBi } from './common';
import { ParamSelect } from './GroupItems';
import { type MT, useMT } from './i18n';
import { flowQuery, type ProcessFlow } from '../../workbench';
import { suppressionRulesQuery, jstTime, jstYmd, listSuppressions, type SuppressionRow, type SuppressionRules } from './monitoringApi';

/** Calendar colours by state: 申請中 / 差戻し / 抑止予定 / 抑止中 / 再開済 (withdrawn requests are not drawn). */
export const SUP_COLORS: Record<string, string> = {
  submitted: 'yellow',
  returned: 'orange',
  approved: 'blue',
  active: 'violet',
  completed: 'gray',
  withdrawn: 'gray',
};

/** Who may request (N §3.7.3.3: 担当者・管理者・システム所管・統括責任者); the server checks again. */
export function canRequest(user: User): boolean {
  return userRoleCodes(user).some((r) => ['operator', 'vendor_manager', 'system_owner', 'supervisor'].includes(r));
}

export function SupStateBadge({ s, size = 'sm' }: { s: Pick<SuppressionRow, 'state' | 'stateLabel'>; size?: 'sm' | 'md' | 'lg' }) {
  const bi = useBi();
  return (
    <Badge color={SUP_COLORS[s.state] ?? 'gray'} variant={s.state === 'active' || s.state === 'submitted' ? 'filled' : 'light'} tt="none" size={size} data-testid="sup-state" data-state={s.state}>
      {bi(s.stateLabel)}
    </Badge>
  );
}

export function RuleNote({ rules }: { rules: SuppressionRules | undefined }) {
  const t = useMT();
  if (!rules) return null;
  return (
    <Alert color="blue" variant="light" p="xs" data-testid="sup-rule">
      <Text size="sm">{t('mon.sup.rule', { days: rules.leadBusinessDays, max: rules.maxWindowDays })}</Text>
      {rules.plannedStopKeepsMonitoring && <Text size="sm">{t('mon.sup.rulePlanned')}</Text>}
    </Alert>
  );
}

/** "12月4日 20:00 〜 22:00" (same day) or "12月4日 20:00 〜 12月5日 06:00". */
export function windowText(fmt: (iso: string) => string, s: Pick<SuppressionRow, 'startsAt' | 'endsAt'>): string {
  return jstYmd(s.startsAt) === jstYmd(s.endsAt) ? `${fmt(s.startsAt)} 〜 ${jstTime(s.endsAt, false)}` : `${fmt(s.startsAt)} 〜 ${fmt(s.endsAt)}`;
}

// ── the month calendar ──────────────────────────────────────────────────────────────────────
const ymdOf = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

function monthDays(y: number, m: number): (string | null)[] {
  const first = new Date(Date.UTC(y, m - 1, 1));
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const cells: (string | null)[] = Array.from({ length: first.getUTCDay() }, () => null);
  for (let d = 1; d <= days; d++) cells.push(ymdOf(y, m, d));
  while (cells.length % 7) cells.push(null);
  return cells;
}

const filled = (state: string) => state === 'submitted' || state === 'active';
function chipColors(state: string): { color: string; background: string } {
  const c = SUP_COLORS[state] ?? 'gray';
  if (c === 'yellow') return { color: 'var(--mantine-color-dark-8)', background: 'var(--mantine-color-yellow-4)' };
  return filled(state) ? { color: 'white', background: `var(--mantine-color-${c}-6)` } : { color: `var(--mantine-color-${c}-9)`, background: `var(--mantine-color-${c}-1)` };
}

/** The part of the window on this day: "20:00–22:00", "20:00〜", "〜06:00" or "終日". */
function chipTime(s: SuppressionRow, day: string): string {
  const startDay = jstYmd(s.startsAt);
  const endDay = jstYmd(new Date(new Date(s.endsAt).getTime() - 1));
  if (startDay === day && endDay === day) return `${jstTime(s.startsAt, false)}–${jstTime(s.endsAt, false)}`;
  if (startDay === day) return `${jstTime(s.startsAt, false)}〜`;
  if (endDay === day) return `〜${jstTime(s.endsAt, false)}`;
  return '〜';
}

function Legend({ states }: { states: ProcessFlow['states'] }) {
  const t = useMT();
  const bi = useBi();
  return (
    <Group gap={6} wrap="wrap" data-testid="sup-legend">
      <Text size="xs" c="dimmed">
        {t('mon.sup.legend')}:
      </Text>
      {['submitted', 'returned', 'approved', 'active', 'completed'].map((s) => (
        <Badge key={s} color={SUP_COLORS[s]} variant={filled(s) ? 'filled' : 'light'} tt="none" size="sm">
          {bi(states.find((x) => x.key === s)?.label ?? { ja: s, en: s })}
        </Badge>
      ))}
    </Group>
  );
}

const CHIPS_PER_DAY = 3;

export function SuppressionCalendar({ month, onMonth, highlight }: { month: string; onMonth: (m: string) => void; highlight?: string | null }) {
  const t = useMT();
  const fmt = useDateTime();
  const bi = useBi();
  const [y, m] = month.split('-').map(Number) as [number, number];
  const proc = useQuery(flowQuery('monitoring_suppression'));
  // The windows touching this month (JST), asked of the server by overlap.
  const from = `${month}-01T00:00:00+09:00`;
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  const all = useQuery({
    queryKey: ['monitoring', 'suppressions', 'calendar', month],
    queryFn: ({ signal }) => listSuppressions({ sort: 'startsAt', pageSize: 500, from, to: `${next}-01T00:00:00+09:00` }, signal),
    refetchInterval: 60_000,
  });
  const cells = useMemo(() => monthDays(y, m), [y, m]);
  const today = jstYmd(new Date());
  const byDay = useMemo(() => {
    const map = new Map<string, SuppressionRow[]>();
    for (const s of all.data?.items ?? []) {
      if (s.state === 'withdrawn') continue;
      const from = jstYmd(s.startsAt);
      const to = jstYmd(new Date(new Date(s.endsAt).getTime() - 1));
      for (const d of cells) if (d && d >= from && d <= to) map.set(d, [...(map.get(d) ?? []), s]);
    }
    for (const list of map.values()) list.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    return map;
  }, [all.data, cells]);
  const shift = (n: number) => {
    const d = new Date(Date.UTC(y, m - 1 + n, 1));
    onMonth(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  };
  return (
    <Card withBorder padding="md" data-testid="sup-calendar" data-month={month}>
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Group gap="xs">
          <Title order={3} size="h4">
            {t('mon.sup.calendar')}
          </Title>
          <ActionIcon variant="default" onClick={() => shift(-1)} aria-label={t('mon.sup.prev')} data-testid="cal-prev">
            ‹
          </ActionIcon>
          <Text fw={700} data-testid="cal-month" miw={90} ta="center">
            {t('mon.sup.month', { y, m })}
          </Text>
          <ActionIcon variant="default" onClick={() => shift(1)} aria-label={t('mon.sup.next')} data-testid="cal-next">
            ›
          </ActionIcon>
          <Button variant="subtle" size="xs" onClick={() => onMonth(today.slice(0, 7))}>
            {t('mon.sup.today')}
          </Button>
        </Group>
        <Legend states={proc.data?.states ?? []} />
      </Group>
      <Box style={{ display: 'grid', gridTemplateColumns: 'repeat(7, minmax(0, 1fr))', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4, overflow: 'hidden' }}>
        {[0, 1, 2, 3, 4, 5, 6].map((w) => (
          <Text key={w} size="xs" fw={700} ta="center" py={4} bg="gray.0" c={w === 0 ? 'red.7' : w === 6 ? 'blue.7' : undefined} style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
            {t(`mon.wd.${w}` as 'mon.wd.0')}
          </Text>
        ))}
        {cells.map((d, n) => {
          const list = d ? (byDay.get(d) ?? []) : [];
          const w = n % 7;
          return (
            <Box
              key={d ?? `x${n}`}
              p={4}
              mih={92}
              bg={!d ? 'gray.0' : d === today ? 'blue.0' : undefined}
              style={{ borderTop: n >= 7 ? '1px solid var(--mantine-color-gray-2)' : undefined, borderLeft: w ? '1px solid var(--mantine-color-gray-2)' : undefined, minWidth: 0 }}
              data-testid={d ? 'cal-day' : undefined}
              data-day={d ?? undefined}
            >
              {d && (
                <Text size="xs" fw={d === today ? 800 : 500} c={w === 0 ? 'red.7' : w === 6 ? 'blue.7' : 'dimmed'}>
                  {Number(d.slice(8))}
                </Text>
              )}
              <Stack gap={2}>
                {d &&
                  list.slice(0, CHIPS_PER_DAY).map((s) => (
                    <Tooltip key={s.id} label={`${bi(s.stateLabel)} · ${windowText(fmt, s)}`} withArrow openDelay={300}>
                      <Box
                        component={Link}
                        to={`/monitoring/suppressions/${s.id}`}
                        px={5}
                        py={2}
                        fz={11}
                        lh={1.3}
                        style={{
                          display: 'block',
                          borderRadius: 4,
                          textDecoration: 'none',
                          ...chipColors(s.state),
                          borderLeft: `3px solid var(--mantine-color-${SUP_COLORS[s.state] ?? 'gray'}-7)`,
                          outline: highlight === s.id ? '2px solid var(--mantine-color-dark-5)' : undefined,
                          outlineOffset: 1,
                          overflow: 'hidden',
                        }}
                        data-testid="cal-chip"
                        data-id={s.id}
                        data-state={s.state}
                      >
                        <Text span fz={11} fw={700} style={{ display: 'block' }}>
                          {chipTime(s, d)} {bi(s.stateLabel)}
                        </Text>
                        <Text span fz={11} lineClamp={2} style={{ color: 'inherit' }}>
                          {s.systemNames.join('、') || '—'}
                        </Text>
                      </Box>
                    </Tooltip>
                  ))}
                {list.length > CHIPS_PER_DAY && (
                  <Text size="xs" c="dimmed">
                    {t('mon.sup.more', { n: list.length - CHIPS_PER_DAY })}
                  </Text>
                )}
              </Stack>
            </Box>
          );
        })}
      </Box>
    </Card>
  );
}

const reasonLabel = (t: MT, r: string) => t(`mon.sup.reason.${r}` as 'mon.sup.reason.other');

/** 監視の一時抑止: the rule, the month calendar of windows and the requests. */
export function Suppressions() {
  const t = useMT();
  const bi = useBi();
  const fmt = useDateTime();
  const user = useUser();
  const location = useLocation();
  const [sp, setSp] = useSearchParams();
  const params = useListParams();
  const { page, extra } = params;
  const month = /^\d{4}-\d{2}$/.test(sp.get('month') ?? '') ? sp.get('month')! : jstYmd(new Date()).slice(0, 7);
  const [flash, setFlash] = useState<string | null>(() => (location.state as { flash?: string } | null)?.flash ?? null);
  const proc = useQuery(flowQuery('monitoring_suppression'));
  const rules = useQuery(suppressionRulesQuery);
  const query = { state: extra('state') ?? undefined, sort: params.sort || '-startsAt' };
  const list = useQuery({
    queryKey: ['monitoring', 'suppressions', 'list', { ...query, page }],
    queryFn: ({ signal }) => listSuppressions({ ...query, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack gap="md" data-testid="suppressions">
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>{t('mon.sup.title')}</Title>
        {canRequest(user) && (
          <Button component={Link} to="/monitoring/suppressions/new" data-testid="sup-new">
            {t('mon.sup.new')}
          </Button>
        )}
      </Group>
      {flash && (
        <Alert color="green" variant="light" withCloseButton onClose={() => setFlash(null)} data-testid="flash">
          {flash}
        </Alert>
      )}
      <RuleNote rules={rules.data} />
      <SuppressionCalendar
        month={month}
        highlight={sp.get('created')}
        onMonth={(m) =>
          setSp(
            (prev) => {
              const next = new URLSearchParams(prev);
              next.set('month', m);
              return next;
            },
            { replace: true },
          )
        }
      />
      <ListPage
        title={t('mon.sup.list')}
        testId="sup-list"
        minWidth={900}
        toolbar={<ParamSelect params={params} name="state" label={t('mon.sup.state')} data={(proc.data?.states ?? []).map((s) => ({ value: s.key, label: bi(s.label) }))} w={160} />}
        error={list.error}
        loading={list.isFetching && list.isPlaceholderData}
        table={
          <LedgerTable<SuppressionRow>
            rows={list.data?.items}
            sort={query.sort}
            onSort={params.setSort}
            empty={t('mon.sup.empty')}
            rowProps={(r) => ({ 'data-testid': 'sup-row', 'data-state': r.state })}
            ledgerId="monitoring.suppressions"
            data-testid="sup-table"
            columns={[
              { key: 'state', header: t('mon.sup.state'), sortKey: 'state', render: (r) => <SupStateBadge s={r} /> },
              {
                key: 'startsAt',
                header: t('mon.sup.window'),
                sortKey: 'startsAt',
                render: (r) => (
                  <Anchor component={Link} to={`/monitoring/suppressions/${r.id}`} size="sm" data-testid="sup-link">
                    {windowText(fmt, r)}
                  </Anchor>
                ),
              },
              { key: 'systems', header: t('mon.sup.systems'), ellipsis: 'grow', render: (r) => r.systemNames.join('、') || '—' },
              { key: 'reason', header: t('mon.sup.reason'), ellipsis: 260, render: (r) => `${reasonLabel(t, r.reason)} · ${t(`mon.sup.methodShort.${r.method}`)}` },
              {
                key: 'submittedAt',
                header: t('mon.sup.submittedAt'),
                sortKey: 'submittedAt',
                render: (r) => (
                  <Group gap={4} wrap="nowrap">
                    <Text span size="sm">
                      {fmt(r.submittedAt)}
                    </Text>
                    {r.late && (
                      <Badge size="xs" color="red" variant="light" tt="none">
                        {t('mon.sup.late')}
                      </Badge>
                    )}
                  </Group>
                ),
              },
              { key: 'requestedBy', header: t('mon.sup.requestedBy'), ellipsis: 200, render: (r) => r.requestedByLabel },
            ]}
          />
        }
        footer={list.data && <ListFooter total={list.data.total} page={page} pageSize={list.data.pageSize || PAGE_SIZE} onPage={params.setPage} />}
      />
    </Stack>
  );
}
