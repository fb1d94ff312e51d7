import { Anchor, Badge, Group, Paper, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageLoader } from '../components/PageLoader';
import { useDateTime, useLang, useT } from '../i18n';
import { bi } from './ActionDialog';
import { getInbox, getWorkbenchSettings, putWorkbenchSettings } from './api';

/** How often the inbox and the header's count are refreshed while a page is open. */
export const INBOX_REFRESH_MS = 60_000;

/** 自分の作業: every record of every process where the signed-in person can act now. */
export function InboxPanel() {
  const t = useT();
  const fmt = useDateTime();
  const { lang } = useLang();
  const qc = useQueryClient();
  const inbox = useQuery({ queryKey: ['workbench', 'inbox'], queryFn: ({ signal }) => getInbox(signal), refetchInterval: INBOX_REFRESH_MS });
  const settings = useQuery({ queryKey: ['workbench', 'settings'], queryFn: ({ signal }) => getWorkbenchSettings(signal) });
  const digest = useMutation({
    mutationFn: (on: boolean) => putWorkbenchSettings({ approvalDigest: on }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['workbench', 'settings'] }),
  });
  if (inbox.isPending) return <PageLoader />;
  if (!inbox.data) return <ErrorAlert error={inbox.error} />;
  const box = inbox.data;
  return (
    <Stack gap="xs" data-testid="inbox">
      <Group justify="space-between" wrap="wrap">
        <Title order={3} size="h4">
          {t('wb.inbox.title')}
        </Title>
        <Group gap="xs">
          <Badge color="green" variant="light" tt="none" data-testid="inbox-approvals">
            {t('wb.inbox.approvals', { n: box.approvals })}
          </Badge>
          <Badge color="red" variant={box.overdue ? 'filled' : 'light'} tt="none" data-testid="inbox-overdue">
            {t('wb.inbox.overdue', { n: box.overdue })}
          </Badge>
          <Badge color="gray" variant="light" tt="none" data-testid="inbox-total">
            {t('wb.inbox.total', { n: box.total })}
          </Badge>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        {t('wb.inbox.lead')}
      </Text>
      {box.truncated && (
        <Text size="xs" c="orange.8">
          {t('wb.inbox.truncated')}
        </Text>
      )}
      {box.items.length === 0 ? (
        <Paper withBorder p="md">
          <Text c="dimmed" data-testid="inbox-empty">
            {t('wb.inbox.empty')}
          </Text>
        </Paper>
      ) : (
        <Paper withBorder>
          <Table striped highlightOnHover verticalSpacing={4} data-testid="inbox-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('wb.inbox.col.module')}</Table.Th>
                <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('wb.inbox.col.ref')}</Table.Th>
                <Table.Th>{t('wb.inbox.col.title')}</Table.Th>
                <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('wb.inbox.col.state')}</Table.Th>
                <Table.Th>{t('wb.inbox.col.actions')}</Table.Th>
                <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('wb.inbox.col.due')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {box.items.map((e) => (
                <Table.Tr key={`${e.process}:${e.recordId}`} data-testid="inbox-row" data-process={e.process} data-record={e.recordId} data-approval={e.approval} data-overdue={e.overdue}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{bi(lang, e.module)}</Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Anchor component={Link} to={e.path} ff="monospace" size="sm" data-testid="inbox-link">
                      {e.ref || '—'}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={1} title={e.title}>
                      {e.title}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {/* Never cut (a ledger's rule too): the column is at least as wide as the badge. */}
                    <Badge variant="light" tt="none" style={{ minWidth: 'max-content' }} data-testid="inbox-state">
                      {bi(lang, e.stateLabel)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="wrap">
                      {e.actions.map((a) => (
                        <Badge key={a.action} size="sm" tt="none" variant={a.approval ? 'filled' : 'outline'} color={a.approval ? 'green' : 'blue'} style={{ minWidth: 'max-content' }}>
                          {a.approval ? `${t('wb.approvalMark')}: ` : ''}
                          {bi(lang, a.label)}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {e.dueAt ? (
                      <Group gap={4} wrap="nowrap">
                        <Text size="sm" c={e.overdue ? 'red.8' : undefined} fw={e.overdue ? 700 : 400}>
                          {fmt(e.dueAt)}
                        </Text>
                        {e.overdue && (
                          <Badge color="red" size="sm" tt="none">
                            {t('wb.overdue')}
                          </Badge>
                        )}
                      </Group>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {settings.data && (
        <Switch
          size="sm"
          label={t('wb.digest.label')}
          checked={settings.data.approvalDigest}
          onChange={(e) => digest.mutate(e.currentTarget.checked)}
          data-testid="digest-switch"
        />
      )}
    </Stack>
  );
}
