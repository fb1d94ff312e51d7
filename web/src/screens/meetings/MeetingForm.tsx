import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, listDepartments } from '../../api';
import { roleLabel, useT } from '../../i18n';
import { jstLocalToIso } from '../../workbench';
import { useMT } from './i18n';
import { type Candidate, createMeeting, type MeetingKindRow } from './meetingsApi';

export const personOption = (tg: ReturnType<typeof useT>, p: Candidate) => ({ value: p.id, label: `${p.displayName}（${p.roles.map((r) => roleLabel(tg, r)).join('・')}）` });

/** 会議の登録: kind, time, place; agenda and attendees default to the kind's (the server pre-fills them). */
export function MeetingForm({ kind: initialKind, kinds, people, onClose }: { kind: string; kinds: MeetingKindRow[]; people: Candidate[]; onClose: () => void }) {
  const t = useMT();
  const tg = useT();
  const qc = useQueryClient();
  const nav = useNavigate();
  const [kind, setKind] = useState(initialKind);
  const [title, setTitle] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [place, setPlace] = useState('');
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [agenda, setAgenda] = useState('');
  const [attendeeIds, setAttendeeIds] = useState<string[]>([]);
  const depts = useQuery({ queryKey: ['departments', 'all'], queryFn: ({ signal }) => listDepartments({ pageSize: 200 }, signal) });
  const k = kinds.find((x) => x.code === kind);
  const save = useMutation({
    mutationFn: () =>
      createMeeting({
        kind,
        title: title.trim() || undefined,
        startsAt: jstLocalToIso(startsAt) ?? '',
        endsAt: jstLocalToIso(endsAt),
        place,
        departmentId: departmentId ?? undefined,
        agenda: agenda.trim() ? agenda.split('\n').map((l) => l.trim()).filter(Boolean) : undefined,
        attendeeIds: attendeeIds.length ? attendeeIds : undefined,
      }),
    onSuccess: async (m) => {
      await qc.invalidateQueries({ queryKey: ['meetings'] });
      onClose();
      nav(`/meetings/${m.id}`);
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Modal opened onClose={onClose} title={t('mtg.new')} size="lg" data-testid="meeting-form">
      <Stack gap="sm">
        <Select label={t('mtg.kind')} data={kinds.map((x) => ({ value: x.code, label: `${x.no}. ${x.name}` }))} value={kind} onChange={(v) => v && setKind(v)} allowDeselect={false} error={err?.fields.kind} data-testid="form-kind" />
        <TextInput label={t('mtg.subject')} placeholder={k ? `${k.name}（YYYY-MM-DD）` : ''} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={err?.fields.title} />
        <Group grow>
          <TextInput type="datetime-local" label={t('mtg.startsAt')} required value={startsAt} onChange={(e) => setStartsAt(e.currentTarget.value)} error={err?.fields.startsAt} data-testid="form-starts" />
          <TextInput type="datetime-local" label={t('mtg.endsAt')} value={endsAt} onChange={(e) => setEndsAt(e.currentTarget.value)} error={err?.fields.endsAt} data-testid="form-ends" />
        </Group>
        <TextInput label={t('mtg.place')} required value={place} onChange={(e) => setPlace(e.currentTarget.value)} error={err?.fields.place} data-testid="form-place" />
        {k?.requiredRoles.includes('system_owner') && (
          <Select
            label={t('mtg.department')}
            data={(depts.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
            value={departmentId}
            onChange={setDepartmentId}
            clearable
            searchable
            error={err?.fields.departmentId}
          />
        )}
        <Textarea label={t('mtg.agenda')} description={t('mtg.agenda.hint')} placeholder={k?.agenda.join('\n')} autosize minRows={3} value={agenda} onChange={(e) => setAgenda(e.currentTarget.value)} error={err?.fields.agenda} />
        <MultiSelect
          label={t('mtg.attendees')}
          description={t('mtg.attendees.hint')}
          data={people.map((p) => personOption(tg, p))}
          value={attendeeIds}
          onChange={setAttendeeIds}
          searchable
          error={err?.fields.attendeeIds}
        />
        {err && Object.keys(err.fields).length === 0 && <Alert color="red">{err.message}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('mtg.cancel')}
          </Button>
          <Button loading={save.isPending} onClick={() => save.mutate()} data-testid="form-submit">
            {t('mtg.create')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
