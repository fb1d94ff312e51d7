import { Anchor, Checkbox, Grid, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { ProcessHistory, ProcessSection, Section, useRecordPage } from '../../workbench';
import { Flash, StateBadge } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { restoreKindLabel } from './common';
import { useOT } from './i18n';
import { actOnRestore, checkRestore, getRestore, type RestoreDetail } from './operationsApi';

/**
 * リストア依頼 on the workbench scaffold: the flow (依頼受付 → 作業中 → 依頼元の確認待ち → 完了) with its
 * deadline, the request, the procedure of the operations list it was routed to, the work checklist (ticked
 * by the vendor's team while in progress), the evidence, and the history.
 */
export function RestorePage() {
  const { id = '' } = useParams();
  const t = useOT();
  const fmt = useDateTime();
  const page = useRecordPage<RestoreDetail>({
    queryKey: ['operations', 'restore', id],
    load: (signal) => getRestore(id, signal),
    act: (a, body) => actOnRestore(id, a, body),
    invalidate: [['operations']],
  });
  const { rec, setAction, flash, setFlash } = page;
  const check = useMutation({
    mutationFn: (v: { key: string; done: boolean }) => checkRestore(id, { version: rec.data?.version ?? 0, ...v }),
    onSettled: () => page.refresh(),
  });
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const r = rec.data;
  return (
    <Stack gap="md" data-testid="restore-page" data-state={r.state}>
      <Stack gap={4}>
        <Anchor component={Link} to="/operations/restores" size="sm" w="fit-content">
          ← {t('rst.title')}
        </Anchor>
        <Group gap="xs" wrap="wrap">
          <Text ff="monospace" fw={700} data-testid="restore-ref">
            {r.requestNo}
          </Text>
          <StateBadge state={r.state} label={r.stateLabel} />
        </Group>
        <Title order={2}>
          {t('rst.title')}：{r.vmName}（{restoreKindLabel(t, r.kind)}）
        </Title>
      </Stack>
      <Flash message={flash} onClose={() => setFlash(null)} />
      <ProcessSection view={r.process} onPick={setAction} testId="restore-flow" />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Section title={t('rst.detail')} testId="restore-details">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                <Field label={t('rst.vm')} testId="restore-vm">
                  <Anchor component={Link} to={`/cmdb/vms/${r.vmId}`} size="sm">
                    {r.vmName}
                  </Anchor>
                </Field>
                <Field label={t('rst.department')}>{r.departmentName}</Field>
                <Field label={t('rst.kind')}>{restoreKindLabel(t, r.kind)}</Field>
                <Field label={t('rst.restorePoint')}>{r.restorePoint}</Field>
                <Field label={t('rst.target')} wide testId="restore-target">
                  {r.target}
                </Field>
                <Field label={t('rst.reason')} wide>
                  {r.reason}
                </Field>
                <Field label={t('rst.requestedBy')}>{`${r.requestedByLabel}（${t(`rst.requesterKind.${r.requesterKind}`)}）`}</Field>
                <Field label={t('rst.createdAt')}>{fmt(r.createdAt)}</Field>
                {r.confirmedAt && (
                  <Field label={t('ops.state')} wide>
                    {t('rst.confirmed', { who: r.confirmedByLabel ?? '—', at: fmt(r.confirmedAt) })}
                  </Field>
                )}
              </SimpleGrid>
            </Section>
            <Section title={t('rst.entry')} testId="restore-entry">
              {r.entry ? (
                <Stack gap={4}>
                  <Anchor component={Link} to={`/operations/entries/${r.entry.id}`} size="sm" fw={600}>
                    {r.entry.entryNo} {r.entry.title}（{t('ops.revNo', { n: r.entry.revisionNo })}）
                  </Anchor>
                  <Field label={t('ops.procedure')}>{r.entry.procedure}</Field>
                  <Field label={t('ops.evidence')}>{r.entry.evidence}</Field>
                  <Field label={t('ops.preconditions')}>{r.entry.preconditions}</Field>
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('rst.entry.none')}
                </Text>
              )}
            </Section>
            <Section title={t('rst.checklist')} testId="restore-checklist">
              <Stack gap={6}>
                {r.canCheck && (
                  <Text size="xs" c="dimmed">
                    {t('rst.checklist.lead')}
                  </Text>
                )}
                {r.checklist.map((c) => (
                  <Group key={c.key} gap="xs" wrap="nowrap" align="flex-start">
                    <Checkbox
                      checked={c.done}
                      disabled={!r.canCheck || check.isPending}
                      onChange={(e) => check.mutate({ key: c.key, done: e.currentTarget.checked })}
                      label={c.label}
                      data-testid={`check-${c.key}`}
                    />
                    {c.done && c.doneBy && (
                      <Text size="xs" c="dimmed">
                        {c.doneBy}（{c.doneAt ? fmt(c.doneAt) : ''}）
                      </Text>
                    )}
                  </Group>
                ))}
                <ErrorAlert error={check.error} />
              </Stack>
            </Section>
            {r.evidence && (
              <Section title={t('rst.evidence')} testId="restore-evidence">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {r.evidence}
                </Text>
              </Section>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Section title={t('ops.timeline')} testId="restore-timeline">
            <ProcessHistory entries={r.process.history} />
          </Section>
        </Grid.Col>
      </Grid>
      {page.dialog}
    </Stack>
  );
}
