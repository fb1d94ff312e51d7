import { Alert, Anchor, Button, Stack, Text } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { FilterInput } from '../../components/FilterInput';
import { LedgerTable } from '../../components/LedgerTable';
import { ListFooter } from '../../components/ListFooter';
import { ListPage } from '../../components/ListPage';
import { PAGE_SIZE, useListParams } from '../../components/useListParams';
import { useDateTime } from '../../i18n';
import { ExportLinks, ParamCheck, ParamSelect } from '../incidents/IncidentLedger';
import { ChangeForm } from './ChangeForm';
import { ActiveBadge, categoryLabel, frequencyLabel, nowrap, ownerRoleLabel, scopeLabel } from './common';
import { useOT } from './i18n';
import { OperationsTabs } from './OperationsScreen';
import { entriesExportHref, listEntries, OPERATION_CATEGORIES, OPERATION_FREQUENCIES, OPERATION_SCOPES, seedEntries } from './operationsApi';

/**
 * オペレーション一覧 (OPS-1): procedure, frequency and schedule, evidence and preconditions of each entry;
 * filtered, sorted and paged on the server, XLSX/CSV of what is filtered. The manager proposes additions
 * (and loads N's standard operations into an empty list).
 */
export function EntryLedger() {
  const t = useOT();
  const fmt = useDateTime();
  const qc = useQueryClient();
  const nav = useNavigate();
  const params = useListParams();
  const { q, page, extra } = params;
  const sort = params.sort || 'entryNo';
  const query = {
    q,
    sort,
    scope: extra('scope') ?? undefined,
    frequency: extra('frequency') ?? undefined,
    category: extra('category') ?? undefined,
    includeDeleted: extra('includeDeleted') ?? undefined,
  };
  const list = useQuery({
    queryKey: ['operations', 'entries', { ...query, page }],
    queryFn: ({ signal }) => listEntries({ ...query, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  const canDraft = !!list.data?.canDraft;
  const [adding, setAdding] = useState(false);
  const seed = useMutation({ mutationFn: seedEntries, onSuccess: () => qc.invalidateQueries({ queryKey: ['operations'] }) });
  const filtered = !!(q || query.scope || query.frequency || query.category);
  return (
    <Stack gap="sm">
      <OperationsTabs />
      <Text size="sm" c="dimmed">
        {t('ops.lead')}
      </Text>
      <ListPage
        title={t('ops.title')}
        testId="operations-ledger"
        minWidth={1100}
        toolbar={
          <>
            <FilterInput value={q} onChange={params.setQ} />
            <ParamSelect
              params={params}
              name="scope"
              label={t('ops.scope')}
              data={OPERATION_SCOPES.map((v) => ({ value: v, label: scopeLabel(t, v) }))}
              w={130}
            />
            <ParamSelect
              params={params}
              name="category"
              label={t('ops.category')}
              data={OPERATION_CATEGORIES.map((v) => ({ value: v, label: categoryLabel(t, v) }))}
              w={140}
            />
            <ParamSelect
              params={params}
              name="frequency"
              label={t('ops.frequency')}
              data={OPERATION_FREQUENCIES.map((v) => ({ value: v, label: frequencyLabel(t, v) }))}
              w={130}
            />
            <ParamCheck params={params} name="includeDeleted" label={t('ops.includeDeleted')} />
            <ExportLinks href={(f) => entriesExportHref(f, query)} />
            {canDraft && (
              <>
                <Button variant="light" loading={seed.isPending} onClick={() => seed.mutate()} data-testid="operations-seed">
                  {t('ops.seed')}
                </Button>
                <Button onClick={() => setAdding(true)} data-testid="operation-new">
                  {t('ops.add')}
                </Button>
              </>
            )}
          </>
        }
        error={list.error ?? seed.error}
        loading={list.isFetching}
        table={
          <>
            {seed.data && (
              <Alert color="green" variant="light" withCloseButton onClose={() => seed.reset()} mb="sm" data-testid="operations-seeded">
                {seed.data.added.length ? t('ops.seeded', { n: seed.data.added.length }) : t('ops.seeded.none')}
              </Alert>
            )}
            <LedgerTable
              rows={list.data?.items}
              sort={sort}
              onSort={params.setSort}
              empty={canDraft && !filtered ? t('ops.none.manager') : t('ops.none')}
              rowProps={(e) => ({ 'data-testid': 'operation-row', 'data-entry': e.entryNo })}
              ledgerId="operations"
              data-testid="operations-table"
              columns={[
                {
                  key: 'entryNo',
                  header: t('ops.entryNo'),
                  sortKey: 'entryNo',
                  td: nowrap,
                  render: (e) => (
                    <Anchor component={Link} to={`/operations/entries/${e.id}`} ff="monospace" size="sm" data-testid="operation-link">
                      {e.entryNo}
                    </Anchor>
                  ),
                },
                { key: 'title', header: t('ops.name'), sortKey: 'title', ellipsis: 260, title: (e) => e.title, render: (e) => e.title },
                { key: 'scope', header: t('ops.scope'), td: nowrap, render: (e) => scopeLabel(t, e.scope) },
                { key: 'category', header: t('ops.category'), sortKey: 'category', td: nowrap, render: (e) => categoryLabel(t, e.category) },
                { key: 'frequency', header: t('ops.frequency'), sortKey: 'frequency', td: nowrap, render: (e) => frequencyLabel(t, e.frequency) },
                { key: 'schedule', header: t('ops.schedule'), ellipsis: 200, render: (e) => e.schedule },
                { key: 'procedure', header: t('ops.procedure'), ellipsis: 'grow', title: (e) => e.procedure, render: (e) => e.procedure },
                { key: 'evidence', header: t('ops.evidence'), ellipsis: 200, title: (e) => e.evidence, render: (e) => e.evidence },
                {
                  key: 'preconditions',
                  header: t('ops.preconditions'),
                  ellipsis: 200,
                  title: (e) => e.preconditions,
                  render: (e) => e.preconditions,
                  defaultHidden: true,
                },
                { key: 'ownerRole', header: t('ops.ownerRole'), td: nowrap, render: (e) => ownerRoleLabel(t, e.ownerRole) },
                { key: 'department', header: t('ops.department'), td: nowrap, render: (e) => e.departmentName ?? t('ops.department.all'), defaultHidden: true },
                { key: 'revision', header: t('ops.revision'), td: nowrap, render: (e) => t('ops.revNo', { n: e.revisionNo }) },
                { key: 'active', header: t('ops.active'), td: nowrap, render: (e) => <ActiveBadge t={t} active={e.active} /> },
                { key: 'updatedAt', header: t('ops.updatedAt'), sortKey: 'updatedAt', td: nowrap, render: (e) => fmt(e.updatedAt), defaultHidden: true },
              ]}
            />
          </>
        }
        footer={list.data && <ListFooter total={list.data.total} page={page} pageSize={list.data.pageSize || PAGE_SIZE} onPage={params.setPage} />}
      />
      {adding && (
        <ChangeForm
          mode={{ kind: 'add' }}
          onClose={() => setAdding(false)}
          onSaved={async (id) => {
            setAdding(false);
            await qc.invalidateQueries({ queryKey: ['operations'] });
            nav(`/operations/changes/${id}`);
          }}
        />
      )}
    </Stack>
  );
}
