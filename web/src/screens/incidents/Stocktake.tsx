import { Anchor, Badge, Button, Card, Checkbox, Group, SimpleGrid, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LedgerTable } from '../../components/LedgerTable';
import { useDateTime } from '../../i18n';
import { userRoleCodes, useUser } from '../../session';
import { Flash, PriorityBadge, Section } from './common';
import { labelOf, useIT } from './i18n';
import { getStocktakeNow, listStocktakes, recordStocktake, type StocktakeNow, type StocktakeRecord } from './opsApi';
import { useOpsT } from './opsI18n';

type Row = StocktakeNow['undispatched'][number];

function IncidentList({ title, rows, testId, extra, tone }: { title: string; rows: Row[]; testId: string; extra: (r: Row) => ReactNode; tone: 'red' | 'orange' | 'gray' }) {
  const o = useOpsT();
  return (
    <Card withBorder padding="sm" data-testid={testId}>
      <Group gap={6} mb={6} wrap="nowrap">
        <Text fw={700} size="sm">
          {title}
        </Text>
        <Badge size="sm" color={rows.length ? tone : 'gray'} variant={rows.length ? 'filled' : 'light'} data-testid={`${testId}-count`}>
          {rows.length}
        </Badge>
      </Group>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {o('st.none')}
        </Text>
      ) : (
        <Stack gap={4}>
          {rows.map((r) => (
            <Stack key={r.id} gap={0} data-testid={`${testId}-row`}>
              <Group gap={6} wrap="nowrap">
                <Anchor component={Link} to={`/incidents/${r.id}`} ff="monospace" size="sm">
                  {r.receiptNo}
                </Anchor>
                {r.class === 'trouble' && <PriorityBadge priority={r.priority} />}
                <Text size="sm" truncate style={{ flex: 1, minWidth: 0 }} title={r.title}>
                  {r.title}
                </Text>
              </Group>
              <Text size="xs" c="dimmed">
                {extra(r)}
              </Text>
            </Stack>
          ))}
        </Stack>
      )}
    </Card>
  );
}

/** 棚卸の記録: at risk → the supervisor is told by mail (server); the corrective action is kept. */
function RecordForm({ now, onDone }: { now: StocktakeNow; onDone: (r: StocktakeRecord) => void }) {
  const o = useOpsT();
  const [touched, setTouched] = useState(false);
  const [atRisk, setAtRisk] = useState(false);
  const [note, setNote] = useState('');
  const [corrective, setCorrective] = useState('');
  // Until the manager decides, the box follows what the stocktake shows (any overdue incident).
  const risk = touched ? atRisk : now.overdue.length > 0;
  const m = useMutation({
    mutationFn: () => recordStocktake({ atRisk: risk, note: note.trim() || undefined, correctiveAction: corrective.trim() || undefined }),
    onSuccess: (r) => {
      setTouched(false);
      setNote('');
      setCorrective('');
      m.reset();
      onDone(r);
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate();
      }}
      data-testid="stocktake-form"
    >
      <Stack gap="sm" maw={820}>
        <ErrorAlert error={err && Object.keys(err.fields).length ? null : m.error} testId="stocktake-error" />
        <Text size="xs" c="dimmed">
          {o('st.rule')}
        </Text>
        <Checkbox
          label={o('st.atRisk')}
          checked={risk}
          onChange={(e) => {
            setTouched(true);
            setAtRisk(e.currentTarget.checked);
          }}
          data-testid="stocktake-atRisk"
        />
        <Textarea
          label={o('st.note')}
          description={o('st.noteHint')}
          required={risk}
          autosize
          minRows={2}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          error={err?.fields.note}
          data-testid="stocktake-note"
        />
        <Textarea
          label={o('st.corrective')}
          autosize
          minRows={2}
          value={corrective}
          onChange={(e) => setCorrective(e.currentTarget.value)}
          error={err?.fields.correctiveAction}
          data-testid="stocktake-corrective"
        />
        <Group justify="flex-end">
          <Button type="submit" loading={m.isPending} data-testid="stocktake-submit">
            {o('st.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function History({ items }: { items: StocktakeRecord[] | undefined }) {
  const o = useOpsT();
  const fmt = useDateTime();
  return (
    <Table.ScrollContainer minWidth={900}>
      <LedgerTable
        rows={items?.map((r) => ({ ...r, id: String(r.id) }))}
        empty={o('st.h.none')}
        rowProps={(r) => ({ 'data-testid': 'stocktake-record', 'data-at-risk': String(r.atRisk), 'data-auto': String(r.byId === null) })}
        data-testid="stocktake-history"
        columns={[
          { key: 'at', header: o('st.h.at'), td: { style: { whiteSpace: 'nowrap' } }, render: (r) => fmt(r.at) },
          {
            key: 'by',
            header: o('st.h.by'),
            ellipsis: 180,
            title: (r) => r.byLabel,
            render: (r) => (
              <Group gap={4} wrap="nowrap">
                <Text size="sm" truncate>
                  {r.byLabel}
                </Text>
                {r.byId === null && (
                  <Badge size="sm" variant="outline" tt="none">
                    {o('st.h.auto')}
                  </Badge>
                )}
              </Group>
            ),
          },
          { key: 'undispatched', header: o('st.h.undispatched'), title: (r) => r.undispatched.join('、'), render: (r) => o('st.h.count', { n: r.undispatched.length }) },
          { key: 'overdue', header: o('st.h.overdue'), title: (r) => r.overdue.join('、'), render: (r) => o('st.h.count', { n: r.overdue.length }) },
          {
            key: 'atRisk',
            header: o('st.h.atRisk'),
            render: (r) =>
              r.atRisk ? (
                <Group gap={4} wrap="nowrap">
                  <Badge color="red" size="sm" tt="none">
                    {o('st.h.risk')}
                  </Badge>
                  {r.mailId && (
                    <Badge color="blue" variant="light" size="sm" tt="none" data-testid="stocktake-reported">
                      {o('st.h.reported')}
                    </Badge>
                  )}
                </Group>
              ) : (
                <Text size="sm" c="dimmed">
                  {o('st.h.noRisk')}
                </Text>
              ),
          },
          { key: 'note', header: o('st.h.note'), ellipsis: 'grow', title: (r) => r.note, render: (r) => r.note ?? '—' },
          { key: 'corrective', header: o('st.h.corrective'), ellipsis: 180, title: (r) => r.correctiveAction, render: (r) => r.correctiveAction ?? '—' },
        ]}
      />
    </Table.ScrollContainer>
  );
}

/**
 * 進捗管理 — the daily stocktake (INC-9, N §3.2.3.5): what is undispatched and what is past its due
 * date, action plan or report deadline now; recording it with the findings and the corrective action
 * (the supervisor is mailed when the quality targets are at risk); the stocktakes recorded so far,
 * the automatic ones of each business day's opening among them.
 */
export default function Stocktake() {
  const o = useOpsT();
  const it = useIT();
  const fmt = useDateTime();
  const qc = useQueryClient();
  const user = useUser();
  const canRecord = userRoleCodes(user).some((r) => r === 'vendor_manager' || r === 'vendor_lead');
  const [flash, setFlash] = useState<string | null>(null);
  const now = useQuery({ queryKey: ['incidents', 'stocktake'], queryFn: ({ signal }) => getStocktakeNow(signal), refetchInterval: 60_000 });
  const history = useQuery({ queryKey: ['incidents', 'stocktakes'], queryFn: ({ signal }) => listStocktakes(signal), retry: false });
  const historyHidden = history.error instanceof ApiError && history.error.status === 403;
  const reasons = (r: Row) =>
    ((r as StocktakeNow['overdue'][number]).reasons ?? []).map((x) => labelOf(it, `inc.reason.${x}`, x)).join('・');
  return (
    <Stack gap="md" data-testid="stocktake">
      <Title order={2}>{o('st.title')}</Title>
      <Text size="sm" c="dimmed" maw={980}>
        {o('st.intro')}
      </Text>
      <Flash message={flash} onClose={() => setFlash(null)} />
      <ErrorAlert error={now.error} />
      {now.data && (
        <Section title={o('st.now', { at: fmt(now.data.at) })} testId="stocktake-now">
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
            <IncidentList title={o('st.overdue')} rows={now.data.overdue} testId="st-overdue" tone="red" extra={reasons} />
            <IncidentList title={o('st.undispatched')} rows={now.data.undispatched} testId="st-undispatched" tone="orange" extra={(r) => o('st.registeredAt', { at: fmt(r.registeredAt) })} />
            <IncidentList title={o('st.awaiting')} rows={now.data.awaitingClose} testId="st-awaiting" tone="orange" extra={(r) => o('st.registeredAt', { at: fmt(r.registeredAt) })} />
          </SimpleGrid>
        </Section>
      )}
      {now.data && (
        <Section title={o('st.record')} testId="stocktake-record-section">
          {canRecord ? (
            <RecordForm
              now={now.data}
              onDone={async (r) => {
                setFlash(o(r.mailId ? 'st.doneMail' : 'st.done'));
                await qc.invalidateQueries({ queryKey: ['incidents', 'stocktakes'] });
              }}
            />
          ) : (
            <Text size="sm" c="dimmed" data-testid="stocktake-readonly">
              {o('st.onlyManager')}
            </Text>
          )}
        </Section>
      )}
      {!historyHidden && (
        <Section title={o('st.history')} testId="stocktake-history-section">
          <ErrorAlert error={history.error} />
          <History items={history.data?.items} />
        </Section>
      )}
    </Stack>
  );
}
