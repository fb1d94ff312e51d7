import { Anchor, Badge, Button, Grid, Group, Modal, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime, useLang } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { NotFoundScreen } from '../NotFoundScreen';
import { Flash, ProcessSection, useRecordPage } from '../../workbench';
import {
  bi,
  Deadline,
  OverdueBadge,
  PriorityBadge,
  Section,
  StateBadge,
  TimelineAndMails,
} from './common';
import { type IKey, labelOf, useIT } from './i18n';
import { classLabel } from './IncidentLedger';
import {
  actOnIncident,
  getIncident,
  getProblem,
  type IncidentDetail,
  jstLocalToIso,
  linkProblemIncident,
  listProblems,
  registerProblem,
  reportIncident,
} from './incidentsApi';
import { Field } from '../../components/Field';

type ReportKind = 'first' | 'continuing' | 'final';

/** Mail addresses as a wrapping list (a platform-wide trouble names every owner). */
function Addresses({ list }: { list: string[] }) {
  if (!list.length) return <>—</>;
  return (
    <Group gap={4} wrap="wrap">
      {list.map((a) => (
        <Badge key={a} variant="default" tt="none" fw={400} size="md" style={{ maxWidth: '100%' }}>
          {a}
        </Badge>
      ))}
    </Group>
  );
}

function ReportModal({ kind, incident, onClose, onDone, onStale }: { kind: ReportKind | null; incident: IncidentDetail; onClose: () => void; onDone: (msg: string) => void; onStale: () => Promise<boolean> }) {
  const t = useIT();
  const [v, setV] = useState<Record<string, string>>({});
  const [stale, setStale] = useState(false);
  const val = (k: string, fallback?: string | null) => v[k] ?? fallback ?? '';
  const m = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = { version: incident.version, kind };
      if (v.channel) body.channel = v.channel;
      if (kind !== 'first') {
        for (const k of ['symptom', 'businessImpact', 'probableCause', 'progress', 'expectedRecovery'] as const) {
          const x = val(k, k === 'symptom' ? incident.symptom : k === 'businessImpact' ? incident.businessImpact : k === 'probableCause' ? incident.probableCause : null).trim();
          if (x) body[k] = x;
        }
      }
      if (kind === 'final' && v.recoveredAt) body.recoveredAt = jstLocalToIso(v.recoveredAt);
      return reportIncident(incident.id, body);
    },
    onSuccess: () => {
      setV({});
      onDone(t('inc.report.sent', { kind: t(`inc.report.${kind}` as IKey) }));
    },
    onError: async (e) => {
      if (e instanceof ApiError && e.status === 409 && Object.keys(e.fields).length === 0 && (await onStale())) setStale(true);
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;
  const fe = (k: string) => err?.fields[k];
  const text = (k: string, label: string, fallback?: string | null, area = true) =>
    area ? (
      <Textarea label={label} autosize minRows={2} value={val(k, fallback)} onChange={(e) => {
        const value = e.currentTarget.value;
        setV((x) => ({ ...x, [k]: value }));
      }} error={fe(k)} data-testid={`report-${k}`} required={k !== 'expectedRecovery'} />
    ) : (
      <TextInput label={label} value={val(k, fallback)} onChange={(e) => {
        const value = e.currentTarget.value;
        setV((x) => ({ ...x, [k]: value }));
      }} error={fe(k)} data-testid={`report-${k}`} />
    );
  return (
    <Modal opened={!!kind} onClose={onClose} title={kind ? t('inc.report.send', { kind: t(`inc.report.${kind}` as IKey) }) : ''} size="lg">
      {kind && (
        <form noValidate
          data-testid="report-form"
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate();
          }}
        >
          <Stack gap="sm">
            {stale ? (
              <ErrorAlert error={new Error(t('inc.stale'))} testId="stale-alert" />
            ) : (
              err && Object.keys(err.fields).length === 0 && <ErrorAlert error={err} testId="report-error" />
            )}
            <Select
              label={t('inc.report.channel')}
              placeholder={t('inc.report.channelDefault')}
              clearable
              data={(['phone', 'mail', 'phone_and_mail'] as const).map((c) => ({ value: c, label: t(`inc.ch.${c}`) }))}
              value={v.channel ?? null}
              onChange={(x) => setV((y) => ({ ...y, channel: x ?? '' }))}
              data-testid="report-channel"
              comboboxProps={{ withinPortal: true }}
            />
            {kind === 'first' && (
              <Text size="sm" c="dimmed">
                {incident.recipients?.to.join(', ')}
              </Text>
            )}
            {kind !== 'first' && (
              <>
                {text('symptom', t('inc.form.symptom'), incident.symptom)}
                {text('businessImpact', t('inc.form.businessImpact'), incident.businessImpact)}
                {text('probableCause', t('inc.report.probableCause'), incident.probableCause)}
                {text('progress', t('inc.report.progress'))}
                {kind === 'continuing' && text('expectedRecovery', t('inc.report.expectedRecovery'), null, false)}
                {kind === 'final' && (
                  <TextInput type="datetime-local" label={t('inc.report.recoveredAt')} required={!incident.recoveredAt} value={v.recoveredAt ?? ''} onChange={(e) => {
                    const value = e.currentTarget.value;
                    setV((x) => ({ ...x, recoveredAt: value }));
                  }} error={fe('recoveredAt')} data-testid="report-recoveredAt" />
                )}
              </>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('inc.form.cancel')}
              </Button>
              <Button type="submit" loading={m.isPending} data-testid="report-submit">
                {t('inc.report.send', { kind: t(`inc.report.${kind}` as IKey) })}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function LinkProblemModal({ opened, incident, mode, onClose, onDone }: { opened: boolean; incident: IncidentDetail; mode: 'link' | 'create'; onClose: () => void; onDone: (msg: string) => void }) {
  const t = useIT();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const [picked, setPicked] = useState<string | null>(null);
  const [title, setTitle] = useState(`${incident.title}の根本原因調査`);
  const [description, setDescription] = useState(`${incident.receiptNo}「${incident.title}」の根本原因を調査し、恒久対処を検討する。`);
  const [source, setSource] = useState<string>('incident_root_cause');
  const problems = useQuery({ queryKey: ['problems', 'pick', q], queryFn: ({ signal }) => listProblems({ q, open: 'true', pageSize: 20 }, signal), enabled: opened && mode === 'link' });
  const m = useMutation({
    mutationFn: async () => {
      if (mode === 'link') {
        await linkProblemIncident(picked!, incident.id);
        return t('inc.problems.linked');
      }
      const p = await registerProblem({ title: title.trim(), description: description.trim(), source, incidentIds: [incident.id] });
      return t('inc.problems.created', { no: p.receiptNo });
    },
    onSuccess: (msg) => onDone(msg),
  });
  const err = m.error instanceof ApiError ? m.error : null;
  return (
    <Modal opened={opened} onClose={onClose} title={mode === 'link' ? t('inc.problems.link') : t('inc.problems.create')} size="lg">
      <form noValidate
        data-testid="problem-link-form"
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <Stack gap="sm">
          {err && Object.keys(err.fields).length === 0 && <ErrorAlert error={err} testId="problem-link-error" />}
          {mode === 'link' ? (
            <Select
              label={t('inc.problems.pick')}
              searchable
              searchValue={search}
              onSearchChange={setSearch}
              filter={({ options }) => options}
              data={(problems.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.receiptNo} ${p.title}` }))}
              value={picked}
              onChange={setPicked}
              error={err?.fields.incidentId}
              data-testid="problem-pick"
              comboboxProps={{ withinPortal: true }}
            />
          ) : (
            <>
              <Select
                label={t('prb.source')}
                data={(['incident_root_cause', 'incident_permanent_fix', 'incident_rollout'] as const).map((s) => ({ value: s, label: t(`prb.src.${s}`) }))}
                value={source}
                onChange={(x) => x && setSource(x)}
                comboboxProps={{ withinPortal: true }}
                data-testid="problem-source"
              />
              <TextInput label={t('inc.titleField')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={err?.fields.title} data-testid="problem-title" />
              <Textarea label={t('inc.description')} required autosize minRows={3} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={err?.fields.description} data-testid="problem-description" />
            </>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('inc.form.cancel')}
            </Button>
            <Button type="submit" loading={m.isPending} disabled={mode === 'link' && !picked} data-testid="problem-link-submit">
              {mode === 'link' ? t('inc.problems.link') : t('inc.problems.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function IncidentPage() {
  const { id = '' } = useParams();
  const fmt = useDateTime();
  const { lang } = useLang();
  const user = useUser();
  const qc = useQueryClient();
  const location = useLocation();
  const t = useIT();
  const [flash, setFlash] = useState<string | null>(() => {
    const no = (location.state as { flash?: string } | null)?.flash;
    return no ? t('inc.registered', { no }) : null;
  });
  const [reportKind, setReportKind] = useState<ReportKind | null>(null);
  const [problemMode, setProblemMode] = useState<'link' | 'create' | null>(null);
  const page = useRecordPage({
    queryKey: ['incidents', 'record', id],
    load: (signal) => getIncident(id, signal),
    act: (a, body) => actOnIncident(id, a, body),
    invalidate: [['incidents'], ['problems']],
  });
  const { rec, setAction } = page;
  const canProblems = hasPermission(user, 'problem.read');
  const problems = useQueries({
    queries: (rec.data?.problemIds ?? []).map((pid) => ({ queryKey: ['problems', 'record', pid], queryFn: ({ signal }: { signal: AbortSignal }) => getProblem(pid, signal), enabled: canProblems })),
  });

  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const i = rec.data;
  const done = async (msg: string) => {
    setReportKind(null);
    setProblemMode(null);
    setFlash(null);
    await page.done(msg);
  };
  const onStale = page.onStale;
  const canManage = hasPermission(user, 'incident.manage');
  const canProblemManage = hasPermission(user, 'problem.manage');
  const reportable = canManage && i.class === 'trouble' && i.state !== 'closed' && !i.finalReportedAt;
  const dl = i.deadlines;
  const rule = dl.rule;

  return (
    <Stack gap="md" data-testid="incident-page" data-state={i.state} data-version={i.version}>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Anchor component={Link} to="/incidents" size="sm">
            ← {t('common.back')}
          </Anchor>
          <Group gap="xs" wrap="wrap">
            <Text ff="monospace" fw={700} data-testid="incident-receipt">
              {i.receiptNo}
            </Text>
            <Badge variant="outline" color={i.class === 'trouble' ? 'red' : 'cyan'} tt="none">
              {classLabel(t, i.class)}
            </Badge>
            <StateBadge state={i.state} label={i.stateLabel} />
            {i.class === 'trouble' && <PriorityBadge priority={i.priority} />}
            <OverdueBadge show={i.overdue} />
          </Group>
          <Title order={2} data-testid="incident-title">
            {i.title}
          </Title>
        </Stack>
      </Group>
      <Flash message={page.flash ?? flash} onClose={() => (setFlash(null), page.setFlash(null))} />

      <ProcessSection view={i.process} onPick={setAction} testId="incident-flow" />

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Section title={t('inc.detail')} testId="incident-details">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                <Field label={t('inc.source')}>{labelOf(t, `inc.src.${i.source}`, i.source)}</Field>
                <Field label={t('inc.requester')}>{i.requesterName ?? '—'}</Field>
                <Field label={t('inc.registeredAt')}>{fmt(i.registeredAt)}</Field>
                <Field label={t('inc.detectedAt')}>{fmt(i.detectedAt)}</Field>
                {i.class === 'trouble' && (
                  <Field label={t('inc.form.platformCaused')}>{i.platformCaused === null ? '—' : i.platformCaused ? t('inc.form.platformYes') : t('inc.form.platformNo')}</Field>
                )}
                {i.class === 'trouble' && i.urgency && (
                  <Field label={t('inc.form.urgency')}>
                    {(['citizenServiceStopped', 'citizenImpact', 'financialOrReputation', 'wideImpact'] as const).filter((k) => i.urgency?.[k]).map((k) => `・${t(`inc.urg.${k}`)}`).join('\n') || '—'}
                  </Field>
                )}
                <Field label={t('inc.description')} wide>
                  {i.description}
                </Field>
                {i.symptom && <Field label={t('inc.form.symptom')}>{i.symptom}</Field>}
                {i.businessImpact && <Field label={t('inc.form.businessImpact')}>{i.businessImpact}</Field>}
                {i.probableCause && <Field label={t('inc.report.probableCause')}>{i.probableCause}</Field>}
                {i.procedure && (
                  <Field label={t('inc.procedure')} wide>
                    {['steps', 'checklist', 'schedule', 'risks', 'fallback']
                      .filter((k) => i.procedure?.[k])
                      .map((k) => `【${t(`inc.f.${k}` as IKey)}】${i.procedure?.[k]}`)
                      .join('\n')}
                    {i.procedureApprovedAt ? `\n✔ ${fmt(i.procedureApprovedAt)}` : ''}
                  </Field>
                )}
                {i.procedureRef && <Field label={t('inc.f.procedureRef')}>{i.procedureRef}</Field>}
                {i.vmReturnRequired && (
                  <Field label={t('inc.vmReturn')} testId="vm-return">
                    <Text size="sm" c={i.vmReturnDoneAt ? 'green.8' : 'orange.8'}>
                      {i.vmReturnDoneAt ? t('inc.vmReturnDone', { at: fmt(i.vmReturnDoneAt) }) : t('inc.vmReturnPending')}
                    </Text>
                  </Field>
                )}
                {i.requesterApproval && <Field label={t('inc.f.requesterApproval')}>{i.requesterApproval}</Field>}
                {i.resolution && <Field label={t('inc.resolution')}>{i.resolution}</Field>}
              </SimpleGrid>
            </Section>

            {(i.class === 'trouble' || i.dueAt) && (
              <Section title={t('inc.deadlines')} testId="incident-deadlines">
                <Stack gap="sm">
                  {i.class === 'trouble' && i.platformCaused === false && (
                    <Text size="sm" c="dimmed">
                      {t('inc.notPlatform')}
                    </Text>
                  )}
                  {rule && (
                    <Text size="sm" data-testid="report-rule">
                      {t(`inc.rule.scope.${rule.scope}`)}
                      {rule.level ? ` · SL ${rule.level}` : ''} · {t('inc.priority')} {t(`inc.pri.${rule.priority}`)} · {t(rule.businessHours ? 'inc.rule.hours.in' : 'inc.rule.hours.out')}
                      {' — '}
                      {rule.firstWithinMinutes !== null ? t('inc.rule.first', { min: rule.firstWithinMinutes, channel: bi(lang, rule.firstChannelLabel) }) : t('inc.rule.firstNone')}
                      {'、'}
                      {t('inc.rule.continuing', { cadence: bi(lang, rule.continuingLabel), channel: bi(lang, rule.continuingChannelLabel) })}
                    </Text>
                  )}
                  <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="xs">
                    {i.class === 'trouble' && (
                      <>
                        <Field label={t('inc.dl.firstReport')}>
                          <Deadline {...dl.firstReport} testId="deadline-first" />
                        </Field>
                        <Field label={t('inc.dl.nextReport')}>
                          <Deadline {...dl.nextReport} testId="deadline-next" />
                        </Field>
                        <Field label={t('inc.dl.recovery')}>
                          <Deadline {...dl.recovery} testId="deadline-recovery" />
                        </Field>
                      </>
                    )}
                    {i.dueAt && (
                      <Field label={t('inc.dl.due')}>
                        <Deadline {...dl.due} testId="deadline-due" />
                      </Field>
                    )}
                  </SimpleGrid>
                </Stack>
              </Section>
            )}

            {i.class === 'trouble' && (
              <Section title={t('inc.affected')} testId="incident-affected">
                {i.affected.cis.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    {t('inc.affected.none')}
                  </Text>
                ) : (
                  <Stack gap="xs">
                    <Group gap={6} wrap="wrap" data-testid="affected-cis">
                      {i.affected.cis.map((c) =>
                        c.ciType === 'platform' ? (
                          <Badge key={c.id} color="red" variant="light" tt="none">
                            {t('inc.form.platformWide')}
                          </Badge>
                        ) : (
                          <Badge key={c.id} variant="light" tt="none" color={c.ciType === 'host' ? 'grape' : 'blue'}>
                            {c.ciType === 'host' ? 'ESXi ' : 'VM '}
                            <Anchor component={Link} to={`/cmdb/${c.ciType === 'host' ? 'hosts' : 'vms'}/${c.ciId}`} size="xs" data-testid={`affected-${c.ciType}-link`}>
                              {c.name}
                            </Anchor>
                          </Badge>
                        ),
                      )}
                    </Group>
                    <Field label={t('inc.affected.level')}>{i.affected.currentLevel ? `SL ${i.affected.currentLevel}` : '—'}</Field>
                    <Stack gap={2}>
                      <Text size="xs" c="dimmed">
                        {t('inc.affected.order')}
                      </Text>
                      <Group gap={4} wrap="wrap" data-testid="recovery-order">
                        {i.affected.recoveryOrder.map((v, n) => (
                          <Badge key={v.name} variant="outline" tt="none" color={v.level === 'A' ? 'red' : v.level === 'B' ? 'yellow' : 'gray'} data-testid="affected-vm">
                            {n + 1}. {v.name}
                            {v.level ? ` (${v.level})` : ''}
                          </Badge>
                        ))}
                      </Group>
                    </Stack>
                  </Stack>
                )}
              </Section>
            )}

            {i.recipients && (
              <Section title={t('inc.recipients')} testId="incident-recipients">
                <Stack gap="xs">
                  <Field label={t('inc.rcp.supervisor')} testId="rcp-supervisor">
                    <Addresses list={i.recipients.supervisor} />
                  </Field>
                  <Field label={`${t('inc.rcp.systemOwners')}（${i.recipients.systemOwners.length}）`} testId="rcp-owners">
                    <Addresses list={i.recipients.systemOwners} />
                  </Field>
                  <Field label={t('inc.rcp.ictManager')} testId="rcp-ict">
                    <Addresses list={i.recipients.ictManager} />
                  </Field>
                </Stack>
              </Section>
            )}

            {i.class === 'qa' && i.similar.length > 0 && (
              <Section title={t('inc.similar')} testId="incident-similar">
                <Stack gap={4}>
                  {i.similar.map((s) => (
                    <Group key={s.id} gap={6} wrap="nowrap">
                      <Anchor component={Link} to={`/incidents/${s.id}`} ff="monospace" size="sm">
                        {s.receiptNo}
                      </Anchor>
                      <Text size="sm">{s.title}</Text>
                    </Group>
                  ))}
                </Stack>
              </Section>
            )}
          </Stack>
        </Grid.Col>

        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            {i.class === 'trouble' && (
              <Section
                title={t('inc.reports')}
                testId="incident-reports"
                action={
                  reportable && (
                    <Group gap={6}>
                      {!i.firstReportedAt && (
                        <Button size="xs" color="red" onClick={() => setReportKind('first')} data-testid="report-first">
                          {t('inc.report.send', { kind: t('inc.report.first') })}
                        </Button>
                      )}
                      {i.firstReportedAt && (
                        <Button size="xs" variant="light" onClick={() => setReportKind('continuing')} data-testid="report-continuing">
                          {t('inc.report.send', { kind: t('inc.report.continuing') })}
                        </Button>
                      )}
                      {i.firstReportedAt && (
                        <Button size="xs" variant="light" onClick={() => setReportKind('final')} data-testid="report-final">
                          {t('inc.report.send', { kind: t('inc.report.final') })}
                        </Button>
                      )}
                    </Group>
                  )
                }
              >
                {i.reports.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    {t('inc.report.none')}
                  </Text>
                ) : (
                  <Table.ScrollContainer minWidth={380}>
                    <Table verticalSpacing={4} data-testid="reports-table">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>{t('inc.report.kind')}</Table.Th>
                          <Table.Th>{t('inc.report.at')}</Table.Th>
                          <Table.Th>{t('inc.report.channel')}</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {i.reports.map((r) => (
                          <Table.Tr key={r.id} data-testid="report-row" data-kind={r.kind}>
                            <Table.Td>
                              <Text size="sm">{labelOf(t, `inc.report.${r.kind}`, r.kind)}</Text>
                              <Text size="xs" c="dimmed">
                                {r.byLabel}
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm">{fmt(r.at)}</Text>
                              {r.dueAt && (
                                <Badge size="xs" tt="none" color={r.late ? 'red' : 'green'} variant="light">
                                  {r.late ? t('inc.report.late') : t('inc.report.onTime')}
                                </Badge>
                              )}
                            </Table.Td>
                            <Table.Td>{labelOf(t, `inc.ch.${r.channel}`, r.channel)}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </Section>
            )}

            <Section
              title={t('inc.problems')}
              testId="incident-problems"
              action={
                canProblemManage &&
                i.state !== 'closed' && (
                  <Group gap={6}>
                    <Button size="xs" variant="light" onClick={() => setProblemMode('create')} data-testid="problem-create">
                      {t('inc.problems.create')}
                    </Button>
                    <Button size="xs" variant="default" onClick={() => setProblemMode('link')} data-testid="problem-link">
                      {t('inc.problems.link')}
                    </Button>
                  </Group>
                )
              }
            >
              {i.problemIds.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('inc.problems.none')}
                </Text>
              ) : (
                <Stack gap={4}>
                  {i.problemIds.map((pid, n) => {
                    const p = problems[n]?.data;
                    return (
                      <Group key={pid} gap={6} wrap="wrap" data-testid="linked-problem">
                        {canProblems ? (
                          <Anchor component={Link} to={`/problems/${pid}`} ff="monospace" size="sm">
                            {p?.receiptNo ?? pid.slice(0, 8)}
                          </Anchor>
                        ) : (
                          <Text size="sm" c="dimmed">
                            {t('common.notShown')}
                          </Text>
                        )}
                        {p && <Text size="sm">{p.title}</Text>}
                        {p && <StateBadge state={p.state} label={p.stateLabel} />}
                      </Group>
                    );
                  })}
                </Stack>
              )}
            </Section>

            {i.routing.length > 0 && (
              <Section title={t('inc.routing')} testId="incident-routing">
                <Stack gap={4}>
                  {i.routing.map((r) => (
                    <Text key={r.id} size="sm">
                      {fmt(r.at)} {r.decidedByLabel}: {labelOf(t, `inc.f.route.${r.decision}`, r.decision)}
                      {r.ref ? ` (${r.ref})` : ''}
                      {r.reason ? ` — ${r.reason}` : ''}
                    </Text>
                  ))}
                </Stack>
              </Section>
            )}

            <TimelineAndMails testIdPrefix="incident" entries={i.process.history} mails={i.mails} />
          </Stack>
        </Grid.Col>
      </Grid>

      {page.dialog}
      <ReportModal kind={reportKind} incident={i} onClose={() => setReportKind(null)} onDone={done} onStale={onStale} />
      {problemMode && <LinkProblemModal opened incident={i} mode={problemMode} onClose={() => setProblemMode(null)} onDone={done} />}
    </Stack>
  );
}
