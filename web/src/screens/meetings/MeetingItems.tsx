import { Alert, Anchor, Badge, Button, Group, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api';
import { useLang, useT } from '../../i18n';
import { bi, jstLocalToIso, Section } from '../../workbench';
import { type MT, useMT } from './i18n';
import { personOption } from './MeetingForm';
import { actOnActionItem, addActionItem, addDecision, addReference, isMeetingEditor, listCandidates, type MeetingDetail, removeReference } from './meetingsApi';
import { useUser } from '../../session';

type Props = { m: MeetingDetail; onChange: () => Promise<void> };

function FormError({ error }: { error: unknown }) {
  const err = error instanceof ApiError ? error : null;
  if (!err) return null;
  const fields = Object.entries(err.fields);
  return <Alert color="red">{fields.length ? fields.map(([k, v]) => `${k}: ${v}`).join(' / ') : err.message}</Alert>;
}

function DecisionForm({ m, onChange, t }: Props & { t: MT }) {
  const [kind, setKind] = useState<'general' | 'maintenance_day'>('general');
  const [text, setText] = useState('');
  const [day, setDay] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const save = useMutation({
    mutationFn: () =>
      addDecision(m.id, {
        kind,
        text,
        ...(kind === 'maintenance_day' ? { maintenanceDay: { day, startsAt: jstLocalToIso(from) ?? '', endsAt: jstLocalToIso(to) ?? '' } } : {}),
      }),
    onSuccess: async () => {
      setText('');
      await onChange();
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Stack gap="xs" data-testid="decision-form">
      <Group grow align="flex-start">
        <Select
          label={t('mtg.decision.kind')}
          data={[
            { value: 'general', label: t('mtg.decision.general') },
            { value: 'maintenance_day', label: t('mtg.decision.maintenance') },
          ]}
          value={kind}
          onChange={(v) => setKind((v as typeof kind) ?? 'general')}
          allowDeselect={false}
          maw={200}
          data-testid="decision-kind"
        />
        <Textarea label={t('mtg.decision.text')} autosize minRows={1} value={text} onChange={(e) => setText(e.currentTarget.value)} error={err?.fields.text} data-testid="decision-text" />
      </Group>
      {kind === 'maintenance_day' && (
        <Group grow>
          <TextInput type="date" label={t('mtg.decision.day')} value={day} onChange={(e) => setDay(e.currentTarget.value)} error={err?.fields['maintenanceDay.day'] ?? err?.fields.maintenanceDay} />
          <TextInput type="datetime-local" label={t('mtg.decision.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} error={err?.fields['maintenanceDay.startsAt']} />
          <TextInput type="datetime-local" label={t('mtg.decision.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} error={err?.fields['maintenanceDay.endsAt']} />
        </Group>
      )}
      {err && !err.fields.text && <FormError error={save.error} />}
      <Group justify="flex-end">
        <Button size="xs" loading={save.isPending} onClick={() => save.mutate()} data-testid="decision-add">
          {t('mtg.decision.add')}
        </Button>
      </Group>
    </Stack>
  );
}

export function Decisions({ m, onChange }: Props) {
  const t = useMT();
  return (
    <Section title={t('mtg.decisions')} testId="meeting-decisions">
      <Stack gap="sm">
        {m.decisions.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('mtg.decisions.none')}
          </Text>
        ) : (
          <Stack gap={4}>
            {m.decisions.map((d) => (
              <Group key={d.id} gap="xs" align="flex-start" wrap="nowrap" data-testid="decision">
                <Text size="sm" fw={600}>
                  {d.seq}.
                </Text>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {d.text}
                </Text>
                {d.maintenanceDayId && (
                  <Anchor component={Link} to="/changes/maintenance-days" size="xs">
                    <Badge color="teal" variant="light" tt="none">
                      {t('mtg.decision.toSchedule')}
                    </Badge>
                  </Anchor>
                )}
              </Group>
            ))}
          </Stack>
        )}
        {m.canEdit && <DecisionForm m={m} onChange={onChange} t={t} />}
      </Stack>
    </Section>
  );
}

function ActionForm({ m, onChange, t }: Props & { t: MT }) {
  const tg = useT();
  const people = useQuery({ queryKey: ['meetings', 'people'], queryFn: ({ signal }) => listCandidates(signal) });
  const [title, setTitle] = useState('');
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [dueOn, setDueOn] = useState('');
  const save = useMutation({
    mutationFn: () => addActionItem(m.id, { title, ownerId: ownerId ?? '', dueOn }),
    onSuccess: async () => {
      setTitle('');
      await onChange();
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Group align="flex-end" gap="xs" data-testid="action-form">
      <TextInput label={t('mtg.action.title')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={err?.fields.title} style={{ flex: 2 }} data-testid="action-title" />
      <Select label={t('mtg.action.owner')} data={(people.data?.items ?? []).map((p) => personOption(tg, p))} value={ownerId} onChange={setOwnerId} searchable error={err?.fields.ownerId} style={{ flex: 1 }} data-testid="action-owner" />
      <TextInput type="date" label={t('mtg.action.due')} value={dueOn} onChange={(e) => setDueOn(e.currentTarget.value)} error={err?.fields.dueOn} data-testid="action-due" />
      <Button size="sm" loading={save.isPending} onClick={() => save.mutate()} data-testid="action-add">
        {t('mtg.add')}
      </Button>
    </Group>
  );
}

export function ActionItems({ m, onChange }: Props) {
  const t = useMT();
  const { lang } = useLang();
  const act = useMutation({
    mutationFn: (a: { id: string; action: string; version: number }) => actOnActionItem(a.id, a.action, { version: a.version, ...(a.action === 'reopen' ? { reason: '再開' } : {}) }),
    onSuccess: onChange,
  });
  return (
    <Section title={t('mtg.actions')} testId="meeting-actions">
      <Stack gap="sm">
        {m.actionItems.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('mtg.actions.none')}
          </Text>
        ) : (
          <Table withTableBorder fz="sm" data-testid="action-items">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>{t('mtg.action.title')}</Table.Th>
                <Table.Th>{t('mtg.action.owner')}</Table.Th>
                <Table.Th>{t('mtg.action.due')}</Table.Th>
                <Table.Th>{t('mtg.state')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {m.actionItems.map((a) => (
                <Table.Tr key={a.id} id={`action-${a.id}`} data-testid="action-item" data-overdue={a.overdue}>
                  <Table.Td>{a.seq}</Table.Td>
                  <Table.Td>{a.title}</Table.Td>
                  <Table.Td>{a.ownerLabel}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm" c={a.overdue ? 'red.8' : undefined} fw={a.overdue ? 700 : undefined}>
                      {a.dueOn}
                    </Text>
                    {a.overdue && (
                      <Badge color="red" size="xs" tt="none">
                        {t('mtg.action.overdue')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{bi(lang, a.stateLabel)}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {a.actions.map((x) => (
                        <Button key={x.action} size="compact-xs" variant="light" color={x.action === 'reopen' ? 'orange' : 'green'} loading={act.isPending} onClick={() => act.mutate({ id: a.id, action: x.action, version: a.version })} data-testid={`action-item-${x.action}`}>
                          {bi(lang, x.label)}
                        </Button>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <FormError error={act.error} />
        {m.canEdit && <ActionForm m={m} onChange={onChange} t={t} />}
      </Stack>
    </Section>
  );
}

/** 資料: records of other modules by kind and id (the monthly report of a 月次報告会, an incident…). */
export function References({ m, onChange }: Props) {
  const t = useMT();
  const editor = isMeetingEditor(useUser());
  const [refKind, setRefKind] = useState('monthly_report');
  const [refId, setRefId] = useState('');
  const [label, setLabel] = useState('');
  const add = useMutation({ mutationFn: () => addReference(m.id, { refKind, refId, label }), onSuccess: onChange });
  const remove = useMutation({ mutationFn: (id: string) => removeReference(m.id, id), onSuccess: onChange });
  const err = add.error instanceof ApiError ? add.error : null;
  return (
    <Section title={t('mtg.refs')} testId="meeting-references">
      <Stack gap="xs">
        {m.references.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('mtg.refs.none')}
          </Text>
        ) : (
          m.references.map((r) => (
            <Group key={r.id} gap="xs" data-testid="reference">
              <Badge variant="outline" tt="none">
                {r.refKind}
              </Badge>
              <Text size="sm">{r.label}</Text>
              <Text size="xs" c="dimmed" ff="monospace">
                {r.refId}
              </Text>
              {m.canEdit && editor && (
                <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove.mutate(r.id)}>
                  {t('mtg.ref.remove')}
                </Button>
              )}
            </Group>
          ))
        )}
        {m.canEdit && (
          <Group align="flex-end" gap="xs">
            <TextInput label={t('mtg.ref.kind')} value={refKind} onChange={(e) => setRefKind(e.currentTarget.value)} error={err?.fields.refKind} w={160} />
            <TextInput label={t('mtg.ref.id')} value={refId} onChange={(e) => setRefId(e.currentTarget.value)} error={err?.fields.refId} w={160} />
            <TextInput label={t('mtg.ref.label')} value={label} onChange={(e) => setLabel(e.currentTarget.value)} error={err?.fields.label} style={{ flex: 1 }} />
            <Button size="sm" variant="light" loading={add.isPending} onClick={() => add.mutate()}>
              {t('mtg.ref.add')}
            </Button>
          </Group>
        )}
      </Stack>
    </Section>
  );
}
