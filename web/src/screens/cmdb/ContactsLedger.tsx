import { Anchor, Badge, Button, CopyButton, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { type Column, EmptyRow, LedgerCells, LedgerHead, ledgerClasses } from '../../components/LedgerTable';
import { useT } from '../../i18n';
import type { ContactRow } from './cmdbApi';
import { CiLink } from './common';
import { LedgerPage, monoNowrap, statusColumn, useLedger } from './Ledgers';

/** Consecutive rows of the same system, in escalation order (the page is sorted by system on the server). */
function groupBySystem(rows: ContactRow[]): ContactRow[][] {
  const groups: ContactRow[][] = [];
  for (const r of rows) {
    const last = groups[groups.length - 1];
    if (last && last[0]?.systemId === r.systemId) last.push(r);
    else groups.push([r]);
  }
  for (const g of groups) g.sort((a, b) => a.escalationOrder - b.escalationOrder || a.name.localeCompare(b.name, 'ja'));
  return groups;
}

/** Every address of one system: a mailto link for all and a copy button. */
function SystemAddresses({ rows }: { rows: ContactRow[] }) {
  const t = useT();
  const live = rows.filter((r) => r.status !== 'retired').map((r) => r.email);
  if (live.length < 2) return null;
  const all = live.join(', ');
  return (
    <Group gap={4} wrap="wrap">
      <Anchor href={`mailto:${live.join(',')}`} size="xs" data-testid="contacts-mail-all">
        {t('cmdb.contacts.mailAll', { count: live.length })}
      </Anchor>
      <CopyButton value={all}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t('cmdb.contacts.copied') : t('cmdb.contacts.copy')} withArrow>
            <Button size="compact-xs" variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={t('cmdb.contacts.copy')} data-testid="contacts-copy">
              {copied ? t('cmdb.contacts.copied') : t('cmdb.contacts.copyShort')}
            </Button>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

/**
 * 連絡先・エスカレーション一覧 (ORG-5): each system's contacts in escalation order with their mail
 * addresses (people and distribution lists). Sorted by system by default, a system's contacts are
 * shown together; sorted by another column, one row per contact.
 */
export function ContactsLedger() {
  const t = useT();
  const ledger = useLedger<ContactRow>('contact', ['status', 'systemId'], 'system');
  const { query, result, table } = ledger;
  const bySystem = query.sort === 'system' || query.sort === '-system';
  const items = result.data?.items ?? [];
  const groups = bySystem ? groupBySystem(items) : items.map((r) => [r]);
  // The system cell spans its group's rows, so it is drawn apart from these columns.
  const systemColumn: Column<ContactRow> = { key: 'system', header: t('cmdb.f.system'), sortKey: 'system', render: () => null };
  const columns: Column<ContactRow>[] = [
    { key: 'order', header: t('cmdb.f.escalationOrder'), sortKey: 'escalationOrder', td: { ta: 'center', 'data-testid': 'contact-order' }, render: (c) => c.escalationOrder },
    { key: 'name', header: t('cmdb.f.contactName'), sortKey: 'name', ellipsis: 'grow', render: (c) => c.name },
    {
      key: 'role',
      header: t('cmdb.f.contactRole'),
      render: (c) => (
        <Group gap={4} wrap="nowrap">
          <Text span size="sm">
            {c.role ?? '—'}
          </Text>
          {c.distributionList && (
            <Badge size="xs" variant="light" tt="none">
              {t('cmdb.rel.distributionList')}
            </Badge>
          )}
        </Group>
      ),
    },
    {
      key: 'email',
      header: t('cmdb.f.email'),
      sortKey: 'email',
      ellipsis: 'grow',
      render: (c) => (
        <Anchor href={`mailto:${c.email}`} size="sm">
          {c.email}
        </Anchor>
      ),
    },
    { key: 'phone', header: t('cmdb.f.phone'), td: monoNowrap, render: (c) => c.phone ?? '—' },
    statusColumn(t, false),
  ];
  return (
    <LedgerPage
      ledger={ledger}
      title={t('cmdb.ledger.contacts')}
      testId="cmdb-contacts"
      minWidth={960}
      table={
        <Table
          withColumnBorders={bySystem}
          striped={!bySystem}
          highlightOnHover
          verticalSpacing={4}
          horizontalSpacing={8}
          className={ledgerClasses.ledger}
          data-testid="contacts-table"
        >
          <LedgerHead columns={[systemColumn, ...columns]} sort={table.sort} onSort={table.onSort} />
          <Table.Tbody>
            {groups.map((g) =>
              g.map((c, i) => (
                <Table.Tr key={c.id} data-row-id={c.id} data-system-id={c.systemId} data-testid="contact-row">
                  {i === 0 && (
                    <Table.Td rowSpan={g.length} miw={170} style={{ verticalAlign: 'top' }} data-testid="contact-system">
                      <Stack gap={2}>
                        <CiLink kind="system" id={c.systemId}>
                          {c.systemName ?? '—'}
                        </CiLink>
                        {bySystem && <SystemAddresses rows={g} />}
                      </Stack>
                    </Table.Td>
                  )}
                  <LedgerCells columns={columns} row={c} />
                </Table.Tr>
              )),
            )}
            <EmptyRow cols={7} show={result.data?.items.length === 0}>
              {table.empty}
            </EmptyRow>
          </Table.Tbody>
        </Table>
      }
    >
      {bySystem && (
        <Text size="xs" c="dimmed">
          {t('cmdb.contacts.note')}
        </Text>
      )}
    </LedgerPage>
  );
}
