import { Anchor, Badge, Button, Checkbox, Group, ScrollArea, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, Navigate, Route, Routes, useParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { roleLabel, useDateTime, useLang, useT } from '../../i18n';
import { bi, Section } from '../../workbench';
import { ExportLinks } from '../incidents/IncidentLedger';
import { StateBadge } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { useMT } from './i18n';
import { MeetingForm } from './MeetingForm';
import { MeetingPage } from './MeetingPage';
import { actionExportHref, getActionItem, isMeetingEditor, listActionItems, listCandidates, listKinds, listMeetings, meetingExportHref } from './meetingsApi';
import { useUser } from '../../session';

const nowrap = { style: { whiteSpace: 'nowrap' } } as const;

/** N §2.7.3's table: purpose, cadence, required attendees, and per kind the last / next meeting. */
function KindsTable({ onNew }: { onNew?: (kind: string) => void }) {
  const t = useMT();
  const tg = useT();
  const fmt = useDateTime();
  const kinds = useQuery({ queryKey: ['meetings', 'kinds'], queryFn: ({ signal }) => listKinds(signal) });
  if (kinds.isPending) return <PageLoader />;
  if (!kinds.data) return <ErrorAlert error={kinds.error} />;
  return (
    <Section title={t('mtg.kinds')} testId="meeting-kinds">
      <ScrollArea>
        <Table striped withTableBorder fz="sm" miw={1100} data-testid="kinds-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th {...nowrap}>{t('mtg.no')}</Table.Th>
              <Table.Th>{t('mtg.kind')}</Table.Th>
              <Table.Th>{t('mtg.purpose')}</Table.Th>
              <Table.Th>{t('mtg.cadence')}</Table.Th>
              <Table.Th>{t('mtg.required')}</Table.Th>
              <Table.Th {...nowrap}>{t('mtg.lastHeld')}</Table.Th>
              <Table.Th {...nowrap}>{t('mtg.nextDue')}</Table.Th>
              {onNew && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {kinds.data.items.map((k) => (
              <Table.Tr key={k.code} data-testid={`kind-${k.code}`}>
                <Table.Td>{k.no}</Table.Td>
                <Table.Td {...nowrap} fw={600}>
                  {k.name}
                </Table.Td>
                <Table.Td miw={240} maw={340}>{k.purpose}</Table.Td>
                <Table.Td miw={110} maw={170}>{k.cadenceLabel}</Table.Td>
                <Table.Td miw={230}>
                  <Group gap={4}>
                    {k.requiredRoles.map((r) => (
                      <Badge key={r} variant="light" tt="none" size="sm">
                        {roleLabel(tg, r)}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td {...nowrap}>{k.lastHeldOn ?? '—'}</Table.Td>
                <Table.Td {...nowrap} data-testid={`kind-${k.code}-next`}>
                  {k.nextPlannedAt ? (
                    <Text size="sm">
                      {t('mtg.nextPlanned')} {fmt(k.nextPlannedAt)}
                    </Text>
                  ) : k.cadence === 'ad_hoc' ? (
                    <Text size="sm" c="dimmed">
                      {t('mtg.adHoc')}
                    </Text>
                  ) : k.nextDueOn ? (
                    <Text size="sm" c={k.dueOverdue ? 'red.8' : undefined} fw={k.dueOverdue ? 700 : undefined}>
                      {k.nextDueOn}
                    </Text>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {t('mtg.dueOverdue')}
                    </Text>
                  )}
                </Table.Td>
                {onNew && (
                  <Table.Td>
                    <Button size="xs" variant="light" onClick={() => onNew(k.code)} data-testid={`kind-${k.code}-new`}>
                      {t('mtg.new')}
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Section>
  );
}

/** The meetings (newest first), filtered by kind, with XLSX/CSV export. */
function MeetingList({ kindOptions }: { kindOptions: { value: string; label: string }[] }) {
  const t = useMT();
  const fmt = useDateTime();
  const [kind, setKind] = useState<string | null>(null);
  const q = { kind: kind ?? undefined };
  const list = useQuery({ queryKey: ['meetings', 'list', q], queryFn: ({ signal }) => listMeetings(q, signal) });
  return (
    <Section
      title={t('mtg.list')}
      testId="meeting-list"
      action={
        <Group gap="xs">
          <Select placeholder={t('mtg.filter.kind')} data={kindOptions} value={kind} onChange={setKind} clearable w={220} size="sm" data-testid="meeting-kind-filter" />
          <ExportLinks href={(f) => meetingExportHref(f, q)} />
          <Anchor component={Link} to="/meetings/actions" size="sm" data-testid="action-items-link">
            {t('mtg.action.all')} →
          </Anchor>
        </Group>
      }
    >
      {!list.data ? (
        list.error ? <ErrorAlert error={list.error} /> : <PageLoader />
      ) : list.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('mtg.none')}
        </Text>
      ) : (
        <ScrollArea>
          <Table striped highlightOnHover withTableBorder fz="sm" miw={900} data-testid="meetings-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('mtg.meetingNo')}</Table.Th>
                <Table.Th>{t('mtg.kind')}</Table.Th>
                <Table.Th>{t('mtg.subject')}</Table.Th>
                <Table.Th>{t('mtg.startsAt')}</Table.Th>
                <Table.Th>{t('mtg.place')}</Table.Th>
                <Table.Th>{t('mtg.state')}</Table.Th>
                <Table.Th>{t('mtg.attendeeCount')}</Table.Th>
                <Table.Th>{t('mtg.openActions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((m) => (
                <Table.Tr key={m.id} data-testid="meeting-row">
                  <Table.Td {...nowrap}>
                    <Anchor component={Link} to={`/meetings/${m.id}`} ff="monospace" size="sm">
                      {m.meetingNo}
                    </Anchor>
                  </Table.Td>
                  <Table.Td {...nowrap}>{m.kindName}</Table.Td>
                  <Table.Td>{m.title}</Table.Td>
                  <Table.Td {...nowrap}>{fmt(m.startsAt)}</Table.Td>
                  <Table.Td>{m.place}</Table.Td>
                  <Table.Td>
                    <StateBadge state={m.state} label={m.stateLabel} />
                  </Table.Td>
                  <Table.Td>{m.attendeeCount}</Table.Td>
                  <Table.Td>{m.openActions || '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Section>
  );
}

function MeetingsHome() {
  const t = useMT();
  const kinds = useQuery({ queryKey: ['meetings', 'kinds'], queryFn: ({ signal }) => listKinds(signal) });
  const editor = isMeetingEditor(useUser());
  const people = useQuery({ queryKey: ['meetings', 'people'], queryFn: ({ signal }) => listCandidates(signal), enabled: editor });
  const [creating, setCreating] = useState<string | null>(null);
  const kindOptions = (kinds.data?.items ?? []).map((k) => ({ value: k.code, label: k.name }));
  return (
    <Stack gap="md" data-testid="meetings-screen">
      <Group justify="space-between">
        <Stack gap={2}>
          <Title order={2}>{t('mtg.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('mtg.lead')}
          </Text>
        </Stack>
        {editor && (
          <Button onClick={() => setCreating(kindOptions[0]?.value ?? 'monthly_report')} data-testid="meeting-new">
            {t('mtg.new')}
          </Button>
        )}
      </Group>
      <KindsTable onNew={editor ? setCreating : undefined} />
      <MeetingList kindOptions={kindOptions} />
      {creating && kinds.data && people.data && <MeetingForm kind={creating} kinds={kinds.data.items} people={people.data.items} onClose={() => setCreating(null)} />}
    </Stack>
  );
}

/** 宿題一覧: every action item the person may see (mine / open only), with XLSX/CSV export. */
function ActionItems() {
  const t = useMT();
  const { lang } = useLang();
  const [mine, setMine] = useState(false);
  const [open, setOpen] = useState(true);
  const q = { mine: mine ? 'true' : undefined, state: open ? 'open' : undefined };
  const list = useQuery({ queryKey: ['meetings', 'actions', q], queryFn: ({ signal }) => listActionItems(q, signal) });
  return (
    <Stack gap="md" data-testid="action-items-screen">
      <Anchor component={Link} to="/meetings" size="sm">
        ← {t('mtg.back')}
      </Anchor>
      <Section
        title={t('mtg.action.all')}
        action={
          <Group gap="md">
            <Checkbox label={t('mtg.action.mine')} checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} data-testid="actions-mine" />
            <Checkbox label={t('mtg.action.openOnly')} checked={open} onChange={(e) => setOpen(e.currentTarget.checked)} />
            <ExportLinks href={(f) => actionExportHref(f, q)} />
          </Group>
        }
      >
        {!list.data ? (
          <PageLoader />
        ) : list.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('mtg.actions.none')}
          </Text>
        ) : (
          <Table striped withTableBorder fz="sm" data-testid="action-items-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('mtg.meetingNo')}</Table.Th>
                <Table.Th>{t('mtg.action.title')}</Table.Th>
                <Table.Th>{t('mtg.action.owner')}</Table.Th>
                <Table.Th>{t('mtg.action.due')}</Table.Th>
                <Table.Th>{t('mtg.state')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td {...nowrap}>
                    <Anchor component={Link} to={`/meetings/${a.meetingId}`} ff="monospace" size="sm">
                      {a.meetingNo}-{a.seq}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{a.title}</Table.Td>
                  <Table.Td>{a.ownerLabel}</Table.Td>
                  <Table.Td {...nowrap}>
                    <Text size="sm" c={a.overdue ? 'red.8' : undefined} fw={a.overdue ? 700 : undefined}>
                      {a.dueOn} {a.overdue && `（${t('mtg.action.overdue')}）`}
                    </Text>
                  </Table.Td>
                  <Table.Td>{bi(lang, a.stateLabel)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
    </Stack>
  );
}

/** The inbox links an action item as /meetings/actions/:id: open its meeting. */
function ActionRedirect() {
  const { id = '' } = useParams();
  const t = useMT();
  const a = useQuery({ queryKey: ['meetings', 'action', id], queryFn: ({ signal }) => getActionItem(id, signal), retry: false });
  const [target, setTarget] = useState<string | null>(null);
  useEffect(() => {
    if (a.data) setTarget(`/meetings/${a.data.meetingId}#action-${a.data.id}`);
  }, [a.data]);
  if (a.error) return <NotFoundScreen />;
  if (target) return <Navigate to={target} replace />;
  return <Text size="sm">{t('mtg.openRedirect')}</Text>;
}

/** 会議体 (/meetings/*): the kinds with cadence and next due, the meetings, one page per meeting, the action items. */
export default function MeetingsScreen() {
  return (
    <Routes>
      <Route index element={<MeetingsHome />} />
      <Route path="actions" element={<ActionItems />} />
      <Route path="actions/:id" element={<ActionRedirect />} />
      <Route path=":id" element={<MeetingPage />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
