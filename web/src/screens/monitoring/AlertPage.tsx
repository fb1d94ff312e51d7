import { Anchor, Badge, Box, Grid, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { Flash, ProcessHistory, ProcessSection, Section, useRecordPage } from '../../workbench';
import { MailList, StateBadge } from '../incidents/common';
import { getIncident } from '../incidents/incidentsApi';
import { NotFoundScreen } from '../NotFoundScreen';
import { AlertStateBadge } from './AlertLedger';
import { ciLabel, Field, SeverityBadge, typeLabel } from './common';
import { mLabel, useMT } from './i18n';
import { actOnAlert, getAlert, mailsOf } from './monitoringApi';

/** N §3.7.3.2's guidance, the row of this detection's pattern (▶) highlighted. */
function Guidance({ text }: { text: string }) {
  const [head, ...rows] = text.split('\n');
  return (
    <Stack gap={4} data-testid="alert-guidance">
      <Text size="sm" fw={600}>
        {head}
      </Text>
      {rows.map((r) => {
        const current = r.startsWith('▶');
        return (
          <Text
            key={r}
            size="sm"
            px="xs"
            py={2}
            fw={current ? 700 : 400}
            bg={current ? 'yellow.1' : undefined}
            style={{ borderLeft: `3px solid var(--mantine-color-${current ? 'yellow-6' : 'gray-3'})`, borderRadius: 2 }}
            data-current={current || undefined}
          >
            {r.replace(/^[▶・]/, '')}
          </Text>
        );
      })}
    </Stack>
  );
}

function IncidentLink({ id }: { id: string }) {
  const t = useMT();
  const user = useUser();
  const inc = useQuery({ queryKey: ['incidents', 'record', id], queryFn: ({ signal }) => getIncident(id, signal), enabled: hasPermission(user, 'incident.read'), retry: false });
  return (
    <Group gap="xs" wrap="wrap" data-testid="alert-incident">
      <Anchor component={Link} to={`/incidents/${id}`} fw={600} ff={inc.data ? 'monospace' : undefined} data-testid="alert-incident-link">
        {inc.data?.receiptNo ?? t('mon.alert.openIncident')}
      </Anchor>
      {inc.data && <Text size="sm">{inc.data.title}</Text>}
      {inc.data && <StateBadge state={inc.data.state} label={inc.data.stateLabel} />}
    </Group>
  );
}

/** One 監視対応台帳 entry: the detection, the guidance and procedure, the incident, the mails and the handling. */
export function AlertPage() {
  const { id = '' } = useParams();
  const t = useMT();
  const fmt = useDateTime();
  const user = useUser();
  const page = useRecordPage({
    queryKey: ['monitoring', 'alert', id],
    load: (signal) => getAlert(id, signal),
    act: (x, body) => actOnAlert(id, x, body),
    invalidate: [['monitoring']],
  });
  const { rec, setAction, flash, setFlash } = page;
  const canMail = hasPermission(user, 'mail.read');
  const mails = useQuery({ queryKey: ['monitoring', 'alert-mails', id], queryFn: ({ signal }) => mailsOf('monitoring_alert', id, signal), enabled: canMail });
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const { alert: a, process } = rec.data;
  return (
    <Stack gap="md" data-testid="alert-page" data-state={a.state} data-version={a.version}>
      <Stack gap={4}>
        <Anchor component={Link} to="/monitoring/alerts" size="sm">
          {t('mon.alert.back')}
        </Anchor>
        <Group gap="xs" wrap="wrap">
          <SeverityBadge severity={a.severity} size="lg" />
          <AlertStateBadge state={a.state} label={a.stateLabel} size="lg" />
          {a.silenced && a.silenceReason && (
            <Badge variant="outline" color="violet" tt="none">
              {mLabel(t, `mon.silence.${a.silenceReason}`, a.silenceReason)}
            </Badge>
          )}
          {a.recoveredAt && (
            <Badge variant="light" color="green" tt="none">
              {t('mon.event.recovered')} {fmt(a.recoveredAt)}
            </Badge>
          )}
        </Group>
        <Title order={2} data-testid="alert-title" style={{ wordBreak: 'break-all' }}>
          {a.ciName} — {a.itemName}
        </Title>
      </Stack>
      <Flash message={flash} onClose={() => setFlash(null)} />

      <ProcessSection view={process} onPick={setAction} testId="alert-flow" />

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Section title={t('mon.alert.detection')} testId="alert-detection">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                <Field label={t('mon.alerts.detectedAt')}>{fmt(a.detectedAt)}</Field>
                <Field label={t('mon.alerts.severity')}>
                  <SeverityBadge severity={a.severity} />
                </Field>
                <Field label={t('mon.col.target')}>
                  {a.ciName}（{ciLabel(t, a.ciType)}）
                </Field>
                <Field label={t('mon.col.item')}>
                  {a.itemName}（{typeLabel(t, a.itemType)}）
                  <Text size="xs" c="dimmed" ff="monospace">
                    {a.itemKey}
                  </Text>
                </Field>
                <Field label={t('mon.alerts.value')} testId="alert-value">
                  <Text span ff="monospace">
                    {[a.detail, a.value && !(a.detail ?? '').includes(a.value) ? `(${a.value})` : null].filter(Boolean).join(' ') || '—'}
                  </Text>
                </Field>
                <Field label={t('mon.alert.pattern')}>{mLabel(t, `mon.pattern.${a.pattern}`, a.pattern)}</Field>
              </SimpleGrid>
              <Anchor component={Link} to={`/monitoring/items/${a.itemId}`} size="sm" mt="xs" display="inline-block" data-testid="alert-item-link">
                {t('mon.alert.itemLink')}
              </Anchor>
            </Section>
            <Section title={t('mon.alert.guidance')} testId="alert-guidance-section">
              {a.guidance ? (
                <Guidance text={a.guidance} />
              ) : (
                <Text size="sm" c="dimmed">
                  {t('mon.alert.noGuidance')}
                </Text>
              )}
            </Section>
            <Section title={t('mon.alert.procedure')} testId="alert-procedure">
              <Stack gap="xs">
                <Field label={t('mon.alert.knownFailure')}>{a.knownFailure ?? '—'}</Field>
                <Field label={t('mon.alert.procedureText')}>{a.procedure ?? '—'}</Field>
              </Stack>
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <Section title={t('mon.alert.incident')} testId="alert-incident-section">
              {a.incidentId ? (
                <IncidentLink id={a.incidentId} />
              ) : (
                <Text size="sm" c="dimmed">
                  {t('mon.alert.noIncident')}
                </Text>
              )}
            </Section>
            <Section title={t('mon.alert.mailedTo')} testId="alert-mailed">
              {a.mailedTo.length === 0 ? (
                <Text size="sm" c="dimmed" data-testid="alert-not-mailed">
                  {t('mon.alert.notMailed')}
                </Text>
              ) : (
                <Group gap={4} wrap="wrap" data-testid="alert-mailed-to">
                  {a.mailedTo.map((m) => (
                    <Badge key={m} variant="default" tt="none" fw={400}>
                      {m}
                    </Badge>
                  ))}
                </Group>
              )}
              {canMail && (mails.data?.items.length ?? 0) > 0 && (
                <Box mt="xs">
                  <MailList mails={mails.data!.items} />
                </Box>
              )}
            </Section>
            <Section title={t('mon.alert.handling')} testId="alert-handling">
              <SimpleGrid cols={2} spacing="xs">
                <Field label={t('mon.alert.firstResponseAt')} testId="alert-first-response">
                  {fmt(a.firstResponseAt)}
                </Field>
                <Field label={t('mon.alert.escalatedAt')}>{fmt(a.escalatedAt)}</Field>
                <Field label={t('mon.alert.doneAt')}>{fmt(a.doneAt)}</Field>
                <Field label={t('mon.alert.recoveredAt')}>{fmt(a.recoveredAt)}</Field>
                {a.resolution && (
                  <Field label={t('mon.alert.resolution')} wide>
                    {a.resolution}
                  </Field>
                )}
              </SimpleGrid>
              {a.suppressionId && (
                <Anchor component={Link} to={`/monitoring/suppressions/${a.suppressionId}`} size="sm" mt="xs" display="inline-block">
                  {t('mon.alert.suppression')}
                </Anchor>
              )}
            </Section>
            <Section title={t('mon.timeline')} testId="alert-timeline">
              <ProcessHistory entries={process.history} />
            </Section>
          </Stack>
        </Grid.Col>
      </Grid>
      {page.dialog}
    </Stack>
  );
}
