import { Alert, Anchor, Button, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { Flash, ProcessHistory, ProcessSection, Section, useRecordPage } from '../../workbench';
import { StateBadge } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { type RT, useRT } from './i18n';
import { ChangeSection, IncidentSection, KpiSection, MonitoringSection, OtherSections, ProblemSection, type Texts } from './ReportSections';
import { actOnReport, getReport, type ReportDetail, reportFileHref, resnapshotReport, saveTexts } from './reportsApi';

/** The texts the operator fills (causes and countermeasures, summary, fix information) with one save, checked against the version. */
function useTexts(r: ReportDetail, t: RT, onSaved: () => Promise<void>, onStale: () => Promise<unknown>) {
  const [texts, setTexts] = useState<Texts>(r.texts);
  const [stale, setStale] = useState(false);
  const dirty = JSON.stringify(texts) !== JSON.stringify(r.texts);
  const save = useMutation({
    mutationFn: () => saveTexts(r.month, { version: r.version, summary: texts.summary, fixInfo: texts.fixInfo, kpis: texts.kpis }),
    onSuccess: async () => {
      setStale(false);
      await onSaved();
    },
    onError: async (e) => {
      if (e instanceof ApiError && e.status === 409) {
        setStale(true);
        await onStale();
      }
    },
  });
  const err = save.error instanceof ApiError && save.error.status !== 409 ? save.error : null;
  const bar = r.canEdit ? (
    <Group justify="flex-end" gap="xs" data-testid="rep-texts-bar">
      {stale && (
        <Alert color="orange" py={4}>
          {t('rep.stale')}
        </Alert>
      )}
      {err && (
        <Alert color="red" py={4}>
          {err.message}
        </Alert>
      )}
      <Button variant="default" size="xs" disabled={!dirty} onClick={() => setTexts(r.texts)}>
        {t('rep.cancel')}
      </Button>
      <Button size="xs" disabled={!dirty} loading={save.isPending} onClick={() => save.mutate()} data-testid="rep-texts-save">
        {t('rep.save')}
      </Button>
    </Group>
  ) : null;
  return { texts, setTexts: r.canEdit ? setTexts : undefined, bar };
}

function Body({
  r,
  t,
  refresh,
  onStale,
  setFlash,
}: {
  r: ReportDetail;
  t: RT;
  refresh: () => Promise<void>;
  onStale: () => Promise<unknown>;
  setFlash: (m: string) => void;
}) {
  const qc = useQueryClient();
  const { texts, setTexts, bar } = useTexts(
    r,
    t,
    async () => {
      setFlash(t('rep.saved'));
      await refresh();
    },
    onStale,
  );
  const again = useMutation({ mutationFn: () => resnapshotReport(r.month, r.version), onSuccess: () => qc.invalidateQueries({ queryKey: ['reports'] }) });
  const d = r.snapshot;
  return (
    <Stack gap="md">
      {r.canEdit && (
        <Group gap="xs">
          <Button size="xs" variant="light" loading={again.isPending} onClick={() => again.mutate()} data-testid="rep-resnapshot">
            {t('rep.resnapshot')}
          </Button>
          <Text size="xs" c="dimmed">
            {t('rep.resnapshot.hint')}
          </Text>
        </Group>
      )}
      {again.error && <ErrorAlert error={again.error} />}
      {!d ? (
        <Alert color="orange">{t('rep.noSnapshot')}</Alert>
      ) : (
        <>
          {bar}
          <KpiSection d={d} r={r} t={t} texts={texts} setTexts={setTexts} />
          <IncidentSection d={d} r={r} t={t} />
          <ProblemSection d={d} r={r} t={t} />
          <ChangeSection d={d} r={r} t={t} />
          <MonitoringSection d={d} r={r} t={t} />
          <OtherSections d={d} r={r} t={t} texts={texts} setTexts={setTexts} />
          {bar}
        </>
      )}
    </Stack>
  );
}

/**
 * One monthly report (the `monthly_report` process) on the workbench scaffold: the flow and the actions
 * (提出 → レビュー → 承認 / 再報告 / 次月持ち越し / 別途報告 → 議事録), N §3.1.3.3's sections with the
 * operator's texts editable while drafting, PDF/XLSX downloads, and the history.
 */
export function ReportPage() {
  const { ref = '' } = useParams();
  const t = useRT();
  const fmt = useDateTime();
  const page = useRecordPage<ReportDetail>({
    queryKey: ['reports', 'report', ref],
    load: (signal) => getReport(ref, signal),
    act: (a, body) => actOnReport(ref, a, body),
    invalidate: [['reports']],
  });
  const { rec, setAction, flash, setFlash } = page;
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const r = rec.data;
  return (
    <Stack gap="md" data-testid="report-page" data-state={r.state}>
      <Stack gap={4}>
        <Anchor component={Link} to="/reports" size="sm">
          ← {t('rep.back')}
        </Anchor>
        <Group gap="xs">
          <Title order={2} data-testid="report-title">
            {t('rep.heading', { month: r.month })}
          </Title>
          <StateBadge state={r.state} label={r.stateLabel} />
        </Group>
        <Group gap="md">
          <Text size="sm" c="dimmed">
            {t('rep.assembledAt')}: {r.snapshotAt ? fmt(r.snapshotAt) : '—'}
          </Text>
          {r.submittedByLabel && (
            <Text size="sm" c="dimmed">
              {t('rep.submittedBy')}: {r.submittedByLabel}
            </Text>
          )}
          {r.approvedAt && (
            <Text size="sm" c="dimmed">
              {t('rep.approvedAt')}: {fmt(r.approvedAt)}
            </Text>
          )}
        </Group>
        <Group gap="xs">
          <Button component="a" href={reportFileHref(r.month, 'pdf')} size="xs" variant="light" download data-testid="rep-pdf" disabled={!r.snapshot}>
            {t('rep.download.pdf')}
          </Button>
          <Button component="a" href={reportFileHref(r.month, 'xlsx')} size="xs" variant="light" download data-testid="rep-xlsx" disabled={!r.snapshot}>
            {t('rep.download.xlsx')}
          </Button>
        </Group>
      </Stack>
      <Flash message={flash} onClose={() => setFlash(null)} />
      {r.error && <Alert color="red">{t('rep.error', { attempts: r.attempts, error: r.error })}</Alert>}
      {r.reason && (
        <Alert color="orange" data-testid="rep-reason">
          {t('rep.reasonShown', { reason: r.reason })}
        </Alert>
      )}
      <ProcessSection view={r.process} onPick={setAction} testId="report-flow" />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, xl: 9 }}>
          <Body key={r.version} r={r} t={t} refresh={page.refresh} onStale={page.onStale} setFlash={setFlash} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 3 }}>
          <Section title={t('rep.history')} testId="report-history">
            <ProcessHistory entries={r.process.history} />
          </Section>
        </Grid.Col>
      </Grid>
      {page.dialog}
    </Stack>
  );
}
