import { Alert, Badge, Button, Card, Group, Stack, Text, Timeline, Title } from '@mantine/core';
import { type QueryKey, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { roleLabel, useDateTime, useLang, useT } from '../i18n';
import { ActionDialog, bi } from './ActionDialog';
import type { AllowedAction, HistoryEntry, ProcessView, RecordDeadline } from './types';

export function Section({ title, children, testId, action }: { title: string; children: ReactNode; testId?: string; action?: ReactNode }) {
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Title order={3} size="h4">
          {title}
        </Title>
        {action}
      </Group>
      {children}
    </Card>
  );
}

export function Flash({ message, onClose }: { message: string | null; onClose: () => void }) {
  if (!message) return null;
  return (
    <Alert color="green" variant="light" withCloseButton onClose={onClose} data-testid="flash">
      {message}
    </Alert>
  );
}

/** Where the record is in its process: past steps green, the current one filled, the rest outlined. */
export function FlowBar({ view }: { view: Pick<ProcessView, 'path' | 'state'> }) {
  const { lang } = useLang();
  const idx = view.path.findIndex((p) => p.key === view.state);
  return (
    <Group gap={4} wrap="wrap" data-testid="flow-bar" align="center">
      {view.path.map((s, i) => (
        <Group key={s.key} gap={4} wrap="nowrap">
          {i > 0 && (
            <Text c="dimmed" size="sm" aria-hidden>
              ›
            </Text>
          )}
          <Badge
            tt="none"
            size="lg"
            radius="sm"
            variant={i === idx ? 'filled' : i < idx ? 'light' : 'outline'}
            color={i === idx ? 'blue' : i < idx ? 'green' : 'gray'}
            data-testid={i === idx ? 'flow-current' : 'flow-step'}
            aria-current={i === idx ? 'step' : undefined}
            style={{ fontWeight: i === idx ? 700 : 500 }}
          >
            {bi(lang, s.label)}
          </Badge>
        </Group>
      ))}
    </Group>
  );
}

export function ActionButtons({ actions, onPick }: { actions: AllowedAction[]; onPick: (a: AllowedAction) => void }) {
  const t = useT();
  const { lang } = useLang();
  if (!actions.length)
    return (
      <Text size="sm" c="dimmed" data-testid="no-actions">
        {t('wb.noActions')}
      </Text>
    );
  return (
    <Group gap="xs" wrap="wrap" data-testid="actions">
      {actions.map((a) => (
        <Button
          key={a.action}
          size="sm"
          variant={a.approval ? 'filled' : 'light'}
          color={a.approval ? 'green' : /^(return|reject|decline|reopen)/.test(a.action) ? 'orange' : 'blue'}
          onClick={() => onPick(a)}
          data-testid={`action-${a.action}`}
          data-approval={a.approval}
          style={{ whiteSpace: 'normal', height: 'auto', minHeight: 36, paddingBlock: 6 }}
        >
          {bi(lang, a.label)}
        </Button>
      ))}
    </Group>
  );
}

export function DeadlineList({ deadlines }: { deadlines: RecordDeadline[] }) {
  const t = useT();
  const fmt = useDateTime();
  const { lang } = useLang();
  if (!deadlines.length) return <Text size="sm" c="dimmed">{t('wb.noDeadlines')}</Text>;
  return (
    <Group gap="lg" wrap="wrap" data-testid="deadlines">
      {deadlines.map((d) => (
        <Stack key={d.key} gap={0} data-testid={`deadline-${d.key}`} data-overdue={d.overdue}>
          <Text size="xs" c="dimmed">
            {bi(lang, d.label)}
          </Text>
          {d.dueAt && (
            <Group gap={6} wrap="nowrap">
              <Text size="sm" c={d.overdue ? 'red.8' : undefined} fw={d.overdue ? 700 : 500}>
                {fmt(d.dueAt)}
              </Text>
              {d.overdue && (
                <Badge color="red" size="sm" tt="none">
                  {t('wb.overdue')}
                </Badge>
              )}
            </Group>
          )}
          {d.doneAt && (
            <Text size="xs" c="green.8">
              {t('wb.doneAt', { at: fmt(d.doneAt) })}
            </Text>
          )}
        </Stack>
      ))}
    </Group>
  );
}

/** The record's history, newest first: step, who (in which role), when, from → to, comment. */
export function ProcessHistory({ entries }: { entries: HistoryEntry[] }) {
  const t = useT();
  const fmt = useDateTime();
  const { lang } = useLang();
  if (!entries.length) return <Text size="sm" c="dimmed">{t('wb.noHistory')}</Text>;
  const sorted = [...entries].reverse();
  return (
    <Timeline bulletSize={14} lineWidth={2} active={sorted.length} data-testid="timeline">
      {sorted.map((h) => (
        <Timeline.Item key={h.id} data-testid="timeline-entry" data-action={h.action} title={<Text size="sm" fw={600}>{bi(lang, h.label)}</Text>}>
          <Text size="xs" c="dimmed">
            {fmt(h.at)} · {h.actor}
            {h.actorRole && h.actorRole !== 'system' ? `（${roleLabel(t, h.actorRole)}）` : ''}
          </Text>
          <Text size="xs">
            {h.fromLabel ? `${bi(lang, h.fromLabel)} → ` : ''}
            {bi(lang, h.toLabel)}
          </Text>
          {h.comment && (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {h.comment}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

/** The process part of every record page: the flow, what the person may do now, and the deadlines. */
export function ProcessSection({ view, onPick, testId, children }: { view: ProcessView; onPick: (a: AllowedAction) => void; testId: string; children?: ReactNode }) {
  const t = useT();
  return (
    <Section title={t('wb.flow')} testId={testId}>
      <Stack gap="sm">
        <FlowBar view={view} />
        {view.deadlines.length > 0 && <DeadlineList deadlines={view.deadlines} />}
        <Text size="sm" fw={600}>
          {t('wb.actions')}
        </Text>
        <ActionButtons actions={view.actions} onPick={onPick} />
        {children}
      </Stack>
    </Section>
  );
}

/**
 * The record-page hook every process uses: loads the record (which carries its ProcessView), keeps
 * the open action and the flash message, reloads on a stale version, and refreshes what depends on
 * the record (its ledger, the inbox) after an action.
 */
export function useRecordPage<T extends { process: ProcessView }>(opts: {
  queryKey: QueryKey;
  load: (signal: AbortSignal) => Promise<T>;
  act: (action: string, body: Record<string, unknown>) => Promise<unknown>;
  /** Further queries to refresh after an action (the module's ledgers…). */
  invalidate?: QueryKey[];
  /** Values the dialog starts with (e.g. the requested suppression method). */
  initial?: (record: T) => Record<string, unknown>;
  /** Warnings the dialog shows before the person confirms a step (the record's own checks, e.g. CAL-4). */
  warnings?: (record: T, action: AllowedAction) => string[];
  /** Labels of record fields the server may name on a step that has no input for them. */
  fieldLabel?: (name: string) => string | undefined;
}) {
  const qc = useQueryClient();
  const t = useT();
  const rec = useQuery({ queryKey: opts.queryKey, queryFn: ({ signal }) => opts.load(signal) });
  const [action, setAction] = useState<AllowedAction | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const refresh = async () => {
    for (const k of [opts.queryKey, ...(opts.invalidate ?? []), ['workbench']]) await qc.invalidateQueries({ queryKey: k });
  };
  const done = async (message: string) => {
    setAction(null);
    setFlash(message);
    await refresh();
  };
  const onStale = async () => {
    const before = rec.data?.process.version;
    const fresh = await rec.refetch();
    await qc.invalidateQueries({ queryKey: ['workbench'] });
    return !!fresh.data && fresh.data.process.version !== before;
  };
  const dialog = rec.data ? (
    <ActionDialog
      action={action}
      version={rec.data.process.version}
      onClose={() => setAction(null)}
      submit={opts.act}
      onDone={(label) => done(t('wb.done', { action: label }))}
      onStale={onStale}
      initial={opts.initial?.(rec.data)}
      warnings={action ? opts.warnings?.(rec.data, action) : undefined}
      fieldLabel={opts.fieldLabel}
    />
  ) : null;
  return { rec, record: rec.data, action, setAction, flash, setFlash, done, refresh, onStale, dialog };
}
