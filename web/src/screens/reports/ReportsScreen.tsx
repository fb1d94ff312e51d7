import { Anchor, Badge, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Route, Routes, useNavigate } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { roleLabel, useDateTime, useT } from '../../i18n';
import { Section } from '../../workbench';
import { StateBadge } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { useRT } from './i18n';
import { HalfyearList, HalfyearPage } from './HalfyearPage';
import { ReportPage } from './ReportPage';
import { draftReport, listReports } from './reportsApi';

const nowrap = { style: { whiteSpace: 'nowrap' } } as const;

/** The previous JST month (YYYY-MM): the month a report is normally drafted for. */
function previousMonth(now = new Date()): string {
  const j = new Date(now.getTime() + 9 * 3600_000);
  const y = j.getUTCFullYear();
  const m = j.getUTCMonth();
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
}

/** 作成: the vendor's team drafts a month that is over (the server refuses a month not yet over, naming the field). */
function DraftForm() {
  const t = useRT();
  const qc = useQueryClient();
  const nav = useNavigate();
  const [month, setMonth] = useState(previousMonth());
  const m = useMutation({
    mutationFn: () => draftReport(month),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: ['reports'] });
      nav(`/reports/monthly/${r.month}`);
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;
  return (
    <Group align="flex-end" gap="xs" data-testid="rep-draft-form">
      <TextInput
        type="month"
        label={t('rep.month')}
        value={month}
        onChange={(e) => setMonth(e.currentTarget.value)}
        error={err?.fields.month ?? (err && !Object.keys(err.fields).length ? err.message : undefined)}
        w={200}
        data-testid="rep-draft-month"
      />
      <Button onClick={() => m.mutate()} loading={m.isPending} disabled={!month} data-testid="rep-draft">
        {t('rep.create')}
      </Button>
    </Group>
  );
}

/** 月次報告の一覧: every month's report with its state and whose turn it is. */
function ReportList() {
  const t = useRT();
  const tg = useT();
  const fmt = useDateTime();
  const q = useQuery({ queryKey: ['reports', 'list'], queryFn: ({ signal }) => listReports(signal) });
  if (q.isPending) return <PageLoader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  return (
    <Stack gap="md" data-testid="reports-screen">
      <Stack gap={2}>
        <Group justify="space-between">
          <Title order={2}>{t('rep.title')}</Title>
          <Anchor component={Link} to="/reports/halfyear" size="sm" data-testid="rep-to-halfyear">
            半期報告 / Half-year reports
          </Anchor>
        </Group>
        <Text size="sm" c="dimmed">
          {t('rep.lead')}
        </Text>
      </Stack>
      {q.data.canDraft && (
        <Section title={t('rep.new')}>
          <Stack gap={4}>
            <Text size="xs" c="dimmed">
              {t('rep.new.hint')}
            </Text>
            <DraftForm />
          </Stack>
        </Section>
      )}
      <Section title={t('rep.list')} testId="rep-list">
        {q.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('rep.none')}
          </Text>
        ) : (
          <Table striped highlightOnHover withTableBorder fz="sm" data-testid="reports-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('rep.month')}</Table.Th>
                <Table.Th>{t('rep.state')}</Table.Th>
                <Table.Th>{t('rep.waiting')}</Table.Th>
                <Table.Th>{t('rep.assembledAt')}</Table.Th>
                <Table.Th>{t('rep.submittedBy')}</Table.Th>
                <Table.Th>{t('rep.approvedAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.items.map((r) => (
                <Table.Tr key={r.id} data-testid="report-row" data-month={r.month}>
                  <Table.Td {...nowrap}>
                    <Anchor component={Link} to={`/reports/monthly/${r.month}`} fw={600}>
                      {r.month}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={r.state} label={r.stateLabel} />
                    {r.error && (
                      <Badge ml={6} color="red" tt="none" variant="light">
                        {r.error.slice(0, 40)}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td data-testid="report-waiting">{r.waitingFor.length ? r.waitingFor.map((x) => roleLabel(tg, x)).join('・') : '—'}</Table.Td>
                  <Table.Td {...nowrap}>{r.snapshotAt ? fmt(r.snapshotAt) : '—'}</Table.Td>
                  <Table.Td>{r.submittedByLabel ?? '—'}</Table.Td>
                  <Table.Td {...nowrap}>{r.approvedAt ? fmt(r.approvedAt) : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
    </Stack>
  );
}

/** 月次報告 (/reports/*): the list of months and one page per report (/reports/monthly/:month or :id); 半期報告 under /reports/halfyear. */
export default function ReportsScreen() {
  return (
    <Routes>
      <Route index element={<ReportList />} />
      <Route path="monthly/:ref" element={<ReportPage />} />
      <Route path="halfyear" element={<HalfyearList />} />
      <Route path="halfyear/:ref" element={<HalfyearPage />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
