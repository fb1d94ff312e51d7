import { Anchor, Badge, Button, Card, Checkbox, Group, Select, SimpleGrid, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useLocalStorage } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FilterInput } from '../../components/FilterInput';
import { ListFooter } from '../../components/ListFooter';
import { type Column, LedgerTable } from '../../components/LedgerTable';
import { ListPage } from '../../components/ListPage';
import { useKeysetPages } from '../../components/useKeysetPages';
import { PAGE_SIZE, type ListParamsState, useListParams } from '../../components/useListParams';
import { useDateTime, useLang, useT } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { flowQuery } from '../../workbench';
import { bi, OverdueBadge, PriorityBadge, StateBadge } from './common';
import { type IT, labelOf, useIT } from './i18n';
import {
  type Bilingual,
  getStocktake,
  INCIDENT_CLASSES,
  type IncidentListQuery,
  type IncidentRow,
  incidentExportHref,
  listIncidents,
  reportsDue,
} from './incidentsApi';

export function ParamSelect({
  params,
  name,
  label,
  data,
  w = 170,
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
      w={{ base: '100%', xs: w }}
      data-testid={`filter-${name}`}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function ParamCheck({ params, name, label }: { params: ListParamsState; name: string; label: string }) {
  return (
    <Checkbox
      label={label}
      checked={params.extra(name) === 'true'}
      onChange={(e) => params.setExtra(name, e.currentTarget.checked ? 'true' : null)}
      data-testid={`filter-${name}`}
    />
  );
}

export function ExportLinks({ href }: { href: (f: 'xlsx' | 'csv') => string }) {
  const t = useIT();
  return (
    <Group gap="xs">
      <Button component="a" href={href('xlsx')} variant="default" size="sm" data-testid="export-xlsx" download>
        {t('inc.export.xlsx')}
      </Button>
      <Button component="a" href={href('csv')} variant="default" size="sm" data-testid="export-csv" download>
        {t('inc.export.csv')}
      </Button>
    </Group>
  );
}

const nowrapTd = { style: { whiteSpace: 'nowrap' } } as const;

/** Columns the incident and problem ledgers share: receipt number (linked), registration time, state and priority. */
export function receiptColumn<R extends { id: string; receiptNo: string }>(header: string, link: (row: R) => ReactNode): Column<R> {
  return { key: 'receiptNo', header, sortKey: 'receiptNo', td: nowrapTd, render: link };
}
export function registeredColumn<R extends { registeredAt: string }>(header: string, fmt: (d: string) => string): Column<R> {
  return { key: 'registeredAt', header, sortKey: 'registeredAt', td: nowrapTd, render: (r) => <Text size="sm">{fmt(r.registeredAt)}</Text> };
}
export function stateAndPriorityColumns<R extends { state: string; stateLabel: Bilingual; priority: string | null | undefined }>(t: IT): Column<R>[] {
  return [
    { key: 'state', header: t('inc.state'), sortKey: 'state', render: (r) => <StateBadge state={r.state} label={r.stateLabel} /> },
    { key: 'priority', header: t('inc.priority'), sortKey: 'priority', render: (r) => <PriorityBadge priority={r.priority} /> },
  ];
}

export const classLabel = (t: IT, c: string) => labelOf(t, `inc.cls.${c}`, c);

function IncidentLink({ row }: { row: { id: string; receiptNo: string } }) {
  return (
    <Anchor component={Link} to={`/incidents/${row.id}`} ff="monospace" size="sm" style={{ whiteSpace: 'nowrap', flexShrink: 0 }} data-testid="incident-link">
      {row.receiptNo}
    </Anchor>
  );
}

function MiniList({ title, rows, testId, extra }: { title: string; rows: IncidentRow[]; testId: string; extra?: (r: IncidentRow) => ReactNode }) {
  const t = useIT();
  return (
    <Stack gap={4} data-testid={testId}>
      <Text fw={700} size="sm">
        {title}
      </Text>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('inc.dash.none')}
        </Text>
      ) : (
        rows.slice(0, 8).map((r) => (
          <Group key={r.id} gap={6} wrap="nowrap" align="flex-start" data-testid={`${testId}-row`}>
            <IncidentLink row={r} />
            <Text size="sm" lineClamp={1} style={{ flex: 1, minWidth: 0 }}>
              {r.title}
            </Text>
            {extra?.(r)}
          </Group>
        ))
      )}
    </Stack>
  );
}

/**
 * 進捗管理: reports due within the hour and the daily stocktake (INC-7, INC-9). One line of counts
 * above the ledger; the lists open below it on demand (the choice is kept in this browser).
 */
function Dashboard() {
  const t = useIT();
  const tg = useT();
  const fmt = useDateTime();
  const [open, setOpen] = useLocalStorage({ key: 'kiban.incidents.dashboardOpen', defaultValue: false, getInitialValueInEffect: false });
  const due = useQuery({ queryKey: ['incidents', 'reports-due'], queryFn: ({ signal }) => reportsDue(signal), refetchInterval: 60_000 });
  const st = useQuery({ queryKey: ['incidents', 'stocktake'], queryFn: ({ signal }) => getStocktake(signal), refetchInterval: 60_000 });
  const lists: { title: string; rows: IncidentRow[]; testId: string; urgent: boolean; extra?: (r: IncidentRow) => ReactNode }[] = [
    {
      title: t('inc.dash.reportsDue'),
      rows: due.data?.items ?? [],
      testId: 'dash-due',
      urgent: true,
      extra: (r) => {
        const d = r as IncidentRow & { dueAt: string; overdue: boolean };
        return (
          <Text size="xs" c={d.overdue ? 'red.8' : undefined} fw={d.overdue ? 700 : undefined} style={{ whiteSpace: 'nowrap' }}>
            {fmt(d.dueAt)}
          </Text>
        );
      },
    },
    {
      title: t('inc.dash.overdue'),
      rows: st.data?.overdue ?? [],
      testId: 'dash-overdue',
      urgent: true,
      extra: (r) => (
        <Text size="xs" c="red.8" style={{ whiteSpace: 'nowrap' }}>
          {((r as IncidentRow & { reasons: string[] }).reasons ?? []).map((x) => labelOf(t, `inc.reason.${x}`, x)).join('・')}
        </Text>
      ),
    },
    { title: t('inc.dash.undispatched'), rows: st.data?.undispatched ?? [], testId: 'dash-undispatched', urgent: false },
    { title: t('inc.dash.awaitingClose'), rows: st.data?.awaitingClose ?? [], testId: 'dash-awaiting', urgent: false },
  ];
  return (
    <Card withBorder padding="xs" data-testid="incident-dashboard" data-open={open}>
      <UnstyledButton
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        title={open ? tg('list.hideDetails') : tg('list.showDetails')}
        style={{ width: '100%' }}
        data-testid="dash-toggle"
      >
        <Group justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="md" wrap="wrap" style={{ rowGap: 4 }}>
            <Title order={3} size="h5">
              {t('inc.dash.title')}
            </Title>
            {lists.map((l) => (
              <Group key={l.testId} gap={4} wrap="nowrap">
                <Text size="sm">{l.title}</Text>
                <Badge
                  size="sm"
                  variant={l.rows.length ? 'filled' : 'light'}
                  color={l.rows.length ? (l.urgent ? 'red' : 'orange') : 'gray'}
                  data-testid={`${l.testId}-count`}
                >
                  {l.rows.length}
                </Badge>
              </Group>
            ))}
          </Group>
          <Text size="sm" c="dimmed" aria-hidden>
            {open ? '▴' : '▾'}
          </Text>
        </Group>
      </UnstyledButton>
      <ErrorAlert error={due.error ?? st.error} />
      {open && (
        <Stack gap="xs" mt="xs">
          <SimpleGrid cols={{ base: 1, sm: 2, xl: 4 }} spacing="md">
            {lists.map((l) => (
              <MiniList key={l.testId} title={l.title} rows={l.rows} testId={l.testId} extra={l.extra} />
            ))}
          </SimpleGrid>
          {st.data && (
            <Text size="xs" c="dimmed" ta="right">
              {t('inc.dash.at', { at: fmt(st.data.at) })}
            </Text>
          )}
        </Stack>
      )}
    </Card>
  );
}

export function IncidentLedger() {
  const t = useIT();
  const fmt = useDateTime();
  const { lang } = useLang();
  const user = useUser();
  const params = useListParams();
  const { q, page, extra } = params;
  const sort = params.sort || '-registeredAt';
  const query: IncidentListQuery = {
    q,
    sort,
    class: extra('class') ?? undefined,
    state: extra('state') ?? undefined,
    priority: extra('priority') ?? undefined,
    overdue: extra('overdue') ?? undefined,
    open: extra('open') ?? undefined,
  };
  // Walking on page by page asks by cursor (keyset); a page number jumped to is asked by offset.
  const keyset = useKeysetPages(JSON.stringify(query));
  const after = keyset.after(page);
  const list = useQuery({
    queryKey: ['incidents', 'list', { ...query, page, after }],
    queryFn: async ({ signal }) => {
      const r = await listIncidents({ ...query, page, pageSize: PAGE_SIZE, after }, signal);
      keyset.learn(page, r.next);
      return r;
    },
    placeholderData: keepPreviousData,
  });
  const proc = useQuery(flowQuery('incident'));
  const canManage = hasPermission(user, 'incident.manage');
  return (
    <Stack gap="md">
      <Dashboard />
      <ListPage
        title={t('inc.title')}
        testId="incident-ledger"
        minWidth={980}
        toolbar={
          <>
            <FilterInput value={q} onChange={params.setQ} />
            <ParamSelect
              params={params}
              name="class"
              label={t('inc.class')}
              data={INCIDENT_CLASSES.map((c) => ({ value: c, label: classLabel(t, c) }))}
              w={140}
            />
            <ParamSelect
              params={params}
              name="state"
              label={t('inc.state')}
              data={(proc.data?.states ?? []).map((s) => ({ value: s.key, label: bi(lang, s.label) }))}
              w={220}
            />
            <ParamSelect
              params={params}
              name="priority"
              label={t('inc.priority')}
              data={(['high', 'low'] as const).map((p) => ({ value: p, label: t(`inc.pri.${p}`) }))}
              w={120}
            />
            <ParamCheck params={params} name="overdue" label={t('inc.overdueOnly')} />
            <ParamCheck params={params} name="open" label={t('inc.openOnly')} />
            <ExportLinks href={(f) => incidentExportHref(f, query)} />
            {canManage && (
              <Button component={Link} to="/incidents/new" data-testid="incident-new">
                {t('inc.new')}
              </Button>
            )}
          </>
        }
        error={list.error}
        loading={list.isFetching}
        table={
          <LedgerTable
            rows={list.data?.items}
            sort={sort}
            onSort={params.setSort}
            empty={labelOf(t, 'inc.dash.none', '')}
            rowProps={() => ({ 'data-testid': 'incident-row' })}
            ledgerId="incidents"
            data-testid="incidents-table"
            columns={[
              receiptColumn<IncidentRow>(t('inc.receiptNo'), (r) => <IncidentLink row={r} />),
              registeredColumn(t('inc.registeredAt'), fmt),
              {
                key: 'class',
                header: t('inc.class'),
                sortKey: 'class',
                render: (r) => (
                  <Badge variant="outline" color={r.class === 'trouble' ? 'red' : r.class === 'qa' ? 'cyan' : 'violet'} tt="none">
                    {classLabel(t, r.class)}
                  </Badge>
                ),
              },
              {
                key: 'title',
                header: t('inc.titleField'),
                sortKey: 'title',
                ellipsis: 'grow',
                title: (r) => r.title,
                render: (r) => (
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" truncate>
                      {r.title}
                    </Text>
                    <OverdueBadge show={r.overdue} />
                  </Group>
                ),
              },
              ...stateAndPriorityColumns<IncidentRow>(t),
              { key: 'detectedAt', header: t('inc.detectedAt'), sortKey: 'detectedAt', defaultHidden: true, render: (r) => fmt(r.detectedAt) },
              { key: 'source', header: t('inc.source'), defaultHidden: true, render: (r) => labelOf(t, `inc.src.${r.source}`, r.source) },
              { key: 'requesterName', header: t('inc.requester'), ellipsis: 200, defaultHidden: true, render: (r) => r.requesterName ?? '—' },
              { key: 'dueAt', header: t('inc.dueAt'), defaultHidden: true, render: (r) => (r.dueAt ? fmt(r.dueAt) : '—') },
              {
                key: 'nextReportDueAt',
                header: t('inc.nextReportDueAt'),
                sortKey: 'nextReportDueAt',
                td: nowrapTd,
                render: (r) => <Text size="sm">{r.nextReportDueAt && !r.finalReportedAt && r.state !== 'closed' ? fmt(r.nextReportDueAt) : '—'}</Text>,
              },
            ]}
          />
        }
        footer={
          list.data && (
            <ListFooter
              total={list.data.total}
              exact={list.data.totalExact}
              hasNext={Boolean(list.data.next)}
              shown={list.data.items.length}
              page={page}
              pageSize={list.data.pageSize || PAGE_SIZE}
              onPage={params.setPage}
            />
          )
        }
      />
    </Stack>
  );
}
