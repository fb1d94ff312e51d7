import { Anchor, Badge, Grid, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router-dom';
import { NewReleaseLink } from './ReleasePage';
import { ChangeChecklist } from './ChangeChecklist';
import { ChangeDocuments } from './ChangeDocuments';
import { ScalePolicy } from './ScalePolicy';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { ProcessSection, useRecordPage } from '../../workbench';
import { NotFoundScreen } from '../NotFoundScreen';
import { Flash, PriorityBadge, Section, StateBadge, TimelineAndMails } from '../incidents/common';
import { actOnChange, type ChangeDetail, getChange } from './changesApi';
import { ChangeDue } from './ChangeLedger';
import { type CT, useCT } from './i18n';

const CRITERIA = ['problemHigh', 'citizensOrManyDepartments', 'financialOrReputation'] as const;

function criteriaText(t: CT, c: ChangeDetail['criteria']): string {
  if (!c) return '—';
  const on = CRITERIA.filter((k) => c[k]).map((k) => `・${t(`chg.crit.${k}`)}`);
  return on.length ? on.join('\n') : t('chg.crit.none');
}

function Targets({ c, t }: { c: ChangeDetail; t: CT }) {
  return (
    <Section title={t('chg.targets')} testId="change-targets">
      {c.targets.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('chg.targets.none')}
        </Text>
      ) : (
        <Stack gap={4}>
          {c.targets.map((x) => (
            <Group key={`${x.ciType}/${x.ciId ?? ''}`} gap={6} wrap="nowrap" data-testid="change-target">
              <Badge size="sm" variant="outline" tt="none">
                {t(`chg.type.${x.ciType}`)}
              </Badge>
              <Text size="sm">{x.name}</Text>
            </Group>
          ))}
        </Stack>
      )}
    </Section>
  );
}

function Releases({ c, t }: { c: ChangeDetail; t: CT }) {
  const fmt = useDateTime();
  return (
    <Section title={t('chg.releases')} testId="change-releases">
      <NewReleaseLink changeId={c.id} state={c.state} />
      {c.releases.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('chg.releases.none')}
        </Text>
      ) : (
        <Stack gap={6}>
          {c.releases.map((r) => (
            <Stack key={r.id} gap={2} pb={6} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }} data-testid="change-release">
              <Group gap={6} wrap="nowrap" justify="space-between">
                <Anchor component={Link} to={`/changes/releases/${r.id}`} ff="monospace" size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {r.releaseNo}
                </Anchor>
                <Group gap={4} wrap="nowrap">
                  <StateBadge state={r.state} label={r.stateLabel} />
                  {r.emergency && (
                    <Badge color="red" size="sm" tt="none">
                      {t('chg.emergency')}
                    </Badge>
                  )}
                </Group>
              </Group>
              <Text size="xs" c="dimmed">
                {fmt(r.plannedStart)} – {fmt(r.plannedEnd)}
              </Text>
            </Stack>
          ))}
        </Stack>
      )}
      {(c.tasks.open + c.tasks.done + c.tasks.waived > 0) && (
        <Text size="xs" c={c.tasks.open ? 'orange.8' : 'dimmed'} mt="xs" data-testid="change-task-counts">
          {t('chg.tasks', c.tasks)}
        </Text>
      )}
    </Section>
  );
}

/** One change on the workbench scaffold: flow and actions, details, targets, problem, releases, history and mails. */
export function ChangePage() {
  const { id = '' } = useParams();
  const t = useCT();
  const fmt = useDateTime();
  const page = useRecordPage({
    queryKey: ['changes', 'record', id],
    load: (signal) => getChange(id, signal),
    act: (a, body) => actOnChange(id, a, body),
    invalidate: [['changes'], ['problems']],
    // The manager's report starts from what registration knew (問題管理で優先度『高』).
    initial: (c) => (c.criteria ? { criteria: c.criteria } : {}),
  });
  const { rec, setAction, flash, setFlash } = page;
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const c = rec.data;
  return (
    <Stack gap="md" data-testid="change-page" data-state={c.state}>
      <Stack gap={4}>
        <Anchor component={Link} to="/changes" size="sm">
          ← {t('chg.back')}
        </Anchor>
        <Group gap="xs" wrap="wrap">
          <Text ff="monospace" fw={700} data-testid="change-receipt">
            {c.receiptNo}
          </Text>
          <StateBadge state={c.state} label={c.stateLabel} />
          <PriorityBadge priority={c.priority} />
          <Badge variant="outline" tt="none">
            {t(`chg.src.${c.source}`)}
          </Badge>
        </Group>
        <Title order={2}>{c.title}</Title>
      </Stack>
      <Flash message={flash} onClose={() => setFlash(null)} />
      <ProcessSection view={c.process} onPick={setAction} testId="change-flow" />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Section title={t('chg.detail')} testId="change-details">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                <Field label={t('chg.registeredAt')}>{fmt(c.registeredAt)}</Field>
                <Field label={t('chg.dueAt')}>
                  <ChangeDue dueAt={c.dueAt} state={c.state} final={c.process.final} />
                </Field>
                <Field label={t('chg.criteria')}>{criteriaText(t, c.criteria)}</Field>
                {c.problem && (
                  <Field label={t('chg.problem')}>
                    <Group gap={6} data-testid="change-problem">
                      <Anchor component={Link} to={`/problems/${c.problem.id}`} ff="monospace" size="sm">
                        {c.problem.receiptNo}
                      </Anchor>
                      <Text size="sm">{c.problem.title}</Text>
                      <StateBadge state={c.problem.state} label={c.problem.stateLabel} />
                    </Group>
                  </Field>
                )}
                {c.pmPatch && <Field label={t('chg.pmPatch')}>{c.pmPatch}</Field>}
                {c.slSystem && (
                  <>
                    <Field label={t('chg.sl.system')}>{c.slSystem.name}</Field>
                    <Field label={t('chg.sl.to')}>
                      {c.slFromLevel} → {c.slToLevel}
                      {c.slToProduction ? `（${t('chg.sl.toProduction')}）` : ''}
                    </Field>
                    <Field label={t('chg.sl.startsAt')}>{fmt(c.slStartsAt)}</Field>
                  </>
                )}
                <Field label={t('chg.description')} wide>
                  {c.description}
                </Field>
                <Field label={t('chg.plan')} wide>
                  {c.implementation ?? '—'}
                </Field>
                {c.policyDecision && (
                  <>
                    <Field label={t('chg.policy')}>{t(`chg.pol.${c.policyDecision}`)}</Field>
                    <Field label={t('chg.policyReason')}>{c.policyReason ?? '—'}</Field>
                  </>
                )}
                {c.completionReport && (
                  <Field label={t('chg.completionReport')} wide>
                    {c.completionReport}
                  </Field>
                )}
                {c.completedAt && <Field label={t('chg.completedAt')}>{fmt(c.completedAt)}</Field>}
                {c.closedAt && <Field label={t('chg.closedAt')}>{fmt(c.closedAt)}</Field>}
              </SimpleGrid>
            </Section>
            <Targets c={c} t={t} />
            <ChangeChecklist changeId={c.id} />
            {c.targets.some((x) => x.ciType === 'host') && <ScalePolicy />}
            <ChangeDocuments changeId={c.id} />
            {/* Sections of the checklist and the documents are placed here (one line each). */}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <Releases c={c} t={t} />
            <TimelineAndMails testIdPrefix="change" entries={c.process.history} mails={c.mails} />
          </Stack>
        </Grid.Col>
      </Grid>
      {page.dialog}
    </Stack>
  );
}
