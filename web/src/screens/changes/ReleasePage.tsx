import { Alert, Anchor, Button, FileInput, Group, Modal, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { Flash, ProcessSection, Section, useRecordPage } from '../../workbench';
import { StateBadge, TimelineAndMails } from '../incidents/common';
import { ReleasePlanForm } from './ReleasePlanForm';
import { actOnRelease, evidenceHref, getRelease, printHref, type ReleaseDetail, type RKey, uploadEvidence, useRT } from './releasesApi';

/** The plan fields リリース計画報告 may name as missing (src/changes/release-inputs.ts PLAN_REQUIRED). */
const PLAN_LABELS = [
  'rollbackProcedure',
  'rollbackDecisionAt',
  'rollbackCriteria',
  'timeline',
  'backupTime',
  'staffing',
  'impactScope',
  'risks',
  'contacts',
  'workerLabel',
  'plannedStart',
  'plannedEnd',
  'emergencyReason',
] as const;

/** /changes/releases/:id (the inbox's link): finds the release's change and goes to its page. */
export function ReleaseRedirect() {
  const { id = '' } = useParams();
  const q = useQuery({ queryKey: ['release', id], queryFn: ({ signal }) => getRelease(id, signal) });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return <PageLoader />;
  return <Navigate replace to={`/changes/${q.data.release.changeId}/releases/${id}`} />;
}

/** /changes/:id/releases/new: the plan form for a change being implemented. */
export function ReleaseNew() {
  const { id = '' } = useParams();
  const t = useRT();
  const nav = useNavigate();
  return (
    <Stack maw={960}>
      <Anchor component={Link} to={`/changes/${id}`} size="sm" data-testid="release-back">
        ← {t('rel.backToChange')}
      </Anchor>
      <Title order={3}>{t('rel.new')}</Title>
      <ReleasePlanForm changeId={id} onSaved={(rid) => nav(`/changes/${id}/releases/${rid}`)} onCancel={() => nav(`/changes/${id}`)} />
    </Stack>
  );
}

function Evidence({ data, onDone, canManage }: { data: ReleaseDetail; onDone: () => Promise<void>; canManage: boolean }) {
  const t = useRT();
  const fmt = useDateTime();
  const [file, setFile] = useState<File | null>(null);
  const [note, setNote] = useState('');
  const up = useMutation({
    mutationFn: async () => {
      const form = new FormData();
      form.append('note', note);
      if (file) form.append('file', file, file.name);
      return uploadEvidence(data.release.id, form);
    },
    onSuccess: async () => {
      setFile(null);
      setNote('');
      await onDone();
    },
  });
  const err = up.error instanceof ApiError ? up.error : null;
  return (
    <Section title={t('rel.evidence')} testId="release-evidence">
      {data.evidence.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('rel.evidence.none')}
        </Text>
      ) : (
        <Table>
          <Table.Tbody>
            {data.evidence.map((e) => (
              <Table.Tr key={e.id} data-testid="release-evidence-row">
                <Table.Td>
                  <Anchor href={evidenceHref(data.release.id, e.id)}>{e.fileName}</Anchor>
                </Table.Td>
                <Table.Td>{e.note}</Table.Td>
                <Table.Td>{e.uploadedByLabel}</Table.Td>
                <Table.Td>{fmt(e.uploadedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canManage && data.release.state !== 'cancelled' && (
        <Group align="flex-end" mt="sm">
          <FileInput
            label={t('rel.evidence.upload')}
            value={file}
            onChange={setFile}
            placeholder={t('rel.evidence.pick')}
            clearable
            error={err?.fields.file ?? (err && !err.fields.file ? err.message : undefined)}
            w={320}
            data-testid="release-evidence-file"
          />
          <TextInput label={t('rel.evidence.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} data-testid="release-evidence-note" />
          <Button disabled={!file} loading={up.isPending} onClick={() => up.mutate()} data-testid="release-evidence-upload">
            {t('rel.evidence.upload')}
          </Button>
        </Group>
      )}
    </Section>
  );
}

/**
 * One release (リリース計画書兼完了報告書) on the workbench scaffold: the flow with its actions, the plan
 * (editable while 作成中), the completion part, CAL-4's count and warning before approval, evidence
 * and the print links.
 */
export function ReleasePage() {
  const { rid = '' } = useParams();
  const t = useRT();
  const fmt = useDateTime();
  const [editing, setEditing] = useState(false);
  const canManage = hasPermission(useUser(), 'change.manage');
  const page = useRecordPage<ReleaseDetail>({
    queryKey: ['release', rid],
    load: (signal) => getRelease(rid, signal),
    act: (action, body) => actOnRelease(rid, action, body),
    invalidate: [['changes']],
    // CAL-4: the supervisor reads the month's off-hours count before confirming the approval.
    warnings: (d, a) => (a.action === 'approve_plan' && d.offHours.warning ? [d.offHours.warning] : []),
    // リリース計画報告 names the plan's missing fields (PLAN_REQUIRED): in the words of the form.
    fieldLabel: (k) => (PLAN_LABELS.includes(k as (typeof PLAN_LABELS)[number]) ? t(`rel.${k}` as RKey) : undefined),
  });
  if (page.rec.error) return <ErrorAlert error={page.rec.error} />;
  const d = page.record;
  if (!d) return <PageLoader />;
  const r = d.release;
  const rows: [string, string][] = [
    [t('rel.window'), `${fmt(r.plannedStart)} ～ ${fmt(r.plannedEnd)}`],
    [
      t('rel.maintenance'),
      d.maintenanceDay ? d.maintenanceDay.day : r.emergency ? `${t('rel.emergency')}：${r.emergencyReason ?? ''}` : t('rel.noMaintenance'),
    ],
    [t('rel.workContent'), r.workContent],
    [t('rel.businessImpact'), r.businessImpact],
    [t('rel.workerLabel'), r.workerLabel ?? '—'],
    [t('rel.timeline'), r.timeline.map((x) => `${x.at} ${x.task}`).join('\n') || '—'],
    [t('rel.backupTime'), r.backupTime ?? '—'],
    [t('rel.rollbackCriteria'), r.rollbackCriteria ?? '—'],
    [t('rel.rollbackDecisionAt'), fmt(r.rollbackDecisionAt)],
    [t('rel.staffing'), r.staffing.map((x) => `${x.name}（${x.role}）${x.nextBusinessDay ? ` ${t('rel.nextBusinessDay')}` : ''}`).join('\n') || '—'],
    [t('rel.impactScope'), r.impactScope ?? '—'],
    [t('rel.risks'), r.risks.map((x) => `${x.risk} → ${x.mitigation}`).join('\n') || '—'],
    [t('rel.contacts'), r.contacts ?? '—'],
    [t('rel.rollbackProcedure'), r.rollbackProcedure ?? '—'],
    [
      t('rel.suppression'),
      `${r.suppressionMethod === 'stop' ? t('rel.stop') : t('rel.watch')}${d.suppression ? `（${t(`rel.sup.${d.suppression.state}` as RKey)}）` : ''}`,
    ],
  ];
  const done: [string, string][] = [
    [t('rel.actual'), r.actualStart ? `${fmt(r.actualStart)} ～ ${fmt(r.actualEnd)}` : '—'],
    [t('rel.result'), r.result ? t(`rel.result.${r.result}` as RKey) : '—'],
    [t('rel.anomaly'), r.anomalyReport ?? '—'],
    [t('rel.investigation'), r.investigation ?? '—'],
    [t('rel.rollbackReason'), r.rollbackReason ?? '—'],
    [t('rel.completionNote'), r.completionNote ?? '—'],
  ];
  return (
    <Stack data-testid="release-page" data-state={r.state}>
      <Group justify="space-between">
        <Stack gap={0}>
          <Anchor component={Link} to={`/changes/${d.change.id}`} size="sm">
            {t('rel.change')} {d.change.receiptNo} {d.change.title}
          </Anchor>
          <Title order={3}>
            {t('rel.title')} <span data-testid="release-no">{r.releaseNo}</span>
          </Title>
        </Stack>
        <Group>
          <StateBadge state={r.state} label={r.stateLabel} />
          <Button component="a" href={printHref(r.id, 'pdf')} variant="default" size="xs">
            {t('rel.print')} PDF
          </Button>
          <Button component="a" href={printHref(r.id, 'xlsx')} variant="default" size="xs">
            XLSX
          </Button>
        </Group>
      </Group>
      <Flash message={page.flash} onClose={() => page.setFlash(null)} />
      {d.offHours.warning && ['plan_review', 'plan_approval'].includes(r.state) && (
        <Alert color="orange" title={t('rel.cal4')} data-testid="release-cal4-warning">
          {d.offHours.warning}
        </Alert>
      )}
      {d.overrun && (
        <Alert color="red" title={t('rel.overrun')} data-testid="release-overrun">
          {t(d.overrun.suppressed ? 'rel.overrun.held' : 'rel.overrun.resumed', {
            minutes: d.overrun.minutes,
            plannedEnd: fmt(d.overrun.plannedEnd),
            ceilingAt: fmt(d.overrun.ceilingAt),
          })}
        </Alert>
      )}
      <ProcessSection view={d.process} onPick={page.setAction} testId="release-process">
        <Text size="xs" c="dimmed">
          {t('rel.cal4.count', { month: d.offHours.month, count: d.offHours.count, cap: d.offHours.cap })}
        </Text>
      </ProcessSection>
      <Section
        title={t('rel.plan')}
        testId="release-plan"
        action={
          canManage && r.state === 'planning' ? (
            <Button size="xs" variant="light" onClick={() => setEditing(true)} data-testid="release-edit">
              {t('rel.edit')}
            </Button>
          ) : undefined
        }
      >
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {rows.map(([k, v]) => (
            <Field key={k} label={k}>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="release-field" data-label={k}>
                {v}
              </Text>
            </Field>
          ))}
        </SimpleGrid>
      </Section>
      <Section title={t('rel.completion')} testId="release-completion">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {done.map(([k, v]) => (
            <Field key={k} label={k}>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="release-field" data-label={k}>
                {v}
              </Text>
            </Field>
          ))}
        </SimpleGrid>
      </Section>
      <Evidence data={d} onDone={page.refresh} canManage={canManage} />
      <TimelineAndMails testIdPrefix="release" entries={d.process.history} mails={d.mails} />
      {page.dialog}
      <Modal opened={editing} onClose={() => setEditing(false)} title={t('rel.edit')} size="xl">
        <ReleasePlanForm
          changeId={d.change.id}
          release={r}
          onSaved={async () => {
            setEditing(false);
            await page.refresh();
          }}
        />
      </Modal>
    </Stack>
  );
}

/** The change page's button to a new release plan, for a change being implemented (実施する decided). */
export function NewReleaseLink({ changeId, state }: { changeId: string; state: string }) {
  const t = useRT();
  const user = useUser();
  if (state !== 'implementing' || !hasPermission(user, 'change.manage')) return null;
  return (
    <Button component={Link} to={`/changes/${changeId}/releases/new`} size="xs" variant="light" data-testid="release-new">
      {t('rel.new')}
    </Button>
  );
}
