import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { FilterInput } from '../../components/FilterInput';
import { LedgerTable } from '../../components/LedgerTable';
import { ListFooter } from '../../components/ListFooter';
import { ListPage } from '../../components/ListPage';
import { PAGE_SIZE, useListParams } from '../../components/useListParams';
import { useDateTime } from '../../i18n';
import { OverdueBadge, StateBadge } from '../incidents/common';
import { ParamCheck, ParamSelect } from '../incidents/IncidentLedger';
import { nowrap, restoreKindLabel } from './common';
import { useOT } from './i18n';
import { OperationsTabs } from './OperationsScreen';
import { listRestores, RESTORE_KINDS } from './operationsApi';
import { RestoreForm } from './RestoreForm';

/** リストア依頼 (BAK-5): an owner sees their department's only; anyone who may read the module may ask. */
export function RestoreLedger() {
  const t = useOT();
  const fmt = useDateTime();
  const nav = useNavigate();
  const qc = useQueryClient();
  const params = useListParams();
  const { q, page, extra } = params;
  const sort = params.sort || '-createdAt';
  const query = { q, sort, kind: extra('kind') ?? undefined, open: extra('open') ?? undefined };
  const list = useQuery({
    queryKey: ['operations', 'restores', { ...query, page }],
    queryFn: ({ signal }) => listRestores({ ...query, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  const [asking, setAsking] = useState(false);
  return (
    <Stack gap="sm">
      <OperationsTabs />
      <Text size="sm" c="dimmed">
        {t('rst.lead')}
      </Text>
      <ListPage
        title={t('rst.title')}
        testId="restore-ledger"
        minWidth={1000}
        toolbar={
          <>
            <FilterInput value={q} onChange={params.setQ} />
            <ParamSelect
              params={params}
              name="kind"
              label={t('rst.kind')}
              data={RESTORE_KINDS.map((k) => ({ value: k, label: restoreKindLabel(t, k) }))}
              w={160}
            />
            <ParamCheck params={params} name="open" label={t('rst.open')} />
            <Button onClick={() => setAsking(true)} data-testid="restore-new">
              {t('rst.new')}
            </Button>
          </>
        }
        error={list.error}
        loading={list.isFetching}
        table={
          <LedgerTable
            rows={list.data?.items}
            sort={sort}
            onSort={params.setSort}
            empty={t('rst.none')}
            rowProps={(r) => ({ 'data-testid': 'restore-row', 'data-request': r.requestNo })}
            ledgerId="restores"
            columns={[
              {
                key: 'requestNo',
                header: t('rst.requestNo'),
                sortKey: 'requestNo',
                td: nowrap,
                render: (r) => (
                  <Anchor component={Link} to={`/operations/restores/${r.id}`} ff="monospace" size="sm" data-testid="restore-link">
                    {r.requestNo}
                  </Anchor>
                ),
              },
              { key: 'vmName', header: t('rst.vm'), sortKey: 'vmName', td: nowrap, render: (r) => r.vmName },
              { key: 'kind', header: t('rst.kind'), td: nowrap, render: (r) => restoreKindLabel(t, r.kind) },
              { key: 'target', header: t('rst.target'), ellipsis: 'grow', render: (r) => r.target },
              {
                key: 'state',
                header: t('ops.state'),
                sortKey: 'state',
                td: nowrap,
                render: (r) => (
                  <Group gap={4} wrap="nowrap">
                    <StateBadge state={r.state} label={r.stateLabel} />
                    <OverdueBadge show={r.overdue} />
                  </Group>
                ),
              },
              { key: 'dueAt', header: t('rst.dueAt'), td: nowrap, render: (r) => (r.dueAt ? fmt(r.dueAt) : '—') },
              { key: 'department', header: t('rst.department'), td: nowrap, render: (r) => r.departmentName ?? '—' },
              { key: 'entryNo', header: t('rst.entry'), td: nowrap, render: (r) => r.entryNo ?? '—' },
              { key: 'createdAt', header: t('rst.createdAt'), sortKey: 'createdAt', td: nowrap, render: (r) => fmt(r.createdAt) },
              { key: 'requestedBy', header: t('rst.requestedBy'), td: nowrap, render: (r) => r.requestedByLabel, defaultHidden: true },
            ]}
          />
        }
        footer={list.data && <ListFooter total={list.data.total} page={page} pageSize={list.data.pageSize || PAGE_SIZE} onPage={params.setPage} />}
      />
      {asking && (
        <RestoreForm
          onClose={() => setAsking(false)}
          onSaved={async (id) => {
            setAsking(false);
            await qc.invalidateQueries({ queryKey: ['operations'] });
            nav(`/operations/restores/${id}`);
          }}
        />
      )}
    </Stack>
  );
}
