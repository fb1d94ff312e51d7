import { Anchor, Badge, Button, Grid, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { ProcessHistory, ProcessSection, Section, useRecordPage } from '../../workbench';
import { Flash, StateBadge } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { ChangeForm } from './ChangeForm';
import { changeKindLabel, entryFields } from './common';
import { useOT } from './i18n';
import { actOnChange, type ChangeDetail, getChange } from './operationsApi';

/**
 * オペレーション作業の追加・変更・削除の依頼 on the workbench scaffold: the flow (作成中 → レビュー → 教育・共有の
 * 記録 → 承認 → (システム所管の合意) → 反映), what the person may do now through the actions endpoint (the
 * training step asks the day and the attendees), the proposed content beside the current one, history.
 */
export function ChangePage() {
  const { id = '' } = useParams();
  const t = useOT();
  const fmt = useDateTime();
  const [editing, setEditing] = useState(false);
  const page = useRecordPage<ChangeDetail>({
    queryKey: ['operations', 'change', id],
    load: (signal) => getChange(id, signal),
    act: (a, body) => actOnChange(id, a, body),
    invalidate: [['operations']],
  });
  const { rec, setAction, flash, setFlash } = page;
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const c = rec.data;
  const proposed = entryFields(t, c.proposed);
  const current = c.current ? entryFields(t, c.current) : null;
  return (
    <Stack gap="md" data-testid="change-page" data-state={c.state}>
      <Stack gap={4}>
        {c.current ? (
          <Anchor component={Link} to={`/operations/entries/${c.current.id}`} size="sm" w="fit-content" data-testid="change-entry-link">
            ← {c.current.entryNo} {c.current.title}
          </Anchor>
        ) : (
          <Anchor component={Link} to="/operations/changes" size="sm" w="fit-content">
            ← {t('ops.tab.changes')}
          </Anchor>
        )}
        <Group gap="xs" wrap="wrap">
          <Text ff="monospace" fw={700} data-testid="change-ref">
            {c.changeNo}
          </Text>
          <Badge variant="light" tt="none">
            {changeKindLabel(t, c.kind)}
          </Badge>
          <StateBadge state={c.state} label={c.stateLabel} />
        </Group>
        <Title order={2}>
          {t('ops.change.title', { kind: changeKindLabel(t, c.kind) })}：{c.content.title}
        </Title>
      </Stack>
      <Flash message={flash} onClose={() => setFlash(null)} />
      <ProcessSection view={c.process} onPick={setAction} testId="change-flow" />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Section
              title={t('ops.change.proposed')}
              testId="change-proposed"
              action={
                c.canEdit && (
                  <Button size="xs" variant="light" onClick={() => setEditing(true)} data-testid="change-edit">
                    {t('ops.change.edit')}
                  </Button>
                )
              }
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                <Field label={t('ops.name')} wide>
                  {c.content.title}
                </Field>
                {proposed.map((f) => {
                  const was = current?.find((x) => x.key === f.key)?.value;
                  const changed = c.kind === 'change' && was !== undefined && was !== f.value;
                  return (
                    <Field key={f.key} label={changed ? `${f.label}（${t('ops.change.changed')}）` : f.label} wide={f.wide} testId={`proposed-${f.key}`}>
                      {changed ? (
                        <>
                          <Text span size="sm" fw={600} c="blue.8">
                            {f.value}
                          </Text>
                          <Text size="xs" c="dimmed" td="line-through">
                            {was}
                          </Text>
                        </>
                      ) : (
                        f.value
                      )}
                    </Field>
                  );
                })}
              </SimpleGrid>
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <Section title={t('ops.detail')} testId="change-details">
              <Stack gap="xs">
                <Field label={t('ops.change.reason')} testId="change-reason">
                  {c.reason}
                </Field>
                <Field label={t('ops.change.requestedBy')}>{`${c.requestedByLabel}（${fmt(c.createdAt)}）`}</Field>
                <Field label={t('ops.change.training')} testId="change-training">
                  {c.trainingDate ? `${c.trainingDate}\n${(c.trainingAttendees ?? []).join('、')}` : t('ops.change.training.none')}
                </Field>
                <Field label={t('ops.change.approvedBy')}>{c.approvedByLabel ? `${c.approvedByLabel}（${fmt(c.approvedAt)}）` : '—'}</Field>
              </Stack>
            </Section>
            <Section title={t('ops.timeline')} testId="change-timeline">
              <ProcessHistory entries={c.process.history} />
            </Section>
          </Stack>
        </Grid.Col>
      </Grid>
      {editing && (
        <ChangeForm
          mode={{ kind: 'edit', changeId: c.id, version: c.process.version, deleting: c.kind === 'delete', content: c.content, reason: c.reason }}
          onClose={() => setEditing(false)}
          onSaved={async () => {
            setEditing(false);
            setFlash(t('ops.change.saved'));
            await page.refresh();
          }}
        />
      )}
      {page.dialog}
    </Stack>
  );
}
