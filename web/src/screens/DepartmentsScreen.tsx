import { Anchor, Table } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { listDepartments } from '../api';
import { FilterInput } from '../components/FilterInput';
import { ListFooter } from '../components/ListFooter';
import { ListPage } from '../components/ListPage';
import { SortableTh } from '../components/SortableTh';
import { PAGE_SIZE, useListParams } from '../components/useListParams';
import { kindLabel, useT } from '../i18n';
import { hasPermission, useUser } from '../session';

export default function DepartmentsScreen() {
  const t = useT();
  const user = useUser();
  const { q, sort, page, setQ, setSort, setPage } = useListParams();
  const query = useQuery({
    queryKey: ['departments', { q, sort, page }],
    queryFn: ({ signal }) => listDepartments({ q, sort, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  const canSeePeople = hasPermission(user, 'org.read');
  const th = (field: string, label: string) => (
    <SortableTh field={field} sort={sort} onSort={setSort}>
      {label}
    </SortableTh>
  );

  return (
    <ListPage
      title={t('departments.title')}
      testId="departments"
      toolbar={<FilterInput value={q} onChange={setQ} />}
      error={query.error}
      loading={query.isFetching}
      table={
        <Table striped highlightOnHover data-testid="departments-table">
          <Table.Thead>
            <Table.Tr>
              {th('code', t('departments.code'))}
              {th('name', t('departments.name'))}
              {th('kind', t('departments.kind'))}
              <Table.Th ta="right">{t('departments.peopleCount')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {query.data?.items.map((d) => (
              <Table.Tr key={d.id} data-row-id={d.id}>
                <Table.Td ff="monospace">{d.code}</Table.Td>
                <Table.Td>{d.name}</Table.Td>
                <Table.Td>{kindLabel(t, d.kind)}</Table.Td>
                <Table.Td ta="right">
                  {canSeePeople && d.peopleCount > 0 ? (
                    <Anchor
                      component={Link}
                      to={`/people?departmentId=${encodeURIComponent(d.id)}`}
                      state={{ departmentName: d.name }}
                      title={t('departments.showPeople', { name: d.name })}
                    >
                      {d.peopleCount}
                    </Anchor>
                  ) : (
                    d.peopleCount
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {query.data && query.data.items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={4} c="dimmed" ta="center" data-testid="list-empty">
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
