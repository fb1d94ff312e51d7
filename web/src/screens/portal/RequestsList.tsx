import { Anchor, Badge, Button, Group, Select, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useUser } from '../../session';
import { Section } from '../../workbench';
import { useL } from './common';
import { listRequests, type RequestListQuery, requestsLedgerHref } from './requestsApi';

const STATES: { value: string; label: { ja: string; en: string } }[] = [
  { value: 'submitted', label: { ja: '受付（管理者の確認待ち）', en: 'Received' } },
  { value: 'supervisor_review', label: { ja: '統括責任者の判断待ち', en: 'Awaiting the supervisor' } },
  { value: 'instructed', label: { ja: '作業中', en: 'In work' } },
  { value: 'waiting_requester', label: { ja: '依頼元の確認待ち', en: 'Waiting on the requester' } },
  { value: 'completed', label: { ja: '完了報告済', en: 'Done' } },
  { value: 'closed', label: { ja: '完了', en: 'Closed' } },
  { value: 'rejected', label: { ja: '不可', en: 'Refused' } },
  { value: 'withdrawn', label: { ja: '取下げ', en: 'Withdrawn' } },
];

/** 申請台帳: the provisioning and resource-change requests the person may see, filtered, with XLSX/CSV export. */
export function RequestsList() {
  const l = useL();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const filter: RequestListQuery = {
    kind: (params.get('kind') as RequestListQuery['kind']) ?? undefined,
    state: params.get('state') ?? undefined,
    open: (params.get('open') as RequestListQuery['open']) ?? undefined,
  };
  const set = (k: string, v: string | null) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const list = useQuery({ queryKey: ['portal', 'requests', filter], queryFn: ({ signal }) => listRequests(filter, signal) });
  const owner = user.roles.some((r) => r.role === 'system_owner');
  return (
    <Stack gap="md" data-testid="requests-list">
      <Group justify="space-between">
        <Title order={2}>{l({ ja: '払い出し・リソース変更申請', en: 'VM and resource requests' })}</Title>
        <Group gap="xs">
          <Anchor component={Link} to="/portal" size="sm">
            {l({ ja: '統合計画書', en: 'Integration plans' })}
          </Anchor>
          {owner && (
            <>
              <Button component={Link} to="/portal/requests/new?kind=provision" size="sm" data-testid="new-provision">
                {l({ ja: '仮想マシン払い出し申請', en: 'Request a VM' })}
              </Button>
              <Button component={Link} to="/portal/requests/new?kind=resource_change" size="sm" variant="light" data-testid="new-change">
                {l({ ja: 'リソース変更申請', en: 'Request a resource change' })}
              </Button>
            </>
          )}
        </Group>
      </Group>
      <Section
        title={l({ ja: '申請台帳', en: 'Request ledger' })}
        action={
          <Group gap="xs">
            <Button component="a" href={requestsLedgerHref('xlsx', filter)} variant="default" size="xs" data-testid="export-xlsx" download>
              {l({ ja: 'XLSX 出力', en: 'Export XLSX' })}
            </Button>
            <Button component="a" href={requestsLedgerHref('csv', filter)} variant="default" size="xs" data-testid="export-csv" download>
              {l({ ja: 'CSV 出力', en: 'Export CSV' })}
            </Button>
          </Group>
        }
      >
        <Group align="end" mb="sm" wrap="wrap">
          <Select
            label={l({ ja: '種別', en: 'Kind' })}
            clearable
            w={220}
            value={filter.kind ?? null}
            onChange={(v) => set('kind', v)}
            data={[
              { value: 'provision', label: l({ ja: '仮想マシン払い出し申請', en: 'VM provisioning' }) },
              { value: 'resource_change', label: l({ ja: 'リソース変更申請', en: 'Resource change' }) },
            ]}
            data-testid="filter-kind"
          />
          <Select
            label={l({ ja: '状態', en: 'State' })}
            clearable
            w={220}
            value={filter.state ?? null}
            onChange={(v) => set('state', v)}
            data={STATES.map((s) => ({ value: s.value, label: l(s.label) }))}
            data-testid="filter-state"
          />
          <Switch
            label={l({ ja: '未完了のみ', en: 'Open only' })}
            checked={filter.open === 'true'}
            onChange={(e) => set('open', e.currentTarget.checked ? 'true' : null)}
            data-testid="filter-open"
          />
        </Group>
        {list.isPending ? (
          <PageLoader />
        ) : !list.data ? (
          <ErrorAlert error={list.error} />
        ) : list.data.items.length === 0 ? (
          <Text c="dimmed" size="sm" data-testid="requests-empty">
            {l({ ja: '該当する申請はありません。', en: 'No requests.' })}
          </Text>
        ) : (
          <Table striped withTableBorder fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{l({ ja: '申請番号', en: 'No.' })}</Table.Th>
                <Table.Th>{l({ ja: '種別', en: 'Kind' })}</Table.Th>
                <Table.Th>{l({ ja: 'システム', en: 'System' })}</Table.Th>
                <Table.Th>{l({ ja: '件名', en: 'Title' })}</Table.Th>
                <Table.Th>{l({ ja: '判断', en: 'Decided by' })}</Table.Th>
                <Table.Th>{l({ ja: '希望納期', en: 'Due' })}</Table.Th>
                <Table.Th>{l({ ja: '状態', en: 'State' })}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((r) => (
                <Table.Tr key={r.id} data-testid="request-row" data-state={r.state}>
                  <Table.Td ff="monospace">
                    <Anchor component={Link} to={`/portal/requests/${r.id}`}>
                      {r.requestNo}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{l(r.kindLabel)}</Table.Td>
                  <Table.Td>{r.systemName}</Table.Td>
                  <Table.Td>{r.title}</Table.Td>
                  <Table.Td>{r.route === 'supervisor' ? l({ ja: '統括責任者', en: 'Supervisor' }) : l({ ja: '運用管理者', en: 'Manager' })}</Table.Td>
                  <Table.Td c={r.overdue ? 'red.8' : undefined}>{r.dueOn}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" tt="none">
                      {l(r.stateLabel)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
    </Stack>
  );
}
