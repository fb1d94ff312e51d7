import { Badge, Button, Code, Group, Stack, Table, Text, Timeline } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { type T, useDateTime, useT } from '../../i18n';
import { getHistory, type HistoryEntry, type ScreenKind } from './cmdbApi';
import { dictOr, fieldLabel, statusLabel, yesNo } from './common';

const ACTION_COLORS: Record<string, string> = {
  create: 'green',
  update: 'blue',
  transition: 'violet',
  placement: 'cyan',
  missing: 'red',
  reappeared: 'teal',
  confirm: 'gray',
};

/** Readable value of one field in the history: labels for codes, あり/なし for flags. */
function show(t: T, field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return t('cmdb.unset');
  if (typeof v === 'boolean') return yesNo(t, v);
  if (field === 'status') return statusLabel(t, String(v));
  if (field === 'environment') return dictOr(t, `cmdb.env.${v}`, String(v));
  if (field === 'powerState') return dictOr(t, `cmdb.power.${v}`, String(v));
  if (field === 'role') return dictOr(t, `cmdb.siteRole.${v}`, String(v));
  if (field === 'nics' && Array.isArray(v)) {
    return v.map((n: { network?: string; ip?: string | null }) => `${n.network ?? '?'}${n.ip ? ` ${n.ip}` : ''}`).join(', ') || t('cmdb.unset');
  }
  if (typeof v === 'object') return JSON.stringify(v);
  const s = String(v);
  // Timestamps in the history are ISO strings.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s)) return new Date(s).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' });
  return s;
}

const HIDDEN = new Set(['id', 'statusChangedAt']);

function Changes({ entry }: { entry: HistoryEntry }) {
  const t = useT();
  const created = entry.action === 'create';
  const [open, setOpen] = useState(!created);
  const rows = entry.changes.filter((c) => !HIDDEN.has(c.field));
  if (rows.length === 0) return null;
  return (
    <Stack gap={4}>
      {created && (
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {t('cmdb.hist.fieldsCreated', { count: rows.length })}
          </Text>
          <Button variant="subtle" size="compact-xs" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="history-toggle">
            {open ? t('cmdb.hist.hide') : t('cmdb.hist.show')}
          </Button>
        </Group>
      )}
      {open && (
        <Table withTableBorder verticalSpacing={2} fz="sm" layout="fixed" data-testid="history-diff">
          <Table.Tbody>
            {rows.map((c) => (
              <Table.Tr key={c.field} data-testid="history-diff-row" data-field={c.field}>
                <Table.Td w="30%" style={{ wordBreak: 'break-word' }}>
                  {fieldLabel(t, c.field)}
                </Table.Td>
                {!created && (
                  <Table.Td style={{ wordBreak: 'break-all' }}>
                    <Text size="sm" c={c.before === null || c.before === '' ? 'dimmed' : 'red.8'} td={c.before === null || c.before === '' ? undefined : 'line-through'}>
                      {show(t, c.field, c.before)}
                    </Text>
                  </Table.Td>
                )}
                {!created && (
                  <Table.Td w={28} ta="center" aria-hidden>
                    →
                  </Table.Td>
                )}
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <Text size="sm" c={created ? undefined : 'green.8'} fw={created ? undefined : 600}>
                    {show(t, c.field, c.after)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** The CI's history, newest first, as a timeline of who / when / why / through what / before → after (CMDB-3). */
export function HistoryTimeline({ kind, id }: { kind: ScreenKind; id: string }) {
  const t = useT();
  const fmt = useDateTime();
  const q = useInfiniteQuery({
    queryKey: ['cmdb', kind, id, 'history'],
    queryFn: ({ pageParam, signal }) => getHistory(kind, id, pageParam, signal),
    initialPageParam: 1,
    getNextPageParam: (last) => (last.page * last.pageSize < last.total ? last.page + 1 : undefined),
  });
  const entries = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="sm" data-testid="history">
      <ErrorAlert error={q.error} />
      {q.data && entries.length === 0 && (
        <Text c="dimmed" size="sm">
          {t('cmdb.hist.empty')}
        </Text>
      )}
      <Timeline bulletSize={14} lineWidth={2} active={entries.length}>
        {entries.map((e) => (
          <Timeline.Item
            key={e.id}
            color={ACTION_COLORS[e.action] ?? 'gray'}
            data-testid="history-entry"
            data-action={e.action}
            title={
              <Group gap="xs" wrap="wrap">
                <Text fw={700} size="sm">
                  {dictOr(t, `cmdb.hist.action.${e.action}`, e.action)}
                </Text>
                <Badge variant="outline" color="gray" tt="none" size="sm">
                  {dictOr(t, `cmdb.hist.source.${e.source}`, e.source)}
                </Badge>
              </Group>
            }
          >
            <Stack gap={4}>
              <Text size="xs" c="dimmed">
                <time dateTime={e.at}>{fmt(e.at)}</time>　{t('cmdb.hist.by', { actor: e.actor })}
              </Text>
              <Text size="sm">
                <Text span fw={600} size="sm">
                  {t('cmdb.hist.reason')}:
                </Text>{' '}
                {e.reason}
              </Text>
              {e.cause && (
                <Text size="sm">
                  <Text span fw={600} size="sm">
                    {t('cmdb.hist.cause')}:
                  </Text>{' '}
                  <Code>{e.cause}</Code>
                </Text>
              )}
              <Changes entry={e} />
            </Stack>
          </Timeline.Item>
        ))}
      </Timeline>
      {q.hasNextPage && (
        <Button variant="light" size="xs" onClick={() => q.fetchNextPage()} loading={q.isFetchingNextPage} w="fit-content">
          {t('cmdb.hist.more')}
        </Button>
      )}
    </Stack>
  );
}
