import { Alert, Anchor, Badge, Button, Grid, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { Section } from '../../workbench';
import { StateBadge } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { ChangeForm, type ChangeFormMode } from './ChangeForm';
import { ActiveBadge, changeKindLabel, entryFields } from './common';
import { useOT } from './i18n';
import { type EntryContent, type EntryDetail, getEntry } from './operationsApi';

const contentOf = (e: EntryDetail): EntryContent => ({
  title: e.title,
  scope: e.scope,
  category: e.category,
  procedure: e.procedure,
  frequency: e.frequency,
  schedule: e.schedule,
  evidence: e.evidence,
  preconditions: e.preconditions,
  ownerRole: e.ownerRole,
  departmentId: e.departmentId,
  restoreKinds: e.restoreKinds,
  keywords: e.keywords,
});

/**
 * One entry of オペレーション一覧: what it says, its approved revisions (with the training day and attendees
 * of each), its add/change/delete requests, and the work routed to it (INC-3 work requests, restores).
 */
export function EntryPage() {
  const { id = '' } = useParams();
  const t = useOT();
  const fmt = useDateTime();
  const nav = useNavigate();
  const qc = useQueryClient();
  const [form, setForm] = useState<ChangeFormMode | null>(null);
  const q = useQuery({ queryKey: ['operations', 'entry', id], queryFn: ({ signal }) => getEntry(id, signal) });
  if (q.isPending) return <PageLoader />;
  if (q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 400)) return <NotFoundScreen />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const e = q.data;
  return (
    <Stack gap="md" data-testid="entry-page" data-entry={e.entryNo}>
      <Anchor component={Link} to="/operations" size="sm" w="fit-content">
        ← {t('ops.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="xs">
            <Text ff="monospace" fw={700} data-testid="entry-ref">
              {e.entryNo}
            </Text>
            <Badge variant="light" tt="none">
              {t('ops.revNo', { n: e.revisionNo })}
            </Badge>
            <ActiveBadge t={t} active={e.active} />
          </Group>
          <Title order={2} data-testid="entry-title">
            {e.title}
          </Title>
        </Stack>
        {e.canDraft && (
          <Group gap="xs">
            <Button
              variant="light"
              onClick={() => setForm({ kind: 'change', entryId: e.id, entryNo: e.entryNo, content: contentOf(e) })}
              data-testid="entry-change"
            >
              {t('ops.change')}
            </Button>
            <Button
              variant="light"
              color="orange"
              onClick={() => setForm({ kind: 'delete', entryId: e.id, entryNo: e.entryNo, content: contentOf(e) })}
              data-testid="entry-delete"
            >
              {t('ops.delete')}
            </Button>
          </Group>
        )}
      </Group>
      {e.openChangeId && (
        <Alert color="blue" variant="light" data-testid="entry-open-change">
          {t('ops.openChange')}{' '}
          <Anchor component={Link} to={`/operations/changes/${e.openChangeId}`} size="sm">
            →
          </Anchor>
        </Alert>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Section title={t('ops.detail')} testId="entry-details">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                {entryFields(t, e).map((f) => (
                  <Field key={f.key} label={f.label} wide={f.wide} testId={`entry-${f.key}`}>
                    {f.value}
                  </Field>
                ))}
              </SimpleGrid>
            </Section>
            <Section title={t('ops.work')} testId="entry-work">
              {e.workRequests.length ? (
                <Stack gap={4}>
                  {e.workRequests.map((w) => (
                    <Group key={w.id} gap="xs">
                      <Anchor component={Link} to={`/incidents/${w.id}`} ff="monospace" size="sm">
                        {w.receiptNo}
                      </Anchor>
                      <Text size="sm">{w.title}</Text>
                      <Text size="xs" c="dimmed">
                        {fmt(w.registeredAt)}
                      </Text>
                    </Group>
                  ))}
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('ops.work.none')}
                </Text>
              )}
            </Section>
            <Section title={t('ops.restores')} testId="entry-restores">
              {e.restores.length ? (
                <Stack gap={4}>
                  {e.restores.map((r) => (
                    <Group key={r.id} gap="xs">
                      <Anchor component={Link} to={`/operations/restores/${r.id}`} ff="monospace" size="sm">
                        {r.requestNo}
                      </Anchor>
                      <Text size="sm">
                        {r.vmName}（{r.kindLabel}）
                      </Text>
                      <StateBadge state={r.state} label={r.stateLabel} />
                    </Group>
                  ))}
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('ops.restores.none')}
                </Text>
              )}
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <Section title={t('ops.changes')} testId="entry-changes">
              {e.changes.length ? (
                <Table verticalSpacing={4}>
                  <Table.Tbody>
                    {e.changes.map((c) => (
                      <Table.Tr key={c.id} data-testid="entry-change-row">
                        <Table.Td>
                          <Anchor component={Link} to={`/operations/changes/${c.id}`} ff="monospace" size="sm">
                            {c.changeNo}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>{changeKindLabel(t, c.kind)}</Table.Td>
                        <Table.Td>
                          <StateBadge state={c.state} label={c.stateLabel} />
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" c="dimmed">
                            {fmt(c.createdAt)}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('ops.changes.none')}
                </Text>
              )}
            </Section>
            <Section title={t('ops.history')} testId="entry-revisions">
              {e.revisions.length ? (
                <Stack gap="xs">
                  {e.revisions.map((r) => (
                    <Stack key={r.id} gap={0} data-testid="entry-revision">
                      <Group gap="xs">
                        <Text size="sm" fw={600}>
                          {t('ops.revNo', { n: r.revisionNo })}・{changeKindLabel(t, r.kind)}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {fmt(r.at)}
                        </Text>
                      </Group>
                      <Text size="sm">{r.reason}</Text>
                      {r.approvedByLabel && (
                        <Text size="xs" c="dimmed">
                          {t('ops.history.approvedBy', { who: r.approvedByLabel })}
                        </Text>
                      )}
                      {r.trainingDate && (
                        <Text size="xs" c="dimmed" data-testid="entry-revision-training">
                          {t('ops.history.training', { date: r.trainingDate, attendees: (r.trainingAttendees ?? []).join('、') })}
                        </Text>
                      )}
                    </Stack>
                  ))}
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('ops.history.none')}
                </Text>
              )}
            </Section>
          </Stack>
        </Grid.Col>
      </Grid>
      {form && (
        <ChangeForm
          mode={form}
          onClose={() => setForm(null)}
          onSaved={async (cid) => {
            setForm(null);
            await qc.invalidateQueries({ queryKey: ['operations'] });
            nav(`/operations/changes/${cid}`);
          }}
        />
      )}
    </Stack>
  );
}
