import { Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { ScheduleLink } from './SchedulePage';
import { FilterInput } from '../../components/FilterInput';
import { LedgerTable } from '../../components/LedgerTable';
import { ListFooter } from '../../components/ListFooter';
import { ListPage } from '../../components/ListPage';
import { PAGE_SIZE, useListParams } from '../../components/useListParams';
import { useDateTime, useLang } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { bi, flowQuery } from '../../workbench';
import { PriorityBadge, StateBadge } from '../incidents/common';
import { ExportLinks, ParamCheck, ParamSelect, receiptColumn, registeredColumn } from '../incidents/IncidentLedger';
import { CHANGE_SOURCES, changeExportHref, listChanges } from './changesApi';
import { useCT } from './i18n';

/**
 * States in which the work the 納期 (release date) is about is done: the completion report is in
 * (completion_review, close_review) or the change has ended. Past its due date there it is not overdue.
 */
const WORK_DONE = ['completion_review', 'close_review', 'closed', 'not_implemented', 'cancelled'];
/** Only open work past its due date is overdue — the inbox's rule (src/process/deadlines.ts isOverdue: due < now). */
export const changeOverdue = (c: { dueAt: string | null | undefined; state: string }, now = new Date()) => !!c.dueAt && !WORK_DONE.includes(c.state) && new Date(c.dueAt) < now;

/** A change's 納期, in red with a badge once past (and the work not done). */
export function ChangeDue({ dueAt, state, final }: { dueAt: string | null | undefined; state?: string; final?: boolean }) {
  const t = useCT();
  const fmt = useDateTime();
  const overdue = !final && changeOverdue({ dueAt, state: state ?? '' });
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm" c={overdue ? 'red.8' : undefined} fw={overdue ? 700 : undefined}>
        {dueAt ? fmt(dueAt) : '—'}
      </Text>
      {overdue && (
        <Badge color="red" size="sm" tt="none" data-testid="overdue-badge">
          {t('chg.overdue')}
        </Badge>
      )}
    </Group>
  );
}


/** 変更管理台帳 (CHG-1): filters, sort and page on the server, XLSX/CSV export of what is filtered. */
export function ChangeLedger() {
  const t = useCT();
  const fmt = useDateTime();
  const { lang } = useLang();
  const user = useUser();
  const params = useListParams();
  const { q, page, extra } = params;
  const sort = params.sort || '-registeredAt';
  const query = { q, sort, state: extra('state') ?? undefined, priority: extra('priority') ?? undefined, source: extra('source') ?? undefined, open: extra('open') ?? undefined };
  const list = useQuery({
    queryKey: ['changes', 'list', { ...query, page }],
    queryFn: ({ signal }) => listChanges({ ...query, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  const proc = useQuery(flowQuery('change'));
  return (
    <ListPage
      title={t('chg.title')}
      testId="change-ledger"
      minWidth={900}
      toolbar={
        <>
          <FilterInput value={q} onChange={params.setQ} />
          <ParamSelect params={params} name="state" label={t('chg.state')} data={(proc.data?.states ?? []).map((s) => ({ value: s.key, label: bi(lang, s.label) }))} w={220} />
          <ParamSelect params={params} name="priority" label={t('chg.priority')} data={(['high', 'low'] as const).map((p) => ({ value: p, label: t(`chg.pri.${p}`) }))} w={110} />
          <ParamSelect params={params} name="source" label={t('chg.source')} data={CHANGE_SOURCES.map((s) => ({ value: s, label: t(`chg.src.${s}`) }))} w={190} />
          <ParamCheck params={params} name="open" label={t('chg.openOnly')} />
          <ExportLinks href={(f) => changeExportHref(f, query)} />
          <ScheduleLink />
          {hasPermission(user, 'change.manage') && (
            <Button component={Link} to="/changes/new" data-testid="change-new">
              {t('chg.new')}
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
          empty={t('chg.none')}
          rowProps={() => ({ 'data-testid': 'change-row' })}
          ledgerId="changes"
          data-testid="changes-table"
          columns={[
            receiptColumn(t('chg.receiptNo'), (c) => (
              <Anchor component={Link} to={`/changes/${c.id}`} ff="monospace" size="sm" data-testid="change-link">
                {c.receiptNo}
              </Anchor>
            )),
            { ...registeredColumn(t('chg.registeredAt'), fmt), defaultHidden: true },
            { key: 'source', header: t('chg.source'), sortKey: 'source', render: (c) => t(`chg.src.${c.source}`) },
            { key: 'title', header: t('chg.titleField'), sortKey: 'title', ellipsis: 'grow', title: (c) => c.title, render: (c) => c.title },
            { key: 'targets', header: t('chg.targets'), ellipsis: 240, title: (c) => c.targetNames.join('、'), render: (c) => c.targetNames.join('、') || (c.slSystemName ?? '—') },
            { key: 'priority', header: t('chg.priority'), sortKey: 'priority', render: (c) => <PriorityBadge priority={c.priority} /> },
            { key: 'dueAt', header: t('chg.dueAt'), sortKey: 'dueAt', render: (c) => <ChangeDue dueAt={c.dueAt} state={c.state} /> },
            { key: 'state', header: t('chg.state'), sortKey: 'state', render: (c) => <StateBadge state={c.state} label={c.stateLabel} /> },
          ]}
        />
      }
      footer={list.data && <ListFooter total={list.data.total} page={page} pageSize={list.data.pageSize || PAGE_SIZE} onPage={params.setPage} />}
    />
  );
}

/**
 * On a problem's page: the changes carrying its permanent fix, and — once the fix is decided (恒久対処を
 * 実施する) — 変更を登録, which opens the change intake prefilled with the problem.
 */
export function ProblemChanges({ problem }: { problem: { id: string; receiptNo: string; title: string; state: string; permanentFix: string | null } }) {
  const t = useCT();
  const user = useUser();
  const list = useQuery({ queryKey: ['changes', 'of-problem', problem.id], queryFn: ({ signal }) => listChanges({ problemId: problem.id, pageSize: 100, sort: 'receiptNo' }, signal) });
  const canRegister = hasPermission(user, 'change.manage') && (problem.state === 'study_reported' || problem.state === 'implementing');
  const prefill = new URLSearchParams({ source: 'problem_fix', problemId: problem.id, problemLabel: `${problem.receiptNo} ${problem.title}`, title: problem.title, description: problem.permanentFix ?? '' });
  if (!hasPermission(user, 'change.read')) return null;
  return (
    <Stack gap={4} data-testid="problem-changes">
      <Group justify="space-between">
        <Text fw={600} size="sm">
          {t('chg.problemChanges')}
        </Text>
        {canRegister && (
          <Button size="xs" variant="light" component={Link} to={`/changes/new?${prefill}`} data-testid="problem-change-register">
            {t('chg.problemChanges.register')}
          </Button>
        )}
      </Group>
      {(list.data?.items ?? []).length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('chg.problemChanges.none')}
        </Text>
      ) : (
        list.data!.items.map((c) => (
          <Group key={c.id} gap={6} wrap="nowrap" data-testid="problem-change">
            <Anchor component={Link} to={`/changes/${c.id}`} ff="monospace" size="sm">
              {c.receiptNo}
            </Anchor>
            <Text size="sm" lineClamp={1} style={{ flex: 1 }}>
              {c.title}
            </Text>
            <StateBadge state={c.state} label={c.stateLabel} />
          </Group>
        ))
      )}
    </Stack>
  );
}
