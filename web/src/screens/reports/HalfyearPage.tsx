import { Alert, Anchor, Badge, Button, Grid, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { roleLabel, useDateTime, useT } from '../../i18n';
import { Flash, ProcessHistory, ProcessSection, Section, useRecordPage } from '../../workbench';
import { StateBadge } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { actOnHalf, draftHalf, getHalf, type HalfDetail, type HalfTexts, halfFileHref, listHalves, resnapshotHalf, saveHalfTexts } from './halfyearApi';
import { HalfForecastSection, HalfKpiSection, HalfScopeSection, HalfTextSections } from './HalfyearSections';
import { type HT, useHT } from './halfyearI18n';

/** 半期報告の一覧 (/reports/halfyear): every half's report with its state and whose turn it is; 作成 for the team. */
export function HalfyearList() {
  const t = useHT();
  const tg = useT();
  const fmt = useDateTime();
  const qc = useQueryClient();
  const nav = useNavigate();
  const [half, setHalf] = useState('');
  const q = useQuery({ queryKey: ['reports', 'halfyear', 'list'], queryFn: ({ signal }) => listHalves(signal) });
  const m = useMutation({
    mutationFn: () => draftHalf(half.trim()),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: ['reports'] });
      nav(`/reports/halfyear/${r.half}`);
    },
  });
  if (q.isPending) return <PageLoader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const err = m.error instanceof ApiError ? m.error : null;
  return (
    <Stack gap="md" data-testid="halfyear-screen">
      <Stack gap={2}>
        <Group justify="space-between">
          <Title order={2}>{t('hy.title')}</Title>
          <Anchor component={Link} to="/reports" size="sm">
            {t('hy.toMonthly')}
          </Anchor>
        </Group>
        <Text size="sm" c="dimmed">
          {t('hy.lead')}
        </Text>
      </Stack>
      {q.data.canDraft && (
        <Section title={t('hy.new')}>
          <Stack gap={4}>
            <Text size="xs" c="dimmed">
              {t('hy.new.hint')}
            </Text>
            <Group align="flex-end" gap="xs">
              <TextInput
                label={t('hy.half')}
                placeholder="2026-H1"
                value={half}
                onChange={(e) => setHalf(e.currentTarget.value)}
                error={err?.fields.half ?? (err && !Object.keys(err.fields).length ? err.message : undefined)}
                w={200}
                data-testid="hy-draft-half"
              />
              <Button onClick={() => m.mutate()} loading={m.isPending} disabled={!half.trim()} data-testid="hy-draft">
                {t('hy.create')}
              </Button>
            </Group>
          </Stack>
        </Section>
      )}
      <Section title={t('hy.list')} testId="hy-list">
        {q.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('hy.none')}
          </Text>
        ) : (
          <Table striped highlightOnHover withTableBorder fz="sm" data-testid="halfyear-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('hy.half')}</Table.Th>
                <Table.Th>{t('hy.state')}</Table.Th>
                <Table.Th>{t('hy.waiting')}</Table.Th>
                <Table.Th>{t('hy.assembledAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.items.map((r) => (
                <Table.Tr key={r.id} data-testid="halfyear-row" data-half={r.half}>
                  <Table.Td>
                    <Anchor component={Link} to={`/reports/halfyear/${r.half}`} fw={600}>
                      {r.label}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={r.state} label={r.stateLabel} />
                  </Table.Td>
                  <Table.Td data-testid="halfyear-waiting">{r.waitingFor.length ? r.waitingFor.map((x) => roleLabel(tg, x)).join('・') : '—'}</Table.Td>
                  <Table.Td>{r.snapshotAt ? fmt(r.snapshotAt) : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
    </Stack>
  );
}

function Body({
  r,
  t,
  refresh,
  onStale,
  setFlash,
}: {
  r: HalfDetail;
  t: HT;
  refresh: () => Promise<void>;
  onStale: () => Promise<unknown>;
  setFlash: (m: string) => void;
}) {
  const qc = useQueryClient();
  const [texts, setTexts] = useState<HalfTexts>(r.texts);
  const [stale, setStale] = useState(false);
  const dirty = JSON.stringify(texts) !== JSON.stringify(r.texts);
  const save = useMutation({
    mutationFn: () => saveHalfTexts(r.half, { version: r.version, ...texts }),
    onSuccess: async () => {
      setStale(false);
      setFlash(t('hy.saved'));
      await refresh();
    },
    onError: async (e) => {
      if (e instanceof ApiError && e.status === 409) {
        setStale(true);
        await onStale();
      }
    },
  });
  const again = useMutation({ mutationFn: () => resnapshotHalf(r.half, r.version), onSuccess: () => qc.invalidateQueries({ queryKey: ['reports'] }) });
  const edit = r.canEdit ? setTexts : undefined;
  const err = save.error instanceof ApiError && save.error.status !== 409 ? save.error : null;
  const d = r.snapshot;
  const bar = r.canEdit && (
    <Group justify="flex-end" gap="xs" data-testid="hy-texts-bar">
      {stale && (
        <Alert color="orange" py={4}>
          {t('hy.stale')}
        </Alert>
      )}
      {err && (
        <Alert color="red" py={4}>
          {err.message}
        </Alert>
      )}
      <Button size="xs" variant="light" loading={again.isPending} onClick={() => again.mutate()} data-testid="hy-resnapshot">
        {t('hy.resnapshot')}
      </Button>
      <Button size="xs" disabled={!dirty} loading={save.isPending} onClick={() => save.mutate()} data-testid="hy-texts-save">
        {t('hy.save')}
      </Button>
    </Group>
  );
  if (!d) return <Alert color="orange">—</Alert>;
  return (
    <Stack gap="md">
      {again.error && <ErrorAlert error={again.error} />}
      {bar}
      <HalfKpiSection d={d} t={t} texts={texts} setTexts={edit} />
      <HalfScopeSection d={d} t={t} texts={texts} setTexts={edit} />
      <HalfForecastSection d={d} t={t} texts={texts} setTexts={edit} />
      <HalfTextSections d={d} t={t} texts={texts} setTexts={edit} />
      {bar}
    </Stack>
  );
}

/** One half-year report (the `halfyear_report` process) on the workbench scaffold: flow and actions, the sections, texts while drafting, PDF/XLSX, history. */
export function HalfyearPage() {
  const { ref = '' } = useParams();
  const t = useHT();
  const fmt = useDateTime();
  const page = useRecordPage<HalfDetail>({
    queryKey: ['reports', 'halfyear', ref],
    load: (signal) => getHalf(ref, signal),
    act: (a, body) => actOnHalf(ref, a, body),
    invalidate: [['reports']],
  });
  const { rec, setAction, flash, setFlash } = page;
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const r = rec.data;
  return (
    <Stack gap="md" data-testid="halfyear-page" data-state={r.state}>
      <Stack gap={4}>
        <Anchor component={Link} to="/reports/halfyear" size="sm">
          ← {t('hy.back')}
        </Anchor>
        <Group gap="xs">
          <Title order={2} data-testid="halfyear-title">
            {t('hy.heading', { label: r.snapshot?.label ?? r.half })}
          </Title>
          <StateBadge state={r.state} label={r.stateLabel} />
          <Badge variant="light" tt="none">
            {r.half}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t('hy.assembledAt')}: {r.snapshotAt ? fmt(r.snapshotAt) : '—'}
        </Text>
        <Group gap="xs">
          <Button component="a" href={halfFileHref(r.half, 'pdf')} size="xs" variant="light" download data-testid="hy-pdf">
            PDF
          </Button>
          <Button component="a" href={halfFileHref(r.half, 'xlsx')} size="xs" variant="light" download data-testid="hy-xlsx">
            XLSX
          </Button>
        </Group>
      </Stack>
      <Flash message={flash} onClose={() => setFlash(null)} />
      {r.reason && (
        <Alert color="orange" data-testid="hy-reason">
          {t('hy.reason', { reason: r.reason })}
        </Alert>
      )}
      <ProcessSection view={r.process} onPick={setAction} testId="halfyear-flow" />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, xl: 9 }}>
          <Body key={r.version} r={r} t={t} refresh={page.refresh} onStale={page.onStale} setFlash={setFlash} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 3 }}>
          <Section title={t('hy.history')} testId="halfyear-history">
            <ProcessHistory entries={r.process.history} />
          </Section>
        </Grid.Col>
      </Grid>
      {page.dialog}
    </Stack>
  );
}
