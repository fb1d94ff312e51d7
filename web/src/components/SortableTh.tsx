import { Group, Table, Text, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';
import { useT } from '../i18n';

/** Column header that toggles `sort=field` ↔ `sort=-field`. */
export function SortableTh({
  field,
  sort,
  onSort,
  children,
}: {
  field: string;
  sort: string;
  onSort: (sort: string) => void;
  children: ReactNode;
}) {
  const t = useT();
  const asc = sort === field;
  const desc = sort === `-${field}`;
  const next = asc ? `-${field}` : field;
  return (
    <Table.Th aria-sort={asc ? 'ascending' : desc ? 'descending' : 'none'}>
      <UnstyledButton
        onClick={() => onSort(next)}
        data-testid={`sort-${field}`}
        title={asc ? t('list.sortDesc') : t('list.sortAsc')}
        style={{ width: '100%' }}
      >
        <Group gap={4} wrap="nowrap" justify="space-between">
          <Text fw={700} size="sm" component="span">
            {children}
          </Text>
          <Text size="xs" c={asc || desc ? undefined : 'dimmed'} component="span" aria-hidden>
            {asc ? '▲' : desc ? '▼' : '↕'}
          </Text>
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}
