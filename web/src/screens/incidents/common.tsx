import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, Modal, Select, Stack, Switch, Table, Text, Textarea, TextInput, Timeline, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDateTime, useLang } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import type { AllowedAction, Bilingual, HistoryEntry, MailView } from './incidentsApi';
import { jstLocalToIso } from './incidentsApi';
import { type IKey, type IT, labelOf, useIT } from './i18n';

export const bi = (lang: string, b: Bilingual | null | undefined) => (b ? (lang === 'en' ? b.en : b.ja) : '—');

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

/**
 * Where the record is in its process: the main path of its class (past steps green, the current
 * one filled, the rest outlined). A side state (escalation, hand-over) appears where it sits.
 */
export function FlowBar({ path, current, states }: { path: string[]; current: string; states: Record<string, Bilingual> }) {
  const { lang } = useLang();
  const shown = path.includes(current) ? path : [...path.slice(0, 1), current, ...path.slice(1)];
  const idx = shown.indexOf(current);
  return (
    <Group gap={4} wrap="wrap" data-testid="flow-bar" align="center">
      {shown.map((s, i) => (
        <Group key={s} gap={4} wrap="nowrap">
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
            {bi(lang, states[s] ?? { ja: s, en: s })}
          </Badge>
        </Group>
      ))}
    </Group>
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

// ── process actions ─────────────────────────────────────────────────────────────────────────

type FieldKind = 'text' | 'textarea' | 'datetime' | 'lines' | 'bool' | 'route' | 'criteria';
const FIELD_KINDS: Record<string, FieldKind> = {
  comment: 'textarea',
  route: 'route',
  routeRef: 'text',
  dueAt: 'datetime',
  probableCause: 'textarea',
  steps: 'textarea',
  checklist: 'textarea',
  schedule: 'textarea',
  risks: 'textarea',
  fallback: 'textarea',
  procedureRef: 'text',
  workFrom: 'datetime',
  workTo: 'datetime',
  workers: 'lines',
  description: 'textarea',
  businessImpact: 'textarea',
  vmsMoved: 'bool',
  requesterApproval: 'text',
  resolution: 'textarea',
  reason: 'textarea',
  criteria: 'criteria',
  cause: 'textarea',
  policy: 'textarea',
  permanentFix: 'textarea',
  changeRef: 'text',
  result: 'textarea',
};

/** Optional fields worth offering per step (the required ones come from the process table). */
export const OPTIONAL_FIELDS: Record<string, string[]> = {
  route: ['routeRef', 'comment'],
  instruct: ['routeRef'],
  accept: ['comment'],
  dispatch: ['dueAt', 'comment'],
  submit_procedure: ['checklist'],
  review_procedure: ['comment'],
  approve_procedure: ['comment'],
  start_recovery: ['procedureRef'],
  complete_recovery: ['vmsMoved'],
  close: ['comment'],
  provisional_close: ['comment'],
  // problems
  propose_priority: ['comment'],
  agree_priority: ['comment'],
  continue_to_fix: ['comment'],
  implement: ['changeRef', 'comment'],
  report_result: ['changeRef'],
  approve_resolution: ['comment'],
};

export const CRITERIA = ['missedRecoveryTarget', 'citizensOrManyDepartments', 'financialOrReputation'] as const;

type Values = Record<string, unknown>;

function toBody(fields: string[], values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f];
    const kind = FIELD_KINDS[f] ?? 'text';
    if (kind === 'datetime') {
      const iso = jstLocalToIso(String(v ?? ''));
      if (iso) out[f] = iso;
    } else if (kind === 'lines') {
      const list = String(v ?? '')
        .split('\n')
        .map((x) => x.trim())
        .filter(Boolean);
      if (list.length) out[f] = list;
    } else if (kind === 'bool') {
      if (v) out[f] = true;
    } else if (kind === 'criteria') {
      out[f] = Object.fromEntries(CRITERIA.map((c) => [c, !!(v as Record<string, boolean> | undefined)?.[c]]));
    } else if (typeof v === 'string' && v.trim() !== '') out[f] = v.trim();
  }
  return out;
}

function FieldInput({ name, required, value, onChange, error, t }: { name: string; required: boolean; value: unknown; onChange: (v: unknown) => void; error?: string; t: IT }) {
  const kind = FIELD_KINDS[name] ?? 'text';
  const label = labelOf(t, `inc.f.${name}`, name);
  const common = { label, required, error, 'data-testid': `field-${name}` };
  if (kind === 'textarea') return <Textarea {...common} autosize minRows={2} maxRows={8} value={String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)} />;
  if (kind === 'lines') return <Textarea {...common} autosize minRows={2} value={String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)} />;
  if (kind === 'datetime') return <TextInput {...common} type="datetime-local" value={String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)} />;
  if (kind === 'bool') return <Switch label={label} checked={!!value} onChange={(e) => onChange(e.currentTarget.checked)} error={error} data-testid={`field-${name}`} />;
  if (kind === 'route')
    return (
      <Select
        {...common}
        data={(['monitoring_suppression', 'operation', 'change'] as const).map((r) => ({ value: r, label: t(`inc.f.route.${r}` as IKey) }))}
        value={(value as string) ?? null}
        onChange={(v) => onChange(v)}
        comboboxProps={{ withinPortal: true }}
      />
    );
  if (kind === 'criteria') {
    const c = (value as Record<string, boolean>) ?? {};
    return (
      <Stack gap={6} data-testid={`field-${name}`}>
        <Text size="sm" fw={500}>
          {label}
        </Text>
        {CRITERIA.map((k) => (
          <Checkbox key={k} label={t(`prb.crit.${k}` as IKey)} checked={!!c[k]} onChange={(e) => onChange({ ...c, [k]: e.currentTarget.checked })} data-testid={`criteria-${k}`} />
        ))}
        {error && (
          <Text size="xs" c="red">
            {error}
          </Text>
        )}
      </Stack>
    );
  }
  return <TextInput {...common} value={String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)} />;
}

/**
 * The form of one process step: its required fields (from the process table) plus the useful
 * optional ones. Server field errors appear under their fields; a 409 from a stale version makes
 * the page reload and say so (`onStale`).
 */
export function ActionModal({
  action,
  version,
  onClose,
  submit,
  onDone,
  onStale,
  initial,
}: {
  action: AllowedAction | null;
  version: number;
  onClose: () => void;
  submit: (action: string, body: Record<string, unknown>) => Promise<unknown>;
  onDone: (label: string) => void;
  /** Reloads the record; resolves true when the version moved (someone else changed it). */
  onStale: () => Promise<boolean>;
  initial?: Values;
}) {
  const t = useIT();
  const { lang } = useLang();
  const [values, setValues] = useState<Values>({});
  const [stale, setStale] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when another action opens
  useEffect(() => {
    setValues(initial ?? {});
    setStale(false);
    m.reset();
  }, [action?.action]);
  const fields = action ? [...action.requires, ...(OPTIONAL_FIELDS[action.action] ?? []).filter((f) => !action.requires.includes(f))] : [];
  const m = useMutation({
    mutationFn: () => submit(action!.action, { version, ...toBody(fields, values) }),
    onSuccess: () => onDone(bi(lang, action!.label)),
    onError: async (e) => {
      if (e instanceof ApiError && e.status === 409 && Object.keys(e.fields).length === 0 && (await onStale())) setStale(true);
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;
  const fieldErrors = err?.fields ?? {};
  const unplaced = Object.keys(fieldErrors).filter((k) => !fields.includes(k));
  return (
    <Modal opened={!!action} onClose={onClose} title={action ? bi(lang, action.label) : ''} size="lg" data-testid="action-modal">
      {action && (
        <form noValidate
          data-testid="action-form"
          data-action={action.action}
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate();
          }}
        >
          <Stack gap="sm">
            {stale && (
              <Alert color="orange" data-testid="stale-alert">
                {t('inc.stale')}
              </Alert>
            )}
            {err && !stale && (Object.keys(fieldErrors).length === 0 || unplaced.length > 0) && (
              <ErrorAlert error={unplaced.length ? new Error(unplaced.map((k) => `${k}: ${fieldErrors[k]}`).join(' / ')) : err} testId="action-error" />
            )}
            {m.error && !(m.error instanceof ApiError) && <ErrorAlert error={m.error} testId="action-error" />}
            {fields.map((f) => (
              <FieldInput key={f} name={f} required={action.requires.includes(f)} value={values[f]} onChange={(v) => setValues((x) => ({ ...x, [f]: v }))} error={fieldErrors[f]} t={t} />
            ))}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('inc.form.cancel')}
              </Button>
              <Button type="submit" loading={m.isPending} color={action.approval ? 'green' : undefined} data-testid="action-submit">
                {bi(lang, action.label)}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

export function ActionButtons({ actions, onPick }: { actions: AllowedAction[]; onPick: (a: AllowedAction) => void }) {
  const t = useIT();
  const { lang } = useLang();
  if (!actions.length)
    return (
      <Text size="sm" c="dimmed" data-testid="no-actions">
        {t('inc.noActions')}
      </Text>
    );
  return (
    <Group gap="xs" wrap="wrap" data-testid="actions">
      {actions.map((a) => (
        <Button
          key={a.action}
          size="sm"
          variant={a.approval ? 'filled' : 'light'}
          color={a.approval ? 'green' : a.action.startsWith('return') || a.action.startsWith('reject') || a.action.startsWith('decline') ? 'orange' : 'blue'}
          onClick={() => onPick(a)}
          data-testid={`action-${a.action}`}
          style={{ whiteSpace: 'normal', height: 'auto', minHeight: 36, paddingBlock: 6 }}
        >
          {bi(lang, a.label)}
        </Button>
      ))}
    </Group>
  );
}

// ── timeline and mails ──────────────────────────────────────────────────────────────────────

export function ProcessTimeline({ entries, states, labels }: { entries: HistoryEntry[]; states: Record<string, Bilingual>; labels: Record<string, Bilingual> }) {
  const t = useIT();
  const fmt = useDateTime();
  const { lang } = useLang();
  const sorted = [...entries].reverse();
  return (
    <Timeline bulletSize={14} lineWidth={2} active={sorted.length} data-testid="timeline">
      {sorted.map((h) => {
        const label = labels[h.action] ? bi(lang, labels[h.action]) : labelOf(t, `inc.hist.${h.action}`, h.action);
        return (
          <Timeline.Item key={h.id} data-testid="timeline-entry" data-action={h.action} title={<Text size="sm" fw={600}>{label}</Text>}>
            <Text size="xs" c="dimmed">
              {fmt(h.at)} · {h.actor}
              {h.actorRole ? `（${labelOf(t, `role.${h.actorRole}`, roleJa(h.actorRole, lang))}）` : ''}
            </Text>
            {h.fromState !== h.toState && (
              <Text size="xs">
                {h.fromState ? `${bi(lang, states[h.fromState])} → ` : ''}
                {bi(lang, states[h.toState])}
              </Text>
            )}
            {h.comment && (
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {h.comment}
              </Text>
            )}
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}

const ROLE_JA: Record<string, Bilingual> = {
  supervisor: { ja: '統括責任者', en: 'Supervisor' },
  vendor_lead: { ja: '責任者', en: 'Vendor lead' },
  vendor_manager: { ja: '管理者', en: 'Manager' },
  operator: { ja: '担当者', en: 'Operator' },
  system: { ja: 'システム', en: 'System' },
};
function roleJa(role: string, lang: string): string {
  return ROLE_JA[role] ? bi(lang, ROLE_JA[role]) : role;
}

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

export function Flash({ message, onClose }: { message: string | null; onClose: () => void }) {
  if (!message) return null;
  return (
    <Alert color="green" variant="light" withCloseButton onClose={onClose} data-testid="flash">
      {message}
    </Alert>
  );
}

/** The end of a record page: its process timeline and, for those who may read mail, its mails. */
export function TimelineAndMails({
  testIdPrefix,
  entries,
  states,
  labels,
  mails,
}: {
  testIdPrefix: string;
  entries: HistoryEntry[];
  states: Record<string, Bilingual>;
  labels: Record<string, Bilingual>;
  mails: MailView[];
}) {
  const t = useIT();
  const user = useUser();
  return (
    <>
      <Section title={t('inc.timeline')} testId={`${testIdPrefix}-timeline`}>
        <ProcessTimeline entries={entries} states={states} labels={labels} />
      </Section>
      {hasPermission(user, 'mail.read') && (
        <Section title={t('inc.mails')} testId={`${testIdPrefix}-mails`}>
          <MailList mails={mails} />
        </Section>
      )}
    </>
  );
}
