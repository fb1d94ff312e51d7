import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Modal, Select, Stack, Switch, Table, Text, Textarea, TextInput, Timeline, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDateTime, useLang } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { type Bilingual, type HistoryEntry, ProcessHistory, Section } from '../../workbench';
import type { MailView } from './incidentsApi';
import { type IKey, type IT, labelOf, useIT } from './i18n';

import { bi } from '../../workbench';
export { ActionButtons, bi, Flash, FlowBar, Section } from '../../workbench';

export function PriorityBadge({ priority }: { priority: string | null | undefined }) {
  const t = useIT();
  if (!priority) return <Text c="dimmed" span>—</Text>;
  return (
    <Badge color={priority === 'high' ? 'red' : 'gray'} variant={priority === 'high' ? 'filled' : 'light'} tt="none" data-testid="priority-badge" data-priority={priority}>
      {labelOf(t, `inc.pri.${priority}`, priority)}
    </Badge>
  );
}

export function OverdueBadge({ show }: { show: boolean }) {
  const t = useIT();
  if (!show) return null;
  return (
    <Badge color="red" variant="filled" tt="none" data-testid="overdue-badge">
      {t('inc.overdue')}
    </Badge>
  );
}

const STATE_COLORS: Record<string, string> = {
  registered: 'orange',
  closed: 'gray',
  provisionally_closed: 'teal',
  recovered: 'green',
};

export function StateBadge({ state, label }: { state: string; label: Bilingual }) {
  const { lang } = useLang();
  return (
    <Badge color={STATE_COLORS[state] ?? 'blue'} variant="light" tt="none" data-testid="state-badge" data-state={state} style={{ whiteSpace: 'normal', height: 'auto' }}>
      {bi(lang, label)}
    </Badge>
  );
}

export function Deadline({ dueAt, doneAt, overdue, testId }: { dueAt: string | null; doneAt: string | null; overdue: boolean; testId: string }) {
  const t = useIT();
  const fmt = useDateTime();
  if (!dueAt && !doneAt) return <Text size="sm" c="dimmed" data-testid={testId}>{t('inc.dl.none')}</Text>;
  return (
    <Stack gap={0} data-testid={testId} data-overdue={overdue}>
      {dueAt && (
        <Group gap={6}>
          <Text size="sm" c={overdue ? 'red.8' : undefined} fw={overdue ? 700 : 500}>
            {fmt(dueAt)}
          </Text>
          {overdue && (
            <Badge color="red" size="sm" tt="none">
              {t('inc.dl.overdue')}
            </Badge>
          )}
        </Group>
      )}
      {doneAt && (
        <Text size="xs" c="green.8">
          {t('inc.dl.done', { at: fmt(doneAt) })}
        </Text>
      )}
    </Stack>
  );
}

// ── mails ──────────────────────────────────────────────────────────────────────────────────

export function MailList({ mails }: { mails: MailView[] }) {
  const t = useIT();
  const fmt = useDateTime();
  const [open, setOpen] = useState<string | null>(null);
  if (!mails.length) return <Text size="sm" c="dimmed">{t('inc.mails.none')}</Text>;
  return (
    <Table data-testid="mails-table" verticalSpacing={4} layout="fixed">
        <Table.Tbody>
          {mails.map((m) => (
            <Table.Tr key={m.id} data-testid="mail-row" data-status={m.status} style={{ verticalAlign: 'top' }}>
              <Table.Td w={120}>
                <Text size="xs" c="dimmed">
                  {fmt(m.sentAt ?? m.createdAt)}
                </Text>
                <Badge size="sm" tt="none" variant="light" color={m.status === 'sent' ? 'green' : m.status === 'failed' ? 'red' : 'yellow'}>
                  {labelOf(t, `inc.mail.status.${m.status}`, m.status)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Anchor component="button" type="button" size="sm" fw={600} onClick={() => setOpen(open === m.id ? null : m.id)} data-testid="mail-subject" aria-expanded={open === m.id} style={{ textAlign: 'left' }}>
                  {m.subject}
                </Anchor>
                <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }} lineClamp={open === m.id ? undefined : 2} data-testid="mail-to">
                  {t('inc.mail.to')}（{m.to.length}）: {m.to.join(', ')}
                </Text>
                {m.lastError && (
                  <Text size="xs" c="red">
                    {m.lastError}
                  </Text>
                )}
                {open === m.id && (
                  <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap' }} mt={4} p="xs" bg="gray.0">
                    {m.body}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
  );
}

/** The end of a record page: its process timeline and, for those who may read mail, its mails. */
export function TimelineAndMails({ testIdPrefix, entries, mails }: { testIdPrefix: string; entries: HistoryEntry[]; mails: MailView[] }) {
  const t = useIT();
  const user = useUser();
  return (
    <>
      <Section title={t('inc.timeline')} testId={`${testIdPrefix}-timeline`}>
        <ProcessHistory entries={entries} />
      </Section>
      {hasPermission(user, 'mail.read') && (
        <Section title={t('inc.mails')} testId={`${testIdPrefix}-mails`}>
          <MailList mails={mails} />
        </Section>
      )}
    </>
  );
}
