import { ActionIcon, Button, Checkbox, Popover, Stack, Table, type TableProps, type TableTdProps, type TableThProps, Text } from '@mantine/core';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { useT } from '../i18n';
import { useSession } from '../session';
import classes from './LedgerTable.module.css';
import { SortableTh } from './SortableTh';

/** One column of a ledger table: its header, its cell per row, and (optionally) the server sort field. */
export interface Column<R> {
  key: string;
  header: ReactNode;
  /** Name in the column chooser when the header is not plain text. */
  label?: string;
  /** Field sent as `sort`; the header toggles it. Without it the header is plain. */
  sortKey?: string;
  render: (row: R) => ReactNode;
  /**
   * Long free text (names, titles, OS …): kept on one line and cut with "…", the full text as the
   * cell's tooltip. `'grow'`: the column takes the width the others leave; a number: at most that
   * many pixels wide.
   */
  ellipsis?: 'grow' | number;
  /** Tooltip of a cut cell (default: the cell's text). */
  title?: (row: R) => string | null | undefined;
  /** Hidden until the person shows it with the column chooser (the export still has it). */
  defaultHidden?: boolean;
  /** Props of each body cell (alignment, font …). Every cell is one line already. */
  td?: TableTdProps & { 'data-testid'?: string };
  /** Props of a plain (unsortable) header cell. */
  th?: TableThProps;
}

/** The header row of a column-defined table (plus the column chooser's cell when given). */
export function LedgerHead<R>({
  columns,
  sort = '',
  onSort,
  chooser,
}: {
  columns: Column<R>[];
  sort?: string;
  onSort?: (sort: string) => void;
  chooser?: ReactNode;
}) {
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
        {chooser && <Table.Th className={classes.chooserTh}>{chooser}</Table.Th>}
      </Table.Tr>
    </Table.Thead>
  );
}

/** Sets the element's tooltip to its full text when the text (or a part of it) is cut. */
function titleIfCut(el: HTMLElement | null, title?: string | null) {
  if (!el) return;
  const cut = [el, ...el.querySelectorAll('*')].some((c) => c.scrollWidth > c.clientWidth + 1 && getComputedStyle(c).display !== 'inline');
  const text = title ?? el.textContent ?? '';
  if (cut && text) el.title = text;
  else el.removeAttribute('title');
}

/** The body cells of one row. */
export function LedgerCells<R>({ columns, row }: { columns: Column<R>[]; row: R }) {
  // The growing columns share the width left over evenly.
  const share = `${100 / Math.max(1, columns.filter((c) => c.ellipsis === 'grow').length)}%`;
  return columns.map((c) => {
    if (!c.ellipsis) {
      return (
        <Table.Td key={c.key} {...c.td}>
          {c.render(row)}
        </Table.Td>
      );
    }
    const title = c.title?.(row);
    const grow = c.ellipsis === 'grow';
    return (
      <Table.Td key={c.key} {...c.td} {...(grow ? { className: classes.grow, style: { width: share } } : {})}>
        <div
          className={classes.ellipsis}
          style={grow ? undefined : { maxWidth: c.ellipsis }}
          ref={(el) => titleIfCut(el, title)}
          onMouseEnter={(e) => titleIfCut(e.currentTarget, title)}
        >
          {c.render(row)}
        </div>
      </Table.Td>
    );
  });
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

/** Explicit choices of one person for one ledger: column key → shown. Columns not in it follow their default. */
type Choice = Record<string, boolean>;

const storageKey = (who: string, ledgerId: string) => `kiban.columns.${who}.${ledgerId}`;

function readChoice(key: string): Choice {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? '{}') as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter(([, b]) => typeof b === 'boolean')) as Choice;
  } catch {
    return {};
  }
}

/**
 * The columns a person chose to see in one ledger, kept in localStorage per person and ledger.
 * The first column (the record's number or name, its link) is always shown.
 */
export function useColumnChoice<R>(ledgerId: string | undefined, columns: Column<R>[]) {
  const { state } = useSession();
  const who = state.status === 'authenticated' ? state.user.id : 'anonymous';
  const key = ledgerId ? storageKey(who, ledgerId) : undefined;
  const [choice, setChoice] = useState<Choice>(() => (key ? readChoice(key) : {}));
  // Another person signing in on this browser (or another ledger in the same component).
  useEffect(() => {
    setChoice(key ? readChoice(key) : {});
  }, [key]);
  const isShown = useCallback((c: Column<R>, i: number) => i === 0 || (choice[c.key] ?? !c.defaultHidden), [choice]);
  const visible = useMemo(() => columns.filter(isShown), [columns, isShown]);
  const save = useCallback(
    (next: Choice) => {
      setChoice(next);
      if (!key) return;
      try {
        if (Object.keys(next).length === 0) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify(next));
      } catch {
        // Storage full or disabled: the choice lasts until the page is left.
      }
    },
    [key],
  );
  const toggle = useCallback(
    (c: Column<R>, shown: boolean) => {
      const next = { ...choice };
      if (shown === !c.defaultHidden) delete next[c.key];
      else next[c.key] = shown;
      save(next);
    },
    [choice, save],
  );
  return { visible, isShown, toggle, reset: () => save({}), customised: Object.keys(choice).length > 0 };
}

function ColumnsIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden>
      <rect x="1.75" y="2.75" width="12.5" height="10.5" rx="1.5" />
      <path d="M6 3v10M10 3v10" />
    </svg>
  );
}

/** The column chooser: a button at the header's end opening a checkbox per column. */
function ColumnChooser<R>({ columns, choice }: { columns: Column<R>[]; choice: ReturnType<typeof useColumnChoice<R>> }) {
  const t = useT();
  const label = (c: Column<R>) => c.label ?? (typeof c.header === 'string' ? c.header : c.key);
  return (
    <Popover position="bottom-end" shadow="md" withinPortal trapFocus>
      <Popover.Target>
        <ActionIcon variant={choice.customised ? 'light' : 'subtle'} color="gray" size="sm" aria-label={t('list.columns')} title={t('list.columns')} data-testid="column-chooser">
          <ColumnsIcon />
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown data-testid="column-chooser-menu">
        <Stack gap={6}>
          <Text size="sm" fw={700}>
            {t('list.columns')}
          </Text>
          {columns.map((c, i) => (
            <Checkbox
              key={c.key}
              size="xs"
              label={label(c)}
              checked={choice.isShown(c, i)}
              disabled={i === 0}
              onChange={(e) => choice.toggle(c, e.currentTarget.checked)}
              data-testid={`column-toggle-${c.key}`}
            />
          ))}
          <Text size="xs" c="dimmed" maw={220}>
            {t('list.columnsHint')}
          </Text>
          <Button size="compact-xs" variant="default" onClick={choice.reset} disabled={!choice.customised} data-testid="column-reset">
            {t('list.columnsReset')}
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

/**
 * A list's table driven by column definitions: sortable headers, one row per item
 * (`data-row-id`), and an empty-list row once `rows` has loaded empty (when `empty` is given).
 * Compact (one line per row and header, long text cut with "…", badges whole), striped and
 * highlighted on hover unless told otherwise. With `ledgerId`, a column chooser at the header's end
 * lets each person pick the columns shown (kept per person and ledger in this browser).
 * Other props go to the Mantine Table.
 */
export function LedgerTable<R extends { id: string }>({
  columns,
  rows,
  sort,
  onSort,
  empty,
  emptyTestId,
  rowProps,
  ledgerId,
  striped = true,
  highlightOnHover = true,
  className,
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
  /** Stable id of the ledger (e.g. `incidents`): turns on the column chooser and names its stored choice. */
  ledgerId?: string;
  'data-testid'?: string;
} & Omit<TableProps, 'children'>) {
  const choice = useColumnChoice(ledgerId, columns);
  const shown = ledgerId ? choice.visible : columns;
  const chooser = ledgerId ? <ColumnChooser columns={columns} choice={choice} /> : undefined;
  return (
    <Table
      striped={striped}
      highlightOnHover={highlightOnHover}
      verticalSpacing={4}
      horizontalSpacing={8}
      className={[classes.ledger, className].filter(Boolean).join(' ')}
      data-ledger-id={ledgerId}
      {...table}
    >
      <LedgerHead columns={shown} sort={sort} onSort={onSort} chooser={chooser} />
      <Table.Tbody>
        {rows?.map((r) => (
          <Table.Tr key={r.id} data-row-id={r.id} {...rowProps?.(r)}>
            <LedgerCells columns={shown} row={r} />
            {chooser && <Table.Td className={classes.chooserTd} />}
          </Table.Tr>
        ))}
        {empty !== undefined && (
          <EmptyRow cols={shown.length + (chooser ? 1 : 0)} show={rows?.length === 0} testId={emptyTestId}>
            {empty}
          </EmptyRow>
        )}
      </Table.Tbody>
    </Table>
  );
}

/** Class names of the ledger look, for tables that lay out their rows themselves (e.g. grouped with rowSpan). */
export const ledgerClasses = classes;
