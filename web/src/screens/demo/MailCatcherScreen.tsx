import { Alert, Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { getMails, getSimulator } from './demoApi';
import { useDemoT } from './i18n';

/** The simulator's state: its hosts, the monitoring egress counts (all loopback) and the failures in force. */
function SimulatorCard() {
  const t = useDemoT();
  const dt = useDateTime();
  const q = useQuery({ queryKey: ['demo', 'simulator'], queryFn: ({ signal }) => getSimulator(signal), refetchInterval: 10_000 });
  if (!q.data) return null;
  const s = q.data;
  return (
    <Card withBorder data-testid="demo-simulator">
      <Stack gap={4}>
        <Text fw={600}>{t('demo.sim')}</Text>
        <Text size="sm">{t('demo.sim.hosts', { n: s.hosts, first: s.firstAddress ?? '-', last: s.lastAddress ?? '-', web: s.webServers })}</Text>
        <Text size="sm" data-testid="demo-egress">
          {t('demo.sim.egress', { allowed: s.egress.allowed.toLocaleString(), refused: s.egress.refused })}
        </Text>
        <Group gap="xs">
          <Text size="sm">{t('demo.sim.faults')}:</Text>
          {s.faults.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('demo.sim.none')}
            </Text>
          ) : (
            s.faults.map((f) => (
              <Badge key={`${f.target}-${f.from}`} color="red" variant="light" data-testid="demo-fault">
                {f.target} {t(`demo.fault.${f.kind}`)} · {t('demo.fault.until', { until: dt(f.until) })}
              </Badge>
            ))
          )}
        </Group>
      </Stack>
    </Card>
  );
}

/** メールキャッチャー: every mail the outbox delivered to the demo's loopback SMTP server, newest first. */
export default function MailCatcherScreen() {
  const t = useDemoT();
  const dt = useDateTime();
  const [open, setOpen] = useState<number | null>(null);
  const q = useQuery({ queryKey: ['demo', 'mails'], queryFn: ({ signal }) => getMails(signal), refetchInterval: 10_000 });
  if (q.error instanceof ApiError && q.error.status === 404) return <Alert color="gray">{t('demo.notDemo')}</Alert>;
  if (q.isPending) return <PageLoader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const { items, total, smtp } = q.data;
  return (
    <Stack data-testid="demo-mail">
      <Title order={2}>{t('demo.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('demo.lead', { smtp })}
      </Text>
      <SimulatorCard />
      <Title order={4}>{t('demo.mails', { n: total })}</Title>
      {items.length === 0 ? (
        <Text c="dimmed" data-testid="demo-mail-empty">
          {t('demo.none')}
        </Text>
      ) : (
        <Table striped highlightOnHover layout="fixed" data-testid="demo-mail-list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={190}>{t('demo.receivedAt')}</Table.Th>
              <Table.Th>{t('demo.subject')}</Table.Th>
              <Table.Th w={340}>{t('demo.to')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((m) => (
              <Fragment key={m.id}>
                <Table.Tr style={{ cursor: 'pointer' }} onClick={() => setOpen(open === m.id ? null : m.id)} data-testid="demo-mail-row">
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{dt(m.receivedAt)}</Table.Td>
                  <Table.Td fw={open === m.id ? 600 : undefined}>{m.subject}</Table.Td>
                  <Table.Td>
                    <Text size="sm" truncate="end" title={m.to.join(', ')}>
                      {m.to.join(', ')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
                {open === m.id && (
                  <Table.Tr>
                    <Table.Td colSpan={3}>
                      <Stack gap={4} data-testid="demo-mail-body">
                        <Text size="xs" c="dimmed">
                          {t('demo.from')}: {m.from} / {t('demo.to')}: {m.to.join(', ')}
                          {m.cc.length > 0 ? ` / ${t('demo.cc')}: ${m.cc.join(', ')}` : ''}
                        </Text>
                        <Text size="sm" style={{ whiteSpace: 'pre-wrap', fontFamily: 'monospace' }}>
                          {m.text}
                        </Text>
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
