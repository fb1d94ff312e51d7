import { Alert, Anchor, Badge, Button, Group, Modal, NumberInput, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime, useLang } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { type SLT, useSLT } from './i18n';
import { exportHref, getKpis, type KpiRow, markCase, pct, setManual } from './slApi';

type Case = KpiRow['cases'][number];
const OUTCOME_COLOR: Record<string, string> = { ok: 'green', late: 'red', failed: 'red', excluded: 'gray', pending: 'yellow' };
const caseHref = (c: Case) => (c.recordType === 'incident' ? `/incidents/${c.recordId}` : `/monitoring/alerts/${c.recordId}`);

/** 対象外・成功・未達成 with a reason, for one case. */
function MarkDialog({ target, onClose, t }: { target: { kpi: string; c: Case; outcome: string } | null; onClose: () => void; t: SLT }) {
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const m = useMutation({
    mutationFn: () => markCase(target!.kpi, target!.c.recordId, { outcome: target!.outcome, ...(reason.trim() ? { reason } : {}) }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['servicelevels'] });
      setReason('');
      onClose();
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;
  return (
    <Modal opened={!!target} onClose={onClose} title={target ? `${target.c.ref} ${target.c.title}` : ''}>
      <Stack>
        <Textarea label={t('sl.kpi.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={err?.fields.reason} autosize minRows={2} data-testid="sl-mark-reason" />
        {err && !err.fields.reason && <Alert color="red">{err.message}</Alert>}
        <Group justify="flex-end">
          <Button loading={m.isPending} onClick={() => m.mutate()} data-testid="sl-mark-submit">{t('sl.kpi.save')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ManualFigure({ month, row, t }: { month: string; row: KpiRow; t: SLT }) {
  const qc = useQueryClient();
  const [num, setNum] = useState<number | string>(row.numerator ?? '');
  const [den, setDen] = useState<number | string>(row.denominator ?? '');
  const [note, setNote] = useState('');
  const m = useMutation({ mutationFn: () => setManual({ month, numerator: Number(num), denominator: Number(den), ...(note ? { note } : {}) }), onSuccess: () => qc.invalidateQueries({ queryKey: ['servicelevels'] }) });
  const err = m.error instanceof ApiError ? m.error : null;
  return (
    <Group align="flex-end" gap="xs">
      <NumberInput label={t('sl.kpi.numerator')} value={num} onChange={setNum} w={110} min={0} error={err?.fields.numerator} />
      <NumberInput label={t('sl.kpi.denominator')} value={den} onChange={setDen} w={110} min={0} error={err?.fields.denominator} />
      <TextInput label={t('sl.kpi.reason')} value={note} onChange={(e) => setNote(e.currentTarget.value)} w={220} />
      <Button size="sm" loading={m.isPending} onClick={() => m.mutate()}>{t('sl.kpi.save')}</Button>
    </Group>
  );
}

/** 品質指標 of the month (N §2.6.3's table) with targets, and each case and exclusion behind a figure. */
export function KpiTab({ month }: { month: string }) {
  const t = useSLT();
  const { lang } = useLang();
  const fmt = useDateTime();
  const user = useUser();
  const team = hasPermission(user, 'servicelevel.manage');
  const q = useQuery({ queryKey: ['servicelevels', 'kpis', month], queryFn: ({ signal }) => getKpis(month, signal) });
  const [open, setOpen] = useState<string | null>(null);
  const [mark, setMark] = useState<{ kpi: string; c: Case; outcome: string } | null>(null);
  if (q.isPending) return <PageLoader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const outcomeButtons = (k: KpiRow, c: Case) => {
    if (!team) return null;
    if (k.key === 'monitoring_first_response' && c.outcome === 'late') return <Button size="compact-xs" variant="light" onClick={() => setMark({ kpi: k.key, c, outcome: 'excluded' })}>{t('sl.kpi.exclude')}</Button>;
    if (k.key === 'provisional_response')
      return (
        <Group gap={4}>
          <Button size="compact-xs" variant="light" color="green" onClick={() => markCase(k.key, c.recordId, { outcome: 'succeeded' }).then(() => q.refetch())}>{t('sl.kpi.succeeded')}</Button>
          <Button size="compact-xs" variant="light" color="red" onClick={() => setMark({ kpi: k.key, c, outcome: 'failed' })}>{t('sl.kpi.failed')}</Button>
          <Button size="compact-xs" variant="light" onClick={() => setMark({ kpi: k.key, c, outcome: 'excluded' })}>{t('sl.kpi.exclude')}</Button>
        </Group>
      );
    return null;
  };
  return (
    <Stack gap="md" data-testid="sl-kpis">
      <Group justify="flex-end" gap="xs">
        <Button component="a" href={exportHref('kpis', 'xlsx', month)} size="xs" variant="light">XLSX</Button>
        <Button component="a" href={exportHref('kpis', 'csv', month)} size="xs" variant="light">CSV</Button>
      </Group>
      <Table withTableBorder data-testid="sl-kpi-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sl.kpi.goal')}</Table.Th>
            <Table.Th>{t('sl.kpi.label')}</Table.Th>
            <Table.Th ta="right">{t('sl.kpi.counts')}</Table.Th>
            <Table.Th ta="right">{t('sl.kpi.value')}</Table.Th>
            <Table.Th ta="right">{t('sl.kpi.target')}</Table.Th>
            <Table.Th>{t('sl.kpi.result')}</Table.Th>
            <Table.Th>{t('sl.kpi.excluded')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {q.data.kpis.map((k) => (
            <Fragment key={k.key}>
              <Table.Tr data-testid={`sl-kpi-${k.key}`} style={{ cursor: 'pointer' }} onClick={() => setOpen(open === k.key ? null : k.key)}>
                <Table.Td>{lang === 'en' ? k.goal.en : k.goal.ja}</Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>{lang === 'en' ? k.label.en : k.label.ja}</Text>
                  <Text size="xs" c="dimmed">{k.formula}</Text>
                </Table.Td>
                <Table.Td ta="right">{k.numerator === null ? '—' : `${k.numerator} / ${k.denominator}`}</Table.Td>
                <Table.Td ta="right" fw={700}>{k.status === 'no_source' ? <Badge color="gray" tt="none">{t('sl.kpi.noSource')}</Badge> : pct(k.value)}</Table.Td>
                <Table.Td ta="right">{k.target ? `${k.target.percent} %` : '—'}</Table.Td>
                <Table.Td>{k.met === null ? '—' : <Badge color={k.met ? 'green' : 'red'} tt="none">{t(k.met ? 'sl.kpi.met' : 'sl.kpi.unmet')}</Badge>}</Table.Td>
                <Table.Td>{k.excluded.length || '—'}</Table.Td>
              </Table.Tr>
              {open === k.key && (
                <Table.Tr>
                  <Table.Td colSpan={7} bg="var(--mantine-color-gray-0)">
                    <Stack gap="xs">
                      {k.conditions.map((c) => <Text key={c} size="xs">・{c}</Text>)}
                      {k.note && <Text size="xs" c="dimmed">{k.note}</Text>}
                      {k.key === 'consolidation' && team && <ManualFigure month={month} row={k} t={t} />}
                      {k.cases.length > 0 && (
                        <Table fz="xs" withTableBorder data-testid={`sl-cases-${k.key}`}>
                          <Table.Tbody>
                            {k.cases.map((c) => (
                              <Table.Tr key={c.recordId}>
                                <Table.Td><Anchor component={Link} to={caseHref(c)} size="xs">{c.ref}</Anchor> {c.title}</Table.Td>
                                <Table.Td>{fmt(c.at)}</Table.Td>
                                <Table.Td><Badge size="sm" color={OUTCOME_COLOR[c.outcome]} tt="none">{t(`sl.kpi.outcome.${c.outcome}` as never)}</Badge></Table.Td>
                                <Table.Td>{c.reason}{c.markedBy ? `（${c.markedBy}）` : ''}</Table.Td>
                                <Table.Td>{outcomeButtons(k, c)}</Table.Td>
                              </Table.Tr>
                            ))}
                          </Table.Tbody>
                        </Table>
                      )}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              )}
            </Fragment>
          ))}
        </Table.Tbody>
      </Table>
      <MarkDialog target={mark} onClose={() => setMark(null)} t={t} />
    </Stack>
  );
}
