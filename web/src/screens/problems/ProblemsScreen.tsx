import { Anchor, Badge, Button, Checkbox, Grid, Group, Modal, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Route, Routes, useLocation, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api, type Page } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FilterInput } from '../../components/FilterInput';
import { ListFooter } from '../../components/ListFooter';
import { LedgerTable } from '../../components/LedgerTable';
import { ListPage } from '../../components/ListPage';
import { PageLoader } from '../../components/PageLoader';
import { PAGE_SIZE, useListParams } from '../../components/useListParams';
import { useDateTime, useLang } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { NotFoundScreen } from '../NotFoundScreen';
import { flowQuery, ProcessSection, useRecordPage } from '../../workbench';
import { bi, Flash, PriorityBadge, Section, StateBadge, TimelineAndMails } from '../incidents/common';
import { type IKey, useIT } from '../incidents/i18n';
import { classLabel, ExportLinks, ParamCheck, ParamSelect, receiptColumn, registeredColumn, stateAndPriorityColumns } from '../incidents/IncidentLedger';
import {
  type AllowedAction,
  actOnProblem,
  getProblem,
  type IncidentRow,
  linkProblemIncident,
  unlinkProblemIncident,
  listProblems,
  PROBLEM_SOURCES,
  problemExportHref,
  registerProblem,
} from '../incidents/incidentsApi';
import { Field } from '../../components/Field';
import { PreventiveTargets } from './PreventiveTargets';
import { ProblemChanges } from '../changes/ChangeLedger';


function Tabs() {
  const t = useIT();
  const { pathname } = useLocation();
  const onTargets = pathname.startsWith('/problems/targets');
  const user = useUser();
  return (
    <Group gap="xs">
      <Button component={Link} to="/problems" size="xs" variant={onTargets ? 'default' : 'light'} data-testid="problems-tab-ledger">
        {t('prb.title')}
      </Button>
      {user.allDepartments && (
        <Button component={Link} to="/problems/targets" size="xs" variant={onTargets ? 'light' : 'default'} data-testid="problems-tab-targets">
          {t('prb.targets')}
        </Button>
      )}
    </Group>
  );
}

/** A problem's due date, in red with a badge once past (and not closed). */
function DueAt({ dueAt, closed }: { dueAt: string | null | undefined; closed: boolean }) {
  const t = useIT();
  const fmt = useDateTime();
  const overdue = !!dueAt && !closed && new Date(dueAt) < new Date();
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm" c={overdue ? 'red.8' : undefined} fw={overdue ? 700 : undefined}>
        {dueAt ? fmt(dueAt) : '—'}
      </Text>
      {overdue && (
        <Badge color="red" size="sm" tt="none" data-testid="overdue-badge">
          {t('inc.overdue')}
        </Badge>
      )}
    </Group>
  );
}

function ProblemLedger() {
  const t = useIT();
  const fmt = useDateTime();
  const { lang } = useLang();
  const user = useUser();
  const params = useListParams();
  const { q, page, extra } = params;
  const sort = params.sort || '-registeredAt';
  const query = { q, sort, state: extra('state') ?? undefined, priority: extra('priority') ?? undefined, source: extra('source') ?? undefined, open: extra('open') ?? undefined };
  const list = useQuery({
    queryKey: ['problems', 'list', { ...query, page }],
    queryFn: ({ signal }) => listProblems({ ...query, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  const proc = useQuery(flowQuery('problem'));
  return (
    <Stack gap="sm">
      <Tabs />
      <ListPage
        title={t('prb.title')}
        testId="problem-ledger"
        minWidth={900}
        toolbar={
          <>
            <FilterInput value={q} onChange={params.setQ} />
            <ParamSelect params={params} name="state" label={t('inc.state')} data={(proc.data?.states ?? []).map((s) => ({ value: s.key, label: bi(lang, s.label) }))} w={240} />
            <ParamSelect params={params} name="priority" label={t('inc.priority')} data={(['high', 'low'] as const).map((p) => ({ value: p, label: t(`inc.pri.${p}`) }))} w={120} />
            <ParamSelect params={params} name="source" label={t('prb.source')} data={PROBLEM_SOURCES.map((s) => ({ value: s, label: t(`prb.src.${s}`) }))} w={240} />
            <ParamCheck params={params} name="open" label={t('inc.openOnly')} />
            <ExportLinks href={(f) => problemExportHref(f, query)} />
            {hasPermission(user, 'problem.manage') && (
              <Button component={Link} to="/problems/new" data-testid="problem-new">
                {t('prb.new')}
              </Button>
            )}
          </>
        }
        error={list.error}
        loading={list.isFetching}
        table={
          <LedgerTable
            rows={list.data?.items}
            sort={sort}
            onSort={params.setSort}
            empty={t('inc.dash.none')}
            rowProps={() => ({ 'data-testid': 'problem-row' })}
            ledgerId="problems"
            data-testid="problems-table"
            columns={[
              receiptColumn(t('prb.receiptNo'), (p) => (
                <Anchor component={Link} to={`/problems/${p.id}`} ff="monospace" size="sm" data-testid="problem-link">
                  {p.receiptNo}
                </Anchor>
              )),
              registeredColumn(t('prb.registeredAt'), fmt),
              { key: 'source', header: t('prb.source'), defaultHidden: true, render: (p) => t(`prb.src.${p.source}`) },
              {
                key: 'title',
                header: t('inc.titleField'),
                sortKey: 'title',
                ellipsis: 'grow',
                title: (p) => p.title,
                render: (p) => (
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" truncate>
                      {p.title}
                    </Text>
                    {p.critical && (
                      <Badge color="red" size="sm" tt="none">
                        {t('prb.critical')}
                      </Badge>
                    )}
                  </Group>
                ),
              },
              ...stateAndPriorityColumns(t),
              { key: 'dueAt', header: t('prb.dueAt'), sortKey: 'dueAt', render: (p) => <DueAt dueAt={p.dueAt} closed={p.state === 'closed'} /> },
            ]}
          />
        }
        footer={list.data && <ListFooter total={list.data.total} page={page} pageSize={list.data.pageSize || PAGE_SIZE} onPage={params.setPage} />}
      />
    </Stack>
  );
}

/** Search incidents (server-side) to link them. */
function IncidentSearch({ label, onPick, error, exclude = [] }: { label: string; onPick: (r: IncidentRow) => void; error?: string; exclude?: string[] }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const res = useQuery({
    queryKey: ['incidents', 'pick', q],
    queryFn: ({ signal }) => api.get<Page<IncidentRow>>('/api/incidents', { q, pageSize: 20 }, signal),
  });
  const rows = (res.data?.items ?? []).filter((r) => !exclude.includes(r.id));
  return (
    <Select
      label={label}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      data={rows.map((r) => ({ value: r.id, label: `${r.receiptNo} ${r.title}` }))}
      value={null}
      onChange={(v) => {
        const r = rows.find((x) => x.id === v);
        if (r) {
          onPick(r);
          setSearch('');
        }
      }}
      error={error}
      data-testid="incident-pick"
      comboboxProps={{ withinPortal: true }}
    />
  );
}

function ProblemIntake() {
  const t = useIT();
  const navigate = useNavigate();
  const [v, setV] = useState({ title: '', description: '', source: 'supervisor_instruction', critical: false });
  const [incidents, setIncidents] = useState<IncidentRow[]>([]);
  const m = useMutation({
    mutationFn: () => registerProblem({ title: v.title.trim(), description: v.description.trim(), source: v.source, critical: v.critical, incidentIds: incidents.map((i) => i.id) }),
    onSuccess: (p) => navigate(`/problems/${p.id}`),
  });
  const err = m.error instanceof ApiError ? m.error : null;
  return (
    <Stack gap="md" data-testid="problem-intake">
      <Title order={2}>{t('prb.form.title')}</Title>
      <form noValidate
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
        data-testid="problem-form"
      >
        <Stack gap="sm" maw={820}>
          <ErrorAlert error={m.error} testId="form-error" />
          <Select
            label={t('prb.source')}
            required
            data={PROBLEM_SOURCES.map((s) => ({ value: s, label: t(`prb.src.${s}`) }))}
            value={v.source}
            onChange={(x) => x && setV((y) => ({ ...y, source: x }))}
            error={err?.fields.source}
            comboboxProps={{ withinPortal: true }}
            data-testid="field-source"
          />
          <TextInput label={t('inc.titleField')} required value={v.title} onChange={(e) => setV({ ...v, title: e.currentTarget.value })} error={err?.fields.title} data-testid="field-title" />
          <Textarea label={t('inc.description')} required autosize minRows={3} value={v.description} onChange={(e) => setV({ ...v, description: e.currentTarget.value })} error={err?.fields.description} data-testid="field-description" />
          <IncidentSearch label={t('prb.form.incidentIds')} onPick={(r) => setIncidents((x) => [...x, r])} error={err?.fields.incidentIds} exclude={incidents.map((i) => i.id)} />
          {incidents.length > 0 && (
            <Group gap={6}>
              {incidents.map((i) => (
                <Badge key={i.id} variant="light" tt="none">
                  {i.receiptNo} {i.title}
                </Badge>
              ))}
            </Group>
          )}
          <Checkbox label={t('prb.critical')} checked={v.critical} onChange={(e) => setV({ ...v, critical: e.currentTarget.checked })} data-testid="field-critical" />
          <Group justify="flex-end">
            <Button variant="default" component={Link} to="/problems">
              {t('inc.form.cancel')}
            </Button>
            <Button type="submit" loading={m.isPending} data-testid="problem-submit">
              {t('inc.form.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}


function ProblemPage() {
  const { id = '' } = useParams();
  const t = useIT();
  const fmt = useDateTime();
  const user = useUser();
  const qc = useQueryClient();
  const page = useRecordPage({
    queryKey: ['problems', 'record', id],
    load: (signal) => getProblem(id, signal),
    act: (a, body) => actOnProblem(id, a, body),
    invalidate: [['problems'], ['incidents']],
  });
  const { rec, setAction, flash, setFlash } = page;
  const [linking, setLinking] = useState(false);
  const [unlinking, setUnlinking] = useState<{ id: string; receiptNo: string } | null>(null);
  const [unlinkReason, setUnlinkReason] = useState('');
  const unlink = useMutation({
    mutationFn: () => unlinkProblemIncident(id, unlinking!.id, unlinkReason),
    onSuccess: async () => {
      setUnlinking(null);
      setUnlinkReason('');
      await page.done(t('prb.incidents.unlinked'));
    },
  });
  const link = useMutation({
    mutationFn: (incidentId: string) => linkProblemIncident(id, incidentId),
    onSuccess: async () => {
      setLinking(false);
      setFlash(t('inc.problems.linked'));
      await qc.invalidateQueries({ queryKey: ['problems'] });
      await qc.invalidateQueries({ queryKey: ['incidents'] });
    },
  });
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const p = rec.data;
  return (
    <Stack gap="md" data-testid="problem-page" data-state={p.state}>
      <Stack gap={4}>
        <Anchor component={Link} to="/problems" size="sm">
          ← {t('common.back')}
        </Anchor>
        <Group gap="xs" wrap="wrap">
          <Text ff="monospace" fw={700} data-testid="problem-receipt">
            {p.receiptNo}
          </Text>
          <StateBadge state={p.state} label={p.stateLabel} />
          <PriorityBadge priority={p.priority} />
          {p.critical && (
            <Badge color="red" tt="none">
              {t('prb.critical')}
            </Badge>
          )}
        </Group>
        <Title order={2}>{p.title}</Title>
      </Stack>
      <Flash message={flash} onClose={() => setFlash(null)} />
      <ProcessSection view={p.process} onPick={setAction} testId="problem-flow" />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Section title={t('inc.detail')} testId="problem-details">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                <Field label={t('prb.source')}>{t(`prb.src.${p.source}`)}</Field>
                <Field label={t('prb.registeredAt')}>{fmt(p.registeredAt)}</Field>
                <Field label={t('prb.dueAt')}>{p.dueAt ? fmt(p.dueAt) : '—'}</Field>
                <Field label={t('inc.f.criteria')}>
                  {p.criteria
                    ? (['missedRecoveryTarget', 'citizensOrManyDepartments', 'financialOrReputation'] as const)
                        .filter((k) => p.criteria?.[k])
                        .map((k) => `・${t(`prb.crit.${k}`)}`)
                        .join('\n') || t('inc.pri.low')
                    : '—'}
                </Field>
                <Field label={t('inc.description')} wide>
                  {p.description}
                </Field>
              </SimpleGrid>
            </Section>
            <Section title={t('prb.findings')} testId="problem-findings">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                {(['cause', 'policy', 'permanentFix', 'changeRef', 'result'] as const).map((k) => (
                  <Field key={k} label={t(`inc.f.${k}` as IKey)}>
                    {p[k] ?? '—'}
                  </Field>
                ))}
                {p.noFixReason && <Field label={t('prb.noFixReason')}>{p.noFixReason}</Field>}
                {p.noImplementReason && <Field label={t('prb.noImplementReason')}>{p.noImplementReason}</Field>}
                {p.preventiveTarget && (
                  <Field label={t('prb.target')}>
                    {p.preventiveTarget.name}（{t(`prb.t.cat.${p.preventiveTarget.category}`)}・{t(`prb.t.kind.${p.preventiveTarget.kind}`)}）
                  </Field>
                )}
              </SimpleGrid>
              <ProblemChanges problem={p} />
            </Section>
            <Section title={t('prb.decisions')} testId="problem-decisions">
              {p.decisions.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('prb.decisions.none')}
                </Text>
              ) : (
                <Stack gap="xs">
                  {p.decisions.map((d) => (
                    <Stack key={d.id} gap={0} data-testid="decision-row" data-answer={d.answer}>
                      <Group gap={6}>
                        <Text size="sm" fw={600}>
                          {d.question}
                        </Text>
                        <Badge color={d.answer ? 'green' : 'orange'} tt="none" size="sm">
                          {d.answer ? t('prb.decision.yes') : t('prb.decision.no')}
                        </Badge>
                      </Group>
                      <Text size="xs" c="dimmed">
                        {fmt(d.at)} · {d.decidedByLabel}
                      </Text>
                      {d.reason && (
                        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                          {t('inc.f.reason')}: {d.reason}
                        </Text>
                      )}
                    </Stack>
                  ))}
                </Stack>
              )}
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <Section
              title={t('prb.incidents')}
              testId="problem-incidents"
              action={
                hasPermission(user, 'problem.manage') &&
                p.state !== 'closed' && (
                  <Button size="xs" variant="light" onClick={() => setLinking(true)} data-testid="incident-link-open">
                    {t('prb.incidents.add')}
                  </Button>
                )
              }
            >
              {p.incidents.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('prb.incidents.none')}
                </Text>
              ) : (
                <Stack gap={4}>
                  {p.incidents.map((i) => (
                    <Group key={i.id} gap={6} wrap="nowrap" data-testid="linked-incident">
                      <Anchor component={Link} to={`/incidents/${i.id}`} ff="monospace" size="sm">
                        {i.receiptNo}
                      </Anchor>
                      <Badge size="sm" variant="outline" tt="none">
                        {classLabel(t, i.class)}
                      </Badge>
                      <Text size="sm" lineClamp={1} style={{ flex: 1 }}>
                        {i.title}
                      </Text>
                      {hasPermission(user, 'problem.manage') && p.state !== 'closed' && (
                        <Button size="compact-xs" variant="subtle" color="orange" onClick={() => setUnlinking(i)} data-testid="incident-unlink-open">
                          {t('prb.incidents.unlink')}
                        </Button>
                      )}
                    </Group>
                  ))}
                </Stack>
              )}
            </Section>
            <TimelineAndMails testIdPrefix="problem" entries={p.process.history} mails={p.mails} />
          </Stack>
        </Grid.Col>
      </Grid>
      {page.dialog}
      <Modal opened={!!unlinking} onClose={() => setUnlinking(null)} title={t('prb.incidents.unlink')} size="lg" data-testid="unlink-modal">
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            unlink.mutate();
          }}
        >
          <Stack gap="sm">
            <Text size="sm" ff="monospace">
              {unlinking?.receiptNo}
            </Text>
            {unlink.error && !(unlink.error instanceof ApiError && unlink.error.fields.reason) && <ErrorAlert error={unlink.error} />}
            <Textarea
              label={t('prb.incidents.unlinkReason')}
              required
              autosize
              minRows={2}
              value={unlinkReason}
              onChange={(e) => setUnlinkReason(e.currentTarget.value)}
              error={unlink.error instanceof ApiError ? unlink.error.fields.reason : undefined}
              data-testid="field-unlink-reason"
            />
            <Group justify="flex-end">
              <Button type="submit" color="orange" loading={unlink.isPending} data-testid="unlink-submit">
                {t('prb.incidents.unlink')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <Modal opened={linking} onClose={() => setLinking(false)} title={t('prb.incidents.add')} size="lg">
        <Stack gap="sm">
          <ErrorAlert error={link.error} />
          <IncidentSearch label={t('prb.incidents.pick')} onPick={(r) => link.mutate(r.id)} exclude={p.incidents.map((i) => i.id)} />
        </Stack>
      </Modal>
    </Stack>
  );
}

/** 問題管理 (/problems/*): the ledger, registration, one page per problem, the preventive-maintenance targets. */
export default function ProblemsScreen() {
  return (
    <Routes>
      <Route index element={<ProblemLedger />} />
      <Route path="new" element={<ProblemIntake />} />
      <Route path="targets" element={<PreventiveTargets />} />
      <Route path=":id" element={<ProblemPage />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
