import { ActionIcon, Code, Table, Text, VisuallyHidden } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { type AuditRow, listAudit } from '../api';
import { AuditDiff } from '../components/AuditDiff';
import { FilterInput } from '../components/FilterInput';
import { ListFooter } from '../components/ListFooter';
import { ListPage } from '../components/ListPage';
import { SortableTh } from '../components/SortableTh';
import { PAGE_SIZE, useListParams } from '../components/useListParams';
import { useDateTime, useT } from '../i18n';

const COLS = 6;

function AuditRowView({ row, expanded, onToggle }: { row: AuditRow; expanded: boolean; onToggle: () => void }) {
  const t = useT();
  const fmt = useDateTime();
  return (
    <Fragment>
      <Table.Tr data-row-id={row.id}>
        <Table.Td w={40}>
          <ActionIcon
            variant="subtle"
            size="sm"
            onClick={onToggle}
            aria-expanded={expanded}
            aria-label={expanded ? t('audit.hideDetails') : t('audit.showDetails')}
            title={expanded ? t('audit.hideDetails') : t('audit.showDetails')}
            data-testid="audit-toggle"
          >
            <span aria-hidden>{expanded ? '▾' : '▸'}</span>
          </ActionIcon>
        </Table.Td>
        <Table.Td style={{ whiteSpace: 'nowrap' }}>
          <time dateTime={row.at}>{fmt(row.at)}</time>
        </Table.Td>
        <Table.Td>{row.actor}</Table.Td>
        <Table.Td>
          <Code>{row.action}</Code>
        </Table.Td>
        <Table.Td>{row.entityType}</Table.Td>
        <Table.Td>
          <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
            {row.entityId ?? '—'}
          </Text>
        </Table.Td>
      </Table.Tr>
      {expanded && (
        <Table.Tr>
          <Table.Td colSpan={COLS} bg="gray.0">
            <AuditDiff before={row.before} after={row.after} />
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

export default function AuditScreen() {
  const t = useT();
  const { q, sort, page, setQ, setSort, setPage } = useListParams();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const query = useQuery({
    queryKey: ['audit', { q, sort, page }],
    queryFn: ({ signal }) => listAudit({ q, sort, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });

  const toggle = (id: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <ListPage
      title={t('audit.title')}
      testId="audit"
      minWidth={860}
      toolbar={<FilterInput value={q} onChange={setQ} />}
      error={query.error}
      loading={query.isFetching}
      table={
        <Table highlightOnHover data-testid="audit-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40}>
                <VisuallyHidden>{t('audit.details')}</VisuallyHidden>
              </Table.Th>
              <SortableTh field="at" sort={sort} onSort={setSort}>
                {t('audit.at')}
              </SortableTh>
              <Table.Th>{t('audit.actor')}</Table.Th>
              <Table.Th>{t('audit.action')}</Table.Th>
              <Table.Th>{t('audit.entityType')}</Table.Th>
              <Table.Th>{t('audit.entityId')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {query.data?.items.map((row) => (
              <AuditRowView key={row.id} row={row} expanded={expanded.has(row.id)} onToggle={() => toggle(row.id)} />
            ))}
            {query.data && query.data.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={COLS} c="dimmed" ta="center" data-testid="list-empty">
                  {t('list.empty')}
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      }
      footer={
        query.data && (
          <ListFooter total={query.data.total} page={page} pageSize={query.data.pageSize || PAGE_SIZE} onPage={setPage} />
        )
      }
    />
  );
}
