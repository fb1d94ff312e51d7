import { Alert, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDateTime } from '../../i18n';
import { useUser } from '../../session';
import { jstLocalToIso } from '../../workbench';
import { createMaintenanceDay, deleteMaintenanceDay, listMaintenanceDays, type MaintenanceDay, updateMaintenanceDay, useRT } from './releasesApi';

/** HH:mm of an instant in JST (the form's time inputs). */
const jstTime = (iso: string) => new Date(new Date(iso).getTime() + 9 * 3600_000).toISOString().slice(11, 16);

/**
 * メンテナンス日 (CHG-3): the list decided at the monthly meeting; the manager adds, changes and removes
 * days (the server refuses deleting or shrinking a day a release is planned on, naming the release).
 */
export function MaintenanceDays() {
  const t = useRT();
  const fmt = useDateTime();
  const qc = useQueryClient();
  const user = useUser();
  const manager = user.roles.some((r) => r.role === 'vendor_manager');
  const q = useQuery({ queryKey: ['changes', 'maintenance-days'], queryFn: ({ signal }) => listMaintenanceDays(signal) });
  const [editing, setEditing] = useState<MaintenanceDay | null>(null);
  const [day, setDay] = useState('');
  const [from, setFrom] = useState('18:00');
  const [to, setTo] = useState('23:59');
  const [note, setNote] = useState('');
  const [decidedAt, setDecidedAt] = useState('');
  const reset = () => {
    setEditing(null);
    setDay('');
    setFrom('18:00');
    setTo('23:59');
    setNote('');
    setDecidedAt('');
  };
  const edit = (d: MaintenanceDay) => {
    setEditing(d);
    setDay(d.day);
    setFrom(jstTime(d.startsAt));
    setTo(jstTime(d.endsAt));
    setNote(d.note ?? '');
    setDecidedAt(d.decidedAt ?? '');
    save.reset();
  };
  const save = useMutation({
    mutationFn: () => {
      const body = { day, startsAt: jstLocalToIso(`${day}T${from}`), endsAt: jstLocalToIso(`${day}T${to}`), note: note || undefined, decidedAt: decidedAt || undefined };
      return editing ? updateMaintenanceDay(editing.id, { ...body, updatedAt: editing.updatedAt }) : createMaintenanceDay(body);
    },
    onSuccess: async () => {
      reset();
      await qc.invalidateQueries({ queryKey: ['changes'] });
    },
  });
  const del = useMutation({ mutationFn: (id: string) => deleteMaintenanceDay(id), onSuccess: () => qc.invalidateQueries({ queryKey: ['changes'] }) });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Stack data-testid="maintenance-days">
      <Title order={3}>{t('md.title')}</Title>
      {q.error && <ErrorAlert error={q.error} />}
      {del.error && (
        <Alert color="red" data-testid="md-delete-error">
          {(del.error as Error).message}
        </Alert>
      )}
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('md.day')}</Table.Th>
            <Table.Th>{t('md.startsAt')}</Table.Th>
            <Table.Th>{t('md.endsAt')}</Table.Th>
            <Table.Th>{t('md.note')}</Table.Th>
            <Table.Th>{t('md.decidedAt')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(q.data?.items ?? []).map((d) => (
            <Table.Tr key={d.id} data-testid="md-row" data-day={d.day}>
              <Table.Td>{d.day}</Table.Td>
              <Table.Td>{fmt(d.startsAt)}</Table.Td>
              <Table.Td>{fmt(d.endsAt)}</Table.Td>
              <Table.Td>{d.note}</Table.Td>
              <Table.Td>{d.decidedAt}</Table.Td>
              <Table.Td>
                {manager && (
                  <Group gap={4} wrap="nowrap">
                    <Button size="xs" variant="subtle" onClick={() => edit(d)} data-testid="md-edit">
                      {t('md.edit')}
                    </Button>
                    <Button size="xs" color="red" variant="subtle" onClick={() => del.mutate(d.id)} data-testid="md-delete">
                      {t('md.delete')}
                    </Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {manager && (
        <Stack gap="xs" data-testid="md-form" data-editing={editing ? editing.day : undefined}>
          {editing && <Text size="sm" fw={600}>{t('md.editing', { day: editing.day })}</Text>}
          {err && !Object.keys(err.fields).length && (
            <Alert color="red" data-testid="md-error">
              {err.message}
            </Alert>
          )}
          <Group align="flex-start">
            <TextInput type="date" w={170} label={t('md.day')} value={day} onChange={(e) => setDay(e.currentTarget.value)} error={err?.fields.day} data-testid="md-day" />
            <TextInput type="time" w={200} label={t('md.startsAt')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} error={err?.fields.startsAt} data-testid="md-from" />
            <TextInput type="time" w={200} label={t('md.endsAt')} value={to} onChange={(e) => setTo(e.currentTarget.value)} error={err?.fields.endsAt} data-testid="md-to" />
            <TextInput w={240} label={t('md.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={err?.fields.note} data-testid="md-note" />
            <TextInput w={240} label={t('md.decidedAt')} value={decidedAt} onChange={(e) => setDecidedAt(e.currentTarget.value)} placeholder="2026年11月 月次報告会" error={err?.fields.decidedAt} />
          </Group>
          <Group>
            <Button disabled={!day} loading={save.isPending} onClick={() => save.mutate()} data-testid="md-save">
              {editing ? t('md.save') : t('md.add')}
            </Button>
            {editing && (
              <Button variant="default" onClick={reset}>
                {t('md.cancel')}
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
