import { Badge, CloseButton, Group, Table, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useLocation } from 'react-router-dom';
import { listPeople } from '../api';
import { FilterInput } from '../components/FilterInput';
import { ListFooter } from '../components/ListFooter';
import { ListPage } from '../components/ListPage';
import { RoleBadges } from '../components/RoleBadges';
import { SortableTh } from '../components/SortableTh';
import { PAGE_SIZE, useListParams } from '../components/useListParams';
import { useT } from '../i18n';

function DepartmentFilterChip({ onClear }: { onClear: () => void }) {
  const t = useT();
  const location = useLocation();
  const name = (location.state as { departmentName?: string } | null)?.departmentName;
  return (
    <Badge
      variant="light"
      size="lg"
      tt="none"
      data-testid="department-filter"
      rightSection={<CloseButton size="xs" aria-label={t('list.clearFilter')} onClick={onClear} />}
    >
      {name ? t('people.filteredByDepartment', { name }) : t('people.filteredByDepartmentId')}
    </Badge>
  );
}

export default function PeopleScreen() {
  const t = useT();
  const { q, sort, page, setQ, setSort, setPage, extra, setExtra } = useListParams();
  const departmentId = extra('departmentId') ?? undefined;
  const query = useQuery({
    queryKey: ['people', { q, sort, page, departmentId }],
    queryFn: ({ signal }) => listPeople({ q, sort, page, pageSize: PAGE_SIZE, departmentId }, signal),
    placeholderData: keepPreviousData,
  });
  const th = (field: string, label: string) => (
    <SortableTh field={field} sort={sort} onSort={setSort}>
      {label}
    </SortableTh>
  );

  return (
    <ListPage
      title={t('people.title')}
      testId="people"
      minWidth={900}
      toolbar={
        <>
          <FilterInput value={q} onChange={setQ} />
          {departmentId && <DepartmentFilterChip onClear={() => setExtra('departmentId', null)} />}
        </>
      }
      error={query.error}
      loading={query.isFetching}
      table={
        <Table striped highlightOnHover data-testid="people-table">
          <Table.Thead>
            <Table.Tr>
              {th('login', t('people.login'))}
              {th('displayName', t('people.displayName'))}
              {th('department', t('people.department'))}
              <Table.Th>{t('people.roles')}</Table.Th>
              {th('email', t('people.email'))}
              <Table.Th>{t('people.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {query.data?.items.map((p) => (
              <Table.Tr key={p.id} data-row-id={p.id}>
                <Table.Td ff="monospace">{p.login}</Table.Td>
                <Table.Td>{p.displayName}</Table.Td>
                <Table.Td>{p.department?.name ?? '—'}</Table.Td>
                <Table.Td>
                  <RoleBadges roles={p.roles} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ wordBreak: 'break-all' }}>
                    {p.email ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Badge color={p.disabled ? 'gray' : 'green'} variant="light" tt="none" data-testid="person-status">
                      {p.disabled ? t('people.disabled') : t('people.enabled')}
                    </Badge>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
            {query.data && query.data.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6} c="dimmed" ta="center" data-testid="list-empty">
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
