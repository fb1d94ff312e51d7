import { Alert, Anchor, Badge, Button, FileInput, Grid, Group, MultiSelect, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { PageLoader } from '../../components/PageLoader';
import { roleLabel, useDateTime, useLang, useT } from '../../i18n';
import { bi, ProcessSection, Section, useRecordPage } from '../../workbench';
import { Flash, StateBadge, TimelineAndMails } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { type MT, useMT } from './i18n';
import { personOption } from './MeetingForm';
import { ActionItems, Decisions, References } from './MeetingItems';
import { actOnMeeting, getMeeting, listCandidates, type MeetingDetail, minutesFileHref, updateMeeting, uploadMinutesFile } from './meetingsApi';

type Props = { m: MeetingDetail; onChange: () => Promise<void>; t: MT };

/** Place, agenda and attendees while the meeting may change (開催予定・議事録作成中). */
function EditDetails({ m, onChange, t, onDone }: Props & { onDone: () => void }) {
  const tg = useT();
  const people = useQuery({ queryKey: ['meetings', 'people'], queryFn: ({ signal }) => listCandidates(signal) });
  const [place, setPlace] = useState(m.place);
  const [agenda, setAgenda] = useState(m.agenda.join('\n'));
  const [attendeeIds, setAttendeeIds] = useState(m.attendees.map((a) => a.id));
  const save = useMutation({
    mutationFn: () => updateMeeting(m.id, { version: m.version, place, agenda: agenda.split('\n').map((l) => l.trim()).filter(Boolean), attendeeIds }),
    onSuccess: async () => {
      await onChange();
      onDone();
    },
  });
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <Stack gap="sm" data-testid="meeting-edit">
      <TextInput label={t('mtg.place')} value={place} onChange={(e) => setPlace(e.currentTarget.value)} error={err?.fields.place} />
      <Textarea label={t('mtg.agenda')} autosize minRows={3} value={agenda} onChange={(e) => setAgenda(e.currentTarget.value)} error={err?.fields.agenda} />
      <MultiSelect label={t('mtg.attendees')} data={(people.data?.items ?? []).map((p) => personOption(tg, p))} value={attendeeIds} onChange={setAttendeeIds} searchable error={err?.fields.attendeeIds} />
      {err && Object.keys(err.fields).length === 0 && <Alert color="red">{err.status === 409 ? t('mtg.stale') : err.message}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          {t('mtg.cancel')}
        </Button>
        <Button loading={save.isPending} onClick={() => save.mutate()} data-testid="meeting-save">
          {t('mtg.save')}
        </Button>
      </Group>
    </Stack>
  );
}

/** 議事録: the text (editable until submitted) and an optional file through src/files. */
function Minutes({ m, onChange, t }: Props) {
  const fmt = useDateTime();
  const [text, setText] = useState(m.minutes);
  const [file, setFile] = useState<File | null>(null);
  const save = useMutation({ mutationFn: () => updateMeeting(m.id, { version: m.version, minutes: text }), onSuccess: onChange });
  const up = useMutation({
    mutationFn: () => {
      const form = new FormData();
      if (file) form.append('file', file, file.name);
      return uploadMinutesFile(m.id, form);
    },
    onSuccess: async () => {
      setFile(null);
      await onChange();
    },
  });
  const editable = m.canEdit && m.state === 'minutes';
  const upErr = up.error instanceof ApiError ? up.error : null;
  return (
    <Section title={t('mtg.minutes')} testId="meeting-minutes">
      <Stack gap="sm">
        {editable ? (
          <>
            <Textarea autosize minRows={6} value={text} onChange={(e) => setText(e.currentTarget.value)} data-testid="minutes-text" />
            <Group justify="flex-end">
              <Button size="xs" loading={save.isPending} disabled={text === m.minutes} onClick={() => save.mutate()} data-testid="minutes-save">
                {t('mtg.save')}
              </Button>
            </Group>
          </>
        ) : (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="minutes-view">
            {m.minutes.trim() || t('mtg.minutes.empty')}
          </Text>
        )}
        <Group gap="sm" align="flex-end">
          <Text size="sm" fw={600}>
            {t('mtg.minutes.file')}
          </Text>
          {m.minutesFile ? (
            <>
              <Text size="sm">{m.minutesFile.fileName}</Text>
              <Button component="a" href={minutesFileHref(m.id)} size="xs" variant="light" download>
                {t('mtg.minutes.download')}
              </Button>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              —
            </Text>
          )}
        </Group>
        {m.canEdit && (
          <Group align="flex-end" gap="xs">
            <FileInput placeholder={t('mtg.minutes.file')} value={file} onChange={setFile} clearable error={upErr?.fields.file} w={280} data-testid="minutes-file" />
            <Button size="xs" variant="light" disabled={!file} loading={up.isPending} onClick={() => up.mutate()}>
              {t('mtg.minutes.upload')}
            </Button>
          </Group>
        )}
        {m.approvedByLabel && (
          <Text size="xs" c="dimmed">
            {t('mtg.approvedBy')}: {m.approvedByLabel}（{fmt(m.approvedAt)}）{m.sharedAt ? ` · ${t('mtg.sharedAt')}: ${fmt(m.sharedAt)}` : ''}
          </Text>
        )}
      </Stack>
    </Section>
  );
}

/**
 * One meeting (the `meeting` process) on the workbench scaffold: the flow and actions (開催・承認依頼・
 * 承認・差戻し・共有・中止), details with agenda and attendees (missing required ones warned), decisions,
 * action items, references, minutes, history and the mails sent.
 */
export function MeetingPage() {
  const { id = '' } = useParams();
  const t = useMT();
  const tg = useT();
  const { lang } = useLang();
  const fmt = useDateTime();
  const [editing, setEditing] = useState(false);
  const page = useRecordPage<MeetingDetail>({
    queryKey: ['meetings', 'meeting', id],
    load: (signal) => getMeeting(id, signal),
    act: (a, body) => actOnMeeting(id, a, body),
    invalidate: [['meetings']],
  });
  const { rec, setAction, flash, setFlash } = page;
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const m = rec.data;
  const onChange = async () => {
    setFlash(t('mtg.saved'));
    await page.refresh();
  };
  const missing = m.warnings.missingRequired;
  return (
    <Stack gap="md" data-testid="meeting-page" data-state={m.state}>
      <Stack gap={4}>
        <Anchor component={Link} to="/meetings" size="sm">
          ← {t('mtg.back')}
        </Anchor>
        <Group gap="xs">
          <Text ff="monospace" fw={700} data-testid="meeting-no">
            {m.meetingNo}
          </Text>
          <Badge variant="light" tt="none">
            {m.kindInfo.name}
          </Badge>
          <StateBadge state={m.state} label={m.stateLabel} />
        </Group>
        <Title order={2}>{m.title}</Title>
      </Stack>
      <Flash message={flash} onClose={() => setFlash(null)} />
      {missing.length > 0 && (
        <Alert color="orange" data-testid="missing-required">
          {t('mtg.missing', { roles: missing.map((r) => bi(lang, r.label)).join('、') })}
        </Alert>
      )}
      <ProcessSection view={m.process} onPick={setAction} testId="meeting-flow" />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Section
              title={t('mtg.detail')}
              testId="meeting-details"
              action={
                m.canEdit && !editing ? (
                  <Button size="xs" variant="light" onClick={() => setEditing(true)} data-testid="meeting-edit-open">
                    {t('mtg.edit')}
                  </Button>
                ) : undefined
              }
            >
              {editing ? (
                <EditDetails m={m} onChange={page.refresh} t={t} onDone={() => setEditing(false)} />
              ) : (
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                  <Field label={t('mtg.startsAt')}>{fmt(m.startsAt)}{m.endsAt ? ` ～ ${fmt(m.endsAt)}` : ''}</Field>
                  <Field label={t('mtg.place')}>{m.place}</Field>
                  <Field label={t('mtg.purpose')} wide>
                    {m.kindInfo.purpose}
                  </Field>
                  {m.department && <Field label={t('mtg.department')}>{m.department.name}</Field>}
                  <Field label={t('mtg.agenda')} wide testId="meeting-agenda">
                    {m.agenda.map((a, i) => `${i + 1}. ${a}`).join('\n')}
                  </Field>
                  <Field label={t('mtg.attendees')} wide testId="meeting-attendees">
                    <Group gap={6}>
                      {m.attendees.map((a) => (
                        <Badge key={a.id} variant={a.required ? 'filled' : 'light'} tt="none" data-testid="attendee">
                          {a.displayName}（{a.roles.map((r) => roleLabel(tg, r)).join('・')}）{a.required ? ` ${t('mtg.requiredBadge')}` : ''}
                        </Badge>
                      ))}
                    </Group>
                  </Field>
                </SimpleGrid>
              )}
            </Section>
            <Decisions m={m} onChange={onChange} />
            <ActionItems m={m} onChange={onChange} />
            <Minutes key={m.version} m={m} onChange={onChange} t={t} />
            <References m={m} onChange={onChange} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <TimelineAndMails testIdPrefix="meeting" entries={m.process.history} mails={m.mails} />
        </Grid.Col>
      </Grid>
      {page.dialog}
    </Stack>
  );
}
