import { Anchor, Badge, Button, CopyButton, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { FilterInput } from '../../components/FilterInput';
import { ListPage } from '../../components/ListPage';
import { useT } from '../../i18n';
import type { ContactRow } from './cmdbApi';
import { CiLink, ExportButtons, StatusBadge } from './common';
import { Empty, Ledger, nowrap, StatusFilter, thNowrap, useLedger } from './Ledgers';

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
  const { params, query, result, th, footer } = useLedger<ContactRow>('contact', ['status', 'systemId'], 'system');
  const bySystem = query.sort === 'system' || query.sort === '-system';
  const items = result.data?.items ?? [];
  const groups = bySystem ? groupBySystem(items) : items.map((r) => [r]);
  return (
    <Ledger>
      <ListPage
        title={t('cmdb.ledger.contacts')}
        testId="cmdb-contacts"
        minWidth={960}
        toolbar={
          <>
            <FilterInput value={params.q} onChange={params.setQ} />
            <StatusFilter params={params} />
            <ExportButtons kind="contact" query={query} />
          </>
        }
        error={result.error}
        loading={result.isFetching}
        table={
          <Table withColumnBorders={bySystem} striped={!bySystem} highlightOnHover styles={thNowrap} data-testid="contacts-table">
            <Table.Thead>
              <Table.Tr>
                {th('system', t('cmdb.f.system'))}
                {th('escalationOrder', t('cmdb.f.escalationOrder'))}
                {th('name', t('cmdb.f.contactName'))}
                <Table.Th>{t('cmdb.f.contactRole')}</Table.Th>
                {th('email', t('cmdb.f.email'))}
                <Table.Th>{t('cmdb.f.phone')}</Table.Th>
                <Table.Th>{t('cmdb.f.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
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
                    <Table.Td ta="center" data-testid="contact-order">
                      {c.escalationOrder}
                    </Table.Td>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td>
                      <Stack gap={2} align="flex-start">
                        <Text size="sm" style={nowrap}>
                          {c.role ?? '—'}
                        </Text>
                        {c.distributionList && (
                          <Badge size="xs" variant="light" tt="none">
                            {t('cmdb.rel.distributionList')}
                          </Badge>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <Anchor href={`mailto:${c.email}`} size="sm" style={nowrap}>
                        {c.email}
                      </Anchor>
                    </Table.Td>
                    <Table.Td ff="monospace" style={nowrap}>
                      {c.phone ?? '—'}
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={c.status} size="sm" />
                    </Table.Td>
                  </Table.Tr>
                )),
              )}
              <Empty cols={7} show={result.data?.items.length === 0} />
            </Table.Tbody>
          </Table>
        }
        footer={footer}
      />
      {bySystem && (
        <Text size="xs" c="dimmed">
          {t('cmdb.contacts.note')}
        </Text>
      )}
    </Ledger>
  );
}
