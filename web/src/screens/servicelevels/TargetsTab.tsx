import { Alert, Anchor, Badge, Button, Group, NumberInput, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime, useLang } from '../../i18n';
import { Flash, ProcessHistory, ProcessSection, Section, useRecordPage } from '../../workbench';
import { NotFoundScreen } from '../NotFoundScreen';
import { type SLT, useSLT } from './i18n';
import { actOnTarget, getTarget, getTargets, proposeTarget, type TargetDetail } from './slApi';

const STATE_COLOR: Record<string, string> = { submitted: 'yellow', approved: 'green', rejected: 'red', withdrawn: 'gray' };

function ProposeForm({ kpis, t }: { kpis: { key: string; label: { ja: string; en: string } }[]; t: SLT }) {
  const qc = useQueryClient();
  const nav = useNavigate();
  const { lang } = useLang();
  const [kpi, setKpi] = useState<string | null>(kpis[0]?.key ?? null);
  const [percent, setPercent] = useState<number | string>(99.8);
  const [from, setFrom] = useState('');
  const [reason, setReason] = useState('');
  const m = useMutation({
    mutationFn: () => proposeTarget({ kpi: kpi ?? '', targetPercent: Number(percent), effectiveFrom: from, ...(reason.trim() ? { reason } : {}) }),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: ['servicelevels'] });
      nav(`/servicelevels/targets/${r.id}`);
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;
  return (
    <Section title={t('sl.tg.propose')} testId="sl-target-form">
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select label={t('sl.tg.kpi')} data={kpis.map((k) => ({ value: k.key, label: lang === 'en' ? k.label.en : k.label.ja }))} value={kpi} onChange={setKpi} error={err?.fields.kpi} />
          <NumberInput label={t('sl.tg.percent')} value={percent} onChange={setPercent} decimalScale={3} error={err?.fields.targetPercent} />
          <TextInput label={t('sl.tg.from')} type="month" value={from} onChange={(e) => setFrom(e.currentTarget.value)} error={err?.fields.effectiveFrom} />
        </SimpleGrid>
        <Textarea label={t('sl.tg.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={err?.fields.reason} autosize minRows={2} />
        {err && Object.keys(err.fields).length === 0 && <Alert color="red">{err.message}</Alert>}
        <Group justify="flex-end">
          <Button loading={m.isPending} onClick={() => m.mutate()} data-testid="sl-target-submit">{t('sl.tg.propose')}</Button>
        </Group>
      </Stack>
    </Section>
  );
}

/** 品質目標 and their history; a proposal opens its record page (supervisor approval on the kernel). */
export function TargetsTab() {
  const t = useSLT();
  const { lang } = useLang();
  const fmt = useDateTime();
  const q = useQuery({ queryKey: ['servicelevels', 'targets'], queryFn: ({ signal }) => getTargets(signal) });
  if (q.isPending) return <PageLoader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const label = (key: string) => {
    const k = q.data.kpis.find((x) => x.key === key);
    return k ? (lang === 'en' ? k.label.en : k.label.ja) : key;
  };
  return (
    <Stack gap="md" data-testid="sl-targets">
      <Table withTableBorder striped fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>No.</Table.Th>
            <Table.Th>{t('sl.tg.kpi')}</Table.Th>
            <Table.Th ta="right">{t('sl.tg.percent')}</Table.Th>
            <Table.Th>{t('sl.tg.from')}</Table.Th>
            <Table.Th>{t('sl.tg.kind')}</Table.Th>
            <Table.Th>{t('sl.tg.state')}</Table.Th>
            <Table.Th>{t('sl.tg.requested')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {q.data.items.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={7}><Text size="sm" c="dimmed">{t('sl.none')}</Text></Table.Td>
            </Table.Tr>
          )}
          {q.data.items.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td><Anchor component={Link} to={`/servicelevels/targets/${r.id}`} ff="monospace" size="sm">{r.refNo}</Anchor></Table.Td>
              <Table.Td>{label(r.kpi)}</Table.Td>
              <Table.Td ta="right">{r.targetPercent} %</Table.Td>
              <Table.Td>{r.effectiveFrom}</Table.Td>
              <Table.Td>{t(`sl.tg.kind.${r.kind}` as never)}</Table.Td>
              <Table.Td><Badge color={STATE_COLOR[r.state]} tt="none">{r.stateLabel}</Badge></Table.Td>
              <Table.Td>{r.requestedByLabel}（{fmt(r.requestedAt)}）</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {q.data.canPropose && <ProposeForm kpis={q.data.kpis} t={t} />}
    </Stack>
  );
}

/** One target proposal on the workbench scaffold: flow, approve/reject/withdraw, history. */
export function TargetPage() {
  const { id = '' } = useParams();
  const t = useSLT();
  const fmt = useDateTime();
  const page = useRecordPage<TargetDetail>({ queryKey: ['servicelevels', 'target', id], load: (s) => getTarget(id, s), act: (a, b) => actOnTarget(id, a, b), invalidate: [['servicelevels']] });
  const { rec, setAction, flash, setFlash } = page;
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const r = rec.data;
  return (
    <Stack gap="md" data-testid="sl-target-page" data-state={r.state}>
      <Anchor component={Link} to="/servicelevels?tab=targets" size="sm">{t('sl.tg.back')}</Anchor>
      <Group gap="xs">
        <Text ff="monospace" fw={700}>{r.refNo}</Text>
        <Badge color={STATE_COLOR[r.state]} tt="none">{r.stateLabel}</Badge>
      </Group>
      <Title order={2}>{r.kpiLabel}：{r.targetPercent} %</Title>
      <Flash message={flash} onClose={() => setFlash(null)} />
      <ProcessSection view={r.process} onPick={setAction} testId="sl-target-flow" />
      <Section title={t('sl.tab.targets')}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <Field label={t('sl.tg.from')}>{r.effectiveFrom}</Field>
          <Field label={t('sl.tg.kind')}>{t(`sl.tg.kind.${r.kind}` as never)}</Field>
          <Field label={t('sl.tg.requested')}>{`${r.requestedByLabel}（${fmt(r.requestedAt)}）`}</Field>
          <Field label={t('sl.kpi.reason')} wide>{r.reason ?? '—'}</Field>
        </SimpleGrid>
      </Section>
      <Section title={t('sl.tg.history')}>
        {r.history.length === 0 ? (
          <Text size="sm" c="dimmed">{t('sl.none')}</Text>
        ) : (
          <Table fz="sm">
            <Table.Tbody>
              {r.history.map((h) => (
                <Table.Tr key={h.id}>
                  <Table.Td ff="monospace">{h.refNo}</Table.Td>
                  <Table.Td>{h.effectiveFrom}〜</Table.Td>
                  <Table.Td>{h.targetPercent} %</Table.Td>
                  <Table.Td>{t(`sl.tg.kind.${h.kind}` as never)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
      <Section title="履歴">
        <ProcessHistory entries={r.process.history} />
      </Section>
      {page.dialog}
    </Stack>
  );
}
