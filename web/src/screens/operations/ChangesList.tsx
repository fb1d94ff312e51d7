import { Anchor, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { LedgerTable } from '../../components/LedgerTable';
import { ListPage } from '../../components/ListPage';
import { useDateTime } from '../../i18n';
import { StateBadge } from '../incidents/common';
import { changeKindLabel, nowrap } from './common';
import { useOT } from './i18n';
import { OperationsTabs } from './OperationsScreen';
import { listChanges } from './operationsApi';

/** The add/change/delete requests in progress (each also waits in its next person's inbox). */
export function ChangesList() {
  const t = useOT();
  const fmt = useDateTime();
  const list = useQuery({ queryKey: ['operations', 'changes'], queryFn: ({ signal }) => listChanges(signal) });
  return (
    <Stack gap="sm">
      <OperationsTabs />
      <Text size="sm" c="dimmed">
        {t('ops.changes.lead')}
      </Text>
      <ListPage
        title={t('ops.tab.changes')}
        testId="operation-changes"
        error={list.error}
        loading={list.isFetching}
        table={
          <LedgerTable
            rows={list.data}
            empty={t('ops.changes.none')}
            rowProps={(c) => ({ 'data-testid': 'change-row', 'data-change': c.changeNo })}
            columns={[
              {
                key: 'changeNo',
                header: t('rst.requestNo'),
                td: nowrap,
                render: (c) => (
                  <Anchor component={Link} to={`/operations/changes/${c.id}`} ff="monospace" size="sm" data-testid="change-link">
                    {c.changeNo}
                  </Anchor>
                ),
              },
              { key: 'kind', header: t('ops.category'), td: nowrap, render: (c) => changeKindLabel(t, c.kind) },
              { key: 'title', header: t('ops.name'), ellipsis: 'grow', render: (c) => c.title },
              { key: 'state', header: t('ops.state'), td: nowrap, render: (c) => <StateBadge state={c.state} label={c.stateLabel} /> },
              { key: 'by', header: t('ops.change.requestedBy'), td: nowrap, render: (c) => c.requestedByLabel },
              { key: 'createdAt', header: t('ops.createdAt'), td: nowrap, render: (c) => fmt(c.createdAt) },
            ]}
          />
        }
      />
    </Stack>
  );
}
