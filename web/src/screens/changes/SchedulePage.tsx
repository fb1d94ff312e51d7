import { Anchor, Badge, Button, Group, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { getSchedule, type RKey, type Schedule, useRT } from './releasesApi';

const COLORS: Record<Schedule['entries'][number]['kind'], string> = { change_due: 'blue', release: 'grape', suppression: 'orange', maintenance_day: 'teal' };
const jstDay = (iso: string) => new Date(new Date(iso).getTime() + 9 * 3600_000).toISOString().slice(0, 10);
const thisMonth = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 7);
const shift = (ym: string, by: number) => {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return d.toISOString().slice(0, 7);
};

/**
 * 変更スケジュール (CHG-3): a month of every change's 納期 and every release window, with monitoring
 * suppressions, maintenance days and holidays drawn — as a month grid or a list, optionally for one target.
 */
export function SchedulePage() {
  const t = useRT();
  const fmt = useDateTime();
  const [month, setMonth] = useState(thisMonth());
  const [ciId, setCiId] = useState('');
  const [mode, setMode] = useState<'month' | 'list'>('month');
  const valid = /^[0-9a-f-]{36}$/i.test(ciId) ? ciId : undefined;
  const q = useQuery({ queryKey: ['changes', 'schedule', month, valid], queryFn: ({ signal }) => getSchedule(month, valid, signal) });
  const entries = q.data?.entries ?? [];
  const on = (day: string) => entries.filter((e) => jstDay(e.from) <= day && jstDay(e.to) >= day);
  const first = q.data ? new Date(`${q.data.days[0]!.day}T00:00:00Z`).getUTCDay() : 0;
  const link = (e: Schedule['entries'][number]) => (e.path ? <Anchor component={Link} to={e.path} size="xs">{e.ref}</Anchor> : <Text size="xs">{e.ref}</Text>);
  return (
    <Stack data-testid="change-schedule">
      <Group justify="space-between">
        <Title order={3}>{t('sch.title')}</Title>
        <Group>
          <Button size="xs" variant="default" onClick={() => setMonth(shift(month, -1))}>‹</Button>
          <Text fw={600}>{month}</Text>
          <Button size="xs" variant="default" onClick={() => setMonth(shift(month, 1))}>›</Button>
          <TextInput size="xs" placeholder={t('sch.target')} value={ciId} onChange={(e) => setCiId(e.currentTarget.value.trim())} w={300} />
          <SegmentedControl size="xs" value={mode} onChange={(v) => setMode(v as 'month' | 'list')} data={[{ value: 'month', label: t('sch.month') }, { value: 'list', label: t('sch.list') }]} />
          <Button size="xs" variant="subtle" component={Link} to="/changes/maintenance-days">{t('md.title')}</Button>
        </Group>
      </Group>
      <Group gap="xs">
        {(Object.keys(COLORS) as (keyof typeof COLORS)[]).map((k) => (
          <Badge key={k} color={COLORS[k]} variant="light">{t(`sch.kind.${k}` as RKey)}</Badge>
        ))}
      </Group>
      {q.error && <ErrorAlert error={q.error} />}
      {!q.data ? (
        <PageLoader />
      ) : mode === 'month' ? (
        <SimpleGrid cols={7} spacing={2}>
          {['日', '月', '火', '水', '木', '金', '土'].map((w) => (
            <Text key={w} size="xs" ta="center" fw={600}>{w}</Text>
          ))}
          {Array.from({ length: first }, (_, i) => <div key={`pad${i}`} />)}
          {q.data.days.map((d) => (
            <Stack key={d.day} gap={2} p={4} mih={90} style={{ border: '1px solid var(--mantine-color-gray-3)', background: d.maintenance ? 'var(--mantine-color-teal-0)' : d.closed ? 'var(--mantine-color-gray-1)' : undefined }} data-testid={`schedule-day-${d.day}`}>
              <Text size="xs" c={d.closed ? 'red' : undefined}>{Number(d.day.slice(8))}{d.holiday ? ` ${d.holiday}` : ''}</Text>
              {on(d.day).filter((e) => e.kind !== 'maintenance_day').map((e) => (
                <Badge key={`${e.kind}${e.id}`} color={COLORS[e.kind]} variant="light" size="xs" style={{ textTransform: 'none' }} title={e.title}>
                  {link(e)}
                </Badge>
              ))}
            </Stack>
          ))}
        </SimpleGrid>
      ) : (
        <Table>
          <Table.Tbody>
            {entries.map((e) => (
              <Table.Tr key={`${e.kind}${e.id}`}>
                <Table.Td><Badge color={COLORS[e.kind]} variant="light">{t(`sch.kind.${e.kind}` as RKey)}</Badge></Table.Td>
                <Table.Td>{link(e)}</Table.Td>
                <Table.Td>{e.title}</Table.Td>
                <Table.Td>{fmt(e.from)}{e.to !== e.from ? ` ～ ${fmt(e.to)}` : ''}</Table.Td>
                <Table.Td>{e.actualFrom ? `${fmt(e.actualFrom)} ～ ${fmt(e.actualTo)}` : ''}</Table.Td>
                <Table.Td>{e.stateLabel?.ja ?? e.state ?? ''}{e.emergency ? '（緊急）' : ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** The ledger's link to 変更スケジュール (placed by the change ledger). */
export function ScheduleLink() {
  const t = useRT();
  return (
    <Anchor component={Link} to="/changes/schedule" size="sm" data-testid="change-schedule-link">
      {t('sch.title')}
    </Anchor>
  );
}
