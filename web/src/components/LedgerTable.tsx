import { Table, type TableProps, type TableTdProps, type TableThProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { SortableTh } from './SortableTh';

/** One column of a ledger table: its header, its cell per row, and (optionally) the server sort field. */
export interface Column<R> {
  key: string;
  header: ReactNode;
  /** Field sent as `sort`; the header toggles it. Without it the header is plain. */
  sortKey?: string;
  render: (row: R) => ReactNode;
  /** Props of each body cell (alignment, font, nowrap …). */
  td?: TableTdProps & { 'data-testid'?: string };
  /** Props of a plain (unsortable) header cell. */
  th?: TableThProps;
}

/** The header row of a column-defined table. */
export function LedgerHead<R>({ columns, sort = '', onSort }: { columns: Column<R>[]; sort?: string; onSort?: (sort: string) => void }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((c) =>
          c.sortKey && onSort ? (
            <SortableTh key={c.key} field={c.sortKey} sort={sort} onSort={onSort}>
              {c.header}
            </SortableTh>
          ) : (
            <Table.Th key={c.key} {...c.th}>
              {c.header}
            </Table.Th>
          ),
        )}
      </Table.Tr>
    </Table.Thead>
  );
}

/** The body cells of one row. */
export function LedgerCells<R>({ columns, row }: { columns: Column<R>[]; row: R }) {
  return columns.map((c) => (
    <Table.Td key={c.key} {...c.td}>
      {c.render(row)}
    </Table.Td>
  ));
}

/** The single row shown in place of an empty list. */
export function EmptyRow({ cols, show, testId = 'list-empty', children }: { cols: number; show: boolean; testId?: string | null; children: ReactNode }) {
  if (!show) return null;
  return (
    <Table.Tr>
      <Table.Td colSpan={cols} c="dimmed" ta="center" data-testid={testId ?? undefined}>
        {children}
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * A list's table driven by column definitions: sortable headers, one row per item
 * (`data-row-id`), and an empty-list row once `rows` has loaded empty (when `empty` is given).
 * Striped and highlighted on hover unless told otherwise; other props go to the Mantine Table.
 */
export function LedgerTable<R extends { id: string }>({
  columns,
  rows,
  sort,
  onSort,
  empty,
  emptyTestId,
  rowProps,
  striped = true,
  highlightOnHover = true,
  ...table
}: {
  columns: Column<R>[];
  rows: R[] | undefined;
  sort?: string;
  onSort?: (sort: string) => void;
  empty?: ReactNode;
  emptyTestId?: string | null;
  /** Extra attributes of a row (data-testid …). */
  rowProps?: (row: R) => Record<string, string | undefined>;
  'data-testid'?: string;
} & Omit<TableProps, 'children'>) {
  return (
    <Table striped={striped} highlightOnHover={highlightOnHover} {...table}>
      <LedgerHead columns={columns} sort={sort} onSort={onSort} />
      <Table.Tbody>
        {rows?.map((r) => (
          <Table.Tr key={r.id} data-row-id={r.id} {...rowProps?.(r)}>
            <LedgerCells columns={columns} row={r} />
          </Table.Tr>
        ))}
        {empty !== undefined && (
          <EmptyRow cols={columns.length} show={rows?.length === 0} testId={emptyTestId}>
            {empty}
          </EmptyRow>
        )}
      </Table.Tbody>
    </Table>
  );
}
