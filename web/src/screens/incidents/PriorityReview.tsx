import { Alert, Anchor, Badge, Button, Checkbox, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LedgerTable } from '../../components/LedgerTable';
import { ListFooter } from '../../components/ListFooter';
import { ListPage } from '../../components/ListPage';
import { PAGE_SIZE, useListParams } from '../../components/useListParams';
import { useDateTime } from '../../i18n';
import { userRoleCodes, useUser } from '../../session';
import { Flash, OverdueBadge, PriorityBadge, StateBadge } from './common';
import { useIT } from './i18n';
import { listOpenTroubles, reprioritise, type TroubleRow, type Urgency, URGENCY_KEYS } from './opsApi';
import { useOpsT } from './opsI18n';

const NO_URGENCY: Urgency = { citizenServiceStopped: false, citizenImpact: false, financialOrReputation: false, wideImpact: false };
const isHigh = (u: Urgency) => URGENCY_KEYS.some((k) => u[k]);

/** The criteria that hold, as short badges (the full wording is their tooltip). */
function Criteria({ urgency }: { urgency: Urgency | null }) {
  const o = useOpsT();
  const it = useIT();
  const held = URGENCY_KEYS.filter((k) => urgency?.[k]);
  if (held.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="criteria-none">
        {o('pr.crit.none')}
      </Text>
    );
  }
  return (
    <Group gap={4} wrap="nowrap">
      {held.map((k) => (
        <Badge key={k} size="sm" variant="light" color="red" tt="none" title={it(`inc.urg.${k}`)} data-testid={`criterion-${k}`}>
          {o(`pr.short.${k}`)}
        </Badge>
      ))}
    </Group>
  );
}

/** The re-assessment dialog: the four INC-5 criteria, the priority they give, and the reason. */
function ReviewDialog({ row, onClose, onDone, onStale }: { row: TroubleRow | null; onClose: () => void; onDone: (r: TroubleRow) => void; onStale: () => void }) {
  const o = useOpsT();
  const it = useIT();
  const [urgency, setUrgency] = useState<Urgency>(NO_URGENCY);
  const [reason, setReason] = useState('');
  const [shownFor, setShownFor] = useState<string | null>(null);
  if (row && shownFor !== row.id) {
    setShownFor(row.id);
    setUrgency(row.urgency ?? NO_URGENCY);
    setReason('');
  }
  const m = useMutation({
    mutationFn: () => reprioritise(row!.id, { version: row!.version, urgency, reason: reason.trim() }),
    onSuccess: (r) => {
      m.reset();
      onDone(r);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409 && e.code === 'conflict') {
        m.reset();
        onStale();
      }
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;
  const close = () => {
    m.reset();
    setShownFor(null);
    onClose();
  };
  const next = isHigh(urgency) ? 'high' : 'low';
  return (
    <Modal opened={!!row} onClose={close} title={row ? o('pr.dialog.title', { receiptNo: row.receiptNo }) : ''} size="lg" data-testid="priority-dialog">
      {row && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate();
          }}
        >
          <Stack gap="sm">
            <Text size="sm" fw={600}>
              {row.title}
            </Text>
            <ErrorAlert error={err && Object.keys(err.fields).length ? null : m.error} testId="priority-error" />
            <Stack gap={6} data-testid="priority-criteria">
              <Text size="sm" fw={600}>
                {o('pr.criteria')}
              </Text>
              {URGENCY_KEYS.map((k) => (
                <Checkbox
                  key={k}
                  label={it(`inc.urg.${k}`)}
                  checked={urgency[k]}
                  onChange={(e) => {
                    const checked = e.currentTarget.checked;
                    setUrgency((u) => ({ ...u, [k]: checked }));
                  }}
                  data-testid={`urgency-${k}`}
                />
              ))}
              {err?.fields.urgency && (
                <Text size="sm" c="red">
                  {err.fields.urgency}
                </Text>
              )}
            </Stack>
            <Group gap={6} data-testid="priority-result" data-priority={next}>
              <Text size="sm">{o('pr.result', { p: it(`inc.pri.${next}`), was: row.priority ? it(`inc.pri.${row.priority}`) : '—' })}</Text>
              <PriorityBadge priority={next} />
            </Group>
            <Textarea
              label={o('pr.reason')}
              required
              autosize
              minRows={3}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={err?.fields.reason}
              data-testid="priority-reason"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {o('pr.cancel')}
              </Button>
              <Button type="submit" loading={m.isPending} data-testid="priority-submit">
                {o('pr.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/**
 * 優先度の見直し (N §3.2.3.4): the open troubles with their urgency criteria and priority; the
 * manager or the supervisor re-judges the four INC-5 criteria with a reason (the report plan follows
 * on the server). Everyone who reads incidents sees the list; only those two roles change it.
 */
export default function PriorityReview() {
  const o = useOpsT();
  const it = useIT();
  const fmt = useDateTime();
  const qc = useQueryClient();
  const user = useUser();
  const canReview = userRoleCodes(user).some((r) => r === 'vendor_manager' || r === 'supervisor');
  const { page, setPage } = useListParams();
  const [picked, setPicked] = useState<TroubleRow | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const list = useQuery({
    queryKey: ['incidents', 'priority-review', page],
    queryFn: ({ signal }) => listOpenTroubles(page, PAGE_SIZE, signal),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack gap="sm">
      {!canReview && (
        <Text size="sm" c="dimmed" data-testid="priority-readonly">
          {o('pr.onlyRoles')}
        </Text>
      )}
      <Flash message={flash} onClose={() => setFlash(null)} />
      {stale && (
        <Alert color="orange" variant="light" withCloseButton onClose={() => setStale(false)} data-testid="priority-stale">
          {o('pr.stale')}
        </Alert>
      )}
      <ListPage
        title={o('pr.title')}
        testId="priority-review"
        minWidth={980}
        toolbar={
          <Text size="sm" c="dimmed" maw={980}>
            {o('pr.intro')}
          </Text>
        }
        error={list.error}
        loading={list.isFetching}
        table={
          <LedgerTable
            rows={list.data?.items}
            empty={o('pr.none')}
            rowProps={(r) => ({ 'data-testid': 'priority-row', 'data-receipt': r.receiptNo, 'data-priority': r.priority ?? '' })}
            data-testid="priority-table"
            columns={[
              {
                key: 'receiptNo',
                header: it('inc.receiptNo'),
                td: { style: { whiteSpace: 'nowrap' } },
                render: (r) => (
                  <Anchor component={Link} to={`/incidents/${r.id}`} ff="monospace" size="sm">
                    {r.receiptNo}
                  </Anchor>
                ),
              },
              {
                key: 'title',
                header: it('inc.titleField'),
                ellipsis: 'grow',
                title: (r) => r.title,
                render: (r) => (
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" truncate>
                      {r.title}
                    </Text>
                    <OverdueBadge show={r.overdue} />
                  </Group>
                ),
              },
              { key: 'state', header: it('inc.state'), render: (r) => <StateBadge state={r.state} label={r.stateLabel} /> },
              { key: 'criteria', header: o('pr.col.criteria'), render: (r) => <Criteria urgency={r.urgency} /> },
              { key: 'priority', header: it('inc.priority'), render: (r) => <PriorityBadge priority={r.priority} /> },
              { key: 'level', header: o('pr.col.level'), render: (r) => r.serviceLevel ?? '—' },
              { key: 'detectedAt', header: it('inc.detectedAt'), td: { style: { whiteSpace: 'nowrap' } }, render: (r) => fmt(r.detectedAt) },
              ...(canReview
                ? [
                    {
                      key: 'action',
                      header: o('pr.col.action'),
                      render: (r: TroubleRow) => (
                        <Button size="compact-sm" variant="light" onClick={() => setPicked(r)} data-testid="priority-open">
                          {o('pr.review')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        }
        footer={list.data && <ListFooter total={list.data.total} page={page} pageSize={list.data.pageSize || PAGE_SIZE} onPage={setPage} />}
      />
      <ReviewDialog
        row={picked}
        onClose={() => setPicked(null)}
        onDone={async (r) => {
          setPicked(null);
          setStale(false);
          setFlash(o('pr.done', { receiptNo: r.receiptNo, p: r.priority ? it(`inc.pri.${r.priority}`) : '—' }));
          await qc.invalidateQueries({ queryKey: ['incidents'] });
        }}
        onStale={async () => {
          setPicked(null);
          setFlash(null);
          setStale(true);
          await qc.invalidateQueries({ queryKey: ['incidents'] });
        }}
      />
    </Stack>
  );
}
