import { Alert, Button, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDateTime } from '../../i18n';
import { useUser } from '../../session';
import { jstLocalToIso } from '../../workbench';
import { createMaintenanceDay, deleteMaintenanceDay, listMaintenanceDays, useRT } from './releasesApi';

/** メンテナンス日 (CHG-3): the list decided at the monthly meeting; the manager adds and removes days. */
export function MaintenanceDays() {
  const t = useRT();
  const fmt = useDateTime();
  const qc = useQueryClient();
  const user = useUser();
  const manager = user.roles.some((r) => r.role === 'vendor_manager');
  const q = useQuery({ queryKey: ['changes', 'maintenance-days'], queryFn: ({ signal }) => listMaintenanceDays(signal) });
  const [day, setDay] = useState('');
  const [from, setFrom] = useState('18:00');
  const [to, setTo] = useState('23:59');
  const [note, setNote] = useState('');
  const [decidedAt, setDecidedAt] = useState('');
  const add = useMutation({
    mutationFn: () => createMaintenanceDay({ day, startsAt: jstLocalToIso(`${day}T${from}`), endsAt: jstLocalToIso(`${day}T${to}`), note: note || undefined, decidedAt: decidedAt || undefined }),
    onSuccess: async () => {
      setDay('');
      await qc.invalidateQueries({ queryKey: ['changes'] });
    },
  });
  const del = useMutation({ mutationFn: (id: string) => deleteMaintenanceDay(id), onSuccess: () => qc.invalidateQueries({ queryKey: ['changes'] }) });
  const err = add.error instanceof ApiError ? add.error : null;
  return (
    <Stack data-testid="maintenance-days">
      <Title order={3}>{t('md.title')}</Title>
      {q.error && <ErrorAlert error={q.error} />}
      {del.error && <Alert color="red">{(del.error as Error).message}</Alert>}
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
            <Table.Tr key={d.id}>
              <Table.Td>{d.day}</Table.Td>
              <Table.Td>{fmt(d.startsAt)}</Table.Td>
              <Table.Td>{fmt(d.endsAt)}</Table.Td>
              <Table.Td>{d.note}</Table.Td>
              <Table.Td>{d.decidedAt}</Table.Td>
              <Table.Td>{manager && <Button size="xs" color="red" variant="subtle" onClick={() => del.mutate(d.id)}>{t('md.delete')}</Button>}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {manager && (
        <Group align="flex-end">
          <TextInput type="date" label={t('md.day')} value={day} onChange={(e) => setDay(e.currentTarget.value)} error={err?.fields.day} />
          <TextInput type="time" label={t('md.startsAt')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} error={err?.fields.startsAt} />
          <TextInput type="time" label={t('md.endsAt')} value={to} onChange={(e) => setTo(e.currentTarget.value)} error={err?.fields.endsAt} />
          <TextInput label={t('md.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
          <TextInput label={t('md.decidedAt')} value={decidedAt} onChange={(e) => setDecidedAt(e.currentTarget.value)} placeholder="2026年11月 月次報告会" />
          <Button disabled={!day} loading={add.isPending} onClick={() => add.mutate()}>{t('md.add')}</Button>
        </Group>
      )}
    </Stack>
  );
}
