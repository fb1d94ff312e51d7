import { Anchor, Badge, Button, Grid, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { Flash, ProcessHistory, ProcessSection, Section, useRecordPage } from '../../workbench';
import { MailList } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { Field } from './common';
import { useMT } from './i18n';
import { actOnSuppression, getSuppression, suppressionRulesQuery, jstYmd, mailsOf } from './monitoringApi';
import { SuppressionForm } from './SuppressionForm';
import { RuleNote, SupStateBadge, windowText } from './Suppressions';

/** One 監視の一時抑止 request: what, when, why, its deadline, the allowed steps by role, history and mails. */
export function SuppressionPage() {
  const { id = '' } = useParams();
  const t = useMT();
  const fmt = useDateTime();
  const user = useUser();
  const page = useRecordPage({
    queryKey: ['monitoring', 'suppression', id],
    load: (signal) => getSuppression(id, signal),
    act: (x, body) => actOnSuppression(id, x, body),
    invalidate: [['monitoring']],
    initial: (r) => ({ method: r.suppression.method }),
  });
  const { rec, setAction, flash, setFlash, refresh } = page;
  const [editing, setEditing] = useState(false);
  const rules = useQuery(suppressionRulesQuery);
  const canMail = hasPermission(user, 'mail.read');
  const mails = useQuery({ queryKey: ['monitoring', 'sup-mails', id], queryFn: ({ signal }) => mailsOf('monitoring_suppression', id, signal), enabled: canMail });
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const { suppression: s, process } = rec.data;
  const mine = !!s.requestedBy && s.requestedBy === user.id;
  return (
    <Stack gap="md" data-testid="sup-page" data-state={s.state} data-version={s.version}>
      <Stack gap={4}>
        <Anchor component={Link} to={`/monitoring/suppressions?month=${jstYmd(s.startsAt).slice(0, 7)}`} size="sm">
          {t('mon.sup.back')}
        </Anchor>
        <Group gap="xs" wrap="wrap">
          <SupStateBadge s={s} size="lg" />
          <Badge variant="outline" color="gray" tt="none">
            {t(`mon.sup.reason.${s.reason}`)}
          </Badge>
          <Badge variant="outline" color="violet" tt="none" data-testid="sup-method" data-method={s.method}>
            {t(`mon.sup.methodShort.${s.method}`)}
          </Badge>
          {s.late && (
            <Badge color="red" variant="light" tt="none" data-testid="sup-late">
              {t('mon.sup.late')}
            </Badge>
          )}
        </Group>
        <Title order={2} data-testid="sup-title">
          {s.systemNames.join('、') || '—'}
        </Title>
        <Text size="sm" c="dimmed" data-testid="sup-window">
          {windowText(fmt, s)}
        </Text>
      </Stack>
      <Flash message={flash} onClose={() => setFlash(null)} />

      <ProcessSection view={process} onPick={setAction} testId="sup-flow">
        {mine && s.state === 'returned' && !editing && (
          <Group>
            <Button size="sm" variant="default" onClick={() => setEditing(true)} data-testid="sup-edit">
              {t('mon.sup.edit')}
            </Button>
          </Group>
        )}
      </ProcessSection>

      {editing && (
        <SuppressionForm
          edit={s}
          onCancel={() => setEditing(false)}
          onSaved={async () => {
            setEditing(false);
            setFlash(t('mon.sup.form.saved'));
            await refresh();
          }}
        />
      )}

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Section title={t('mon.sup.detail')} testId="sup-detail">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                <Field label={t('mon.sup.window')} wide>
                  {windowText(fmt, s)}
                </Field>
                <Field label={t('mon.sup.systems')}>{s.systemNames.join('、') || '—'}</Field>
                <Field label={t('mon.sup.targets')}>{t('mon.sup.targetCount', { n: s.targetIds.length })}</Field>
                <Field label={t('mon.sup.reason')}>{t(`mon.sup.reason.${s.reason}`)}</Field>
                <Field label={t('mon.sup.method')}>{t(`mon.sup.method.${s.method}`)}</Field>
                {s.reasonText && (
                  <Field label={t('mon.sup.reasonText')} wide>
                    {s.reasonText}
                  </Field>
                )}
                <Field label={t('mon.sup.requestedBy')}>{s.requestedByLabel}</Field>
                <Field label={t('mon.sup.submittedAt')}>{fmt(s.submittedAt)}</Field>
                <Field label={t('mon.sup.deadline')} testId="sup-deadline">
                  <Text span size="sm" c={s.late ? 'red.8' : undefined} fw={s.late ? 700 : undefined}>
                    {fmt(s.deadlineAt)}
                  </Text>
                </Field>
                {s.late && (
                  <Field label={t('mon.sup.lateReason')} testId="sup-late-reason">
                    {s.lateReason ?? '—'}
                  </Field>
                )}
                <Field label={t('mon.sup.approvedAt')}>{fmt(s.approvedAt)}</Field>
                <Field label={t('mon.sup.startedAt')}>{fmt(s.startedAt)}</Field>
                <Field label={t('mon.sup.resumedAt')}>{fmt(s.resumedAt)}</Field>
              </SimpleGrid>
            </Section>
            <RuleNote rules={rules.data} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <Section title={t('mon.timeline')} testId="sup-timeline">
              <ProcessHistory entries={process.history} />
            </Section>
            {canMail && (
              <Section title={t('mon.sup.mailsNote')} testId="sup-mails">
                <MailList mails={mails.data?.items ?? []} />
              </Section>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      {page.dialog}
    </Stack>
  );
}
