import { Anchor, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { Section } from '../../workbench';
import { type L, useL } from './common';
import { getOwnerHome } from './requestsApi';

const NONE = { label: { ja: '監視なし', en: 'Not monitored' }, color: 'red' };
const MONITORING: Record<string, { label: L; color: string }> = {
  enabled: { label: { ja: '監視中', en: 'Monitored' }, color: 'green' },
  partial: { label: { ja: '一部監視中', en: 'Partly monitored' }, color: 'yellow' },
  disabled: { label: { ja: '監視停止中（開始前）', en: 'Disabled (not started)' }, color: 'gray' },
  none: NONE,
};

/** A system owner's home (issue 11 item 9): their systems, VMs, open requests with who each waits on, and the request buttons. */
export function OwnerHome() {
  const l = useL();
  const home = useQuery({ queryKey: ['portal', 'home'], queryFn: ({ signal }) => getOwnerHome(signal) });
  if (home.isPending) return <PageLoader />;
  if (!home.data) return <ErrorAlert error={home.error} />;
  const h = home.data;
  return (
    <Stack gap="md" data-testid="owner-home">
      <Group gap="xs" wrap="wrap" data-testid="owner-actions">
        <Button component={Link} to="/portal/requests/new?kind=provision" data-testid="owner-new-provision">
          {l({ ja: '仮想マシン払い出し申請', en: 'Request a VM' })}
        </Button>
        <Button component={Link} to="/portal/requests/new?kind=resource_change" variant="light" data-testid="owner-new-change">
          {l({ ja: 'リソース変更申請', en: 'Request a resource change' })}
        </Button>
        <Button component={Link} to="/portal" variant="light" data-testid="owner-plans">
          {l({ ja: '統合計画書', en: 'Integration plans' })}
        </Button>
        <Button component={Link} to="/portal/requests" variant="default">
          {l({ ja: '申請台帳', en: 'Request ledger' })}
        </Button>
      </Group>
      <Section title={l({ ja: '申請中の案件', en: 'Open requests' })} testId="owner-open">
        {h.openRequests.length + h.openPlans.length === 0 ? (
          <Text size="sm" c="dimmed">
            {l({ ja: '申請中の案件はありません。', en: 'Nothing open.' })}
          </Text>
        ) : (
          <Table withTableBorder fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{l({ ja: '番号', en: 'No.' })}</Table.Th>
                <Table.Th>{l({ ja: '件名', en: 'Title' })}</Table.Th>
                <Table.Th>{l({ ja: '状態', en: 'State' })}</Table.Th>
                <Table.Th>{l({ ja: '待っている相手', en: 'Waiting on' })}</Table.Th>
                <Table.Th>{l({ ja: '希望納期', en: 'Due' })}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {h.openRequests.map((r) => (
                <OpenRow key={r.id} testId="owner-open-request" to={`/portal/requests/${r.id}`} no={r.requestNo} item={r} due={r.dueOn} overdue={r.overdue} />
              ))}
              {h.openPlans.map((p) => (
                <OpenRow key={p.id} testId="owner-open-plan" to={`/portal/plans/${p.id}`} no={p.planNo} item={p} due="—" />
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
      <Section title={l({ ja: '所管システム', en: 'Your systems' })} testId="owner-systems">
        <Table withTableBorder fz="sm">
          <Table.Tbody>
            {h.systems.map((s) => (
              <Table.Tr key={s.id} data-testid="owner-system">
                <Table.Td fw={600}>
                  <Anchor component={Link} to={`/cmdb/systems/${s.id}`}>
                    {s.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {l({ ja: 'レベル', en: 'Level' })} {s.serviceLevel}
                </Table.Td>
                <Table.Td>
                  {l({ ja: '仮想マシン', en: 'VMs' })} {s.vmCount}
                </Table.Td>
                <Table.Td>
                  {s.approvedPlan ? l({ ja: '統合計画書 承認済', en: 'Plan approved' }) : l({ ja: '承認済の統合計画書なし', en: 'No approved plan' })}
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/portal/requests/new?kind=provision&systemId=${s.id}`} size="sm">
                    {l({ ja: '払い出し申請', en: 'Request a VM' })}
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
      <Section title={l({ ja: '仮想マシン', en: 'VMs' })} testId="owner-vms">
        <Table withTableBorder striped fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{l({ ja: '名前', en: 'Name' })}</Table.Th>
              <Table.Th>{l({ ja: 'システム', en: 'System' })}</Table.Th>
              <Table.Th>{l({ ja: 'レベル', en: 'Level' })}</Table.Th>
              <Table.Th>{l({ ja: 'ESXi サーバ', en: 'Host' })}</Table.Th>
              <Table.Th>{l({ ja: 'リソース', en: 'Resources' })}</Table.Th>
              <Table.Th>{l({ ja: '監視', en: 'Monitoring' })}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {h.vms.map((v) => {
              const m = MONITORING[v.monitoring] ?? NONE;
              return (
                <Table.Tr key={v.id} data-testid="owner-vm" data-name={v.name} data-monitoring={v.monitoring}>
                  <Table.Td ff="monospace">
                    <Anchor component={Link} to={`/cmdb/vms/${v.id}`}>
                      {v.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{v.systemName}</Table.Td>
                  <Table.Td>{v.level}</Table.Td>
                  <Table.Td>{v.hostName ?? '—'}</Table.Td>
                  <Table.Td>
                    {v.vcpu} vCPU / {v.memoryGib} GB / {v.diskGib} GB
                  </Table.Td>
                  <Table.Td>
                    <Badge color={m.color} variant="light" tt="none">
                      {l(m.label)}
                    </Badge>
                    {v.monitoringItems.total > 0 && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        {v.monitoringItems.enabled}/{v.monitoringItems.total}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/portal/requests/new?kind=resource_change&vmId=${v.id}`} size="sm">
                      {l({ ja: 'リソース変更', en: 'Change' })}
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Section>
    </Stack>
  );
}

export default OwnerHome;

/** One open request or plan of the owner: number, title, state, who it waits on (bold when it is the owner), due date. */
function OpenRow(props: {
  testId: string;
  to: string;
  no: string;
  item: { state: string; systemName: string; title: string; stateLabel: L; waitsOn: L };
  due: string;
  overdue?: boolean;
}) {
  const l = useL();
  const { item } = props;
  return (
    <Table.Tr data-testid={props.testId} data-state={item.state}>
      <Table.Td ff="monospace">
        <Anchor component={Link} to={props.to}>
          {props.no}
        </Anchor>
      </Table.Td>
      <Table.Td>
        {item.systemName}：{item.title}
      </Table.Td>
      <Table.Td>
        <Badge variant="light" tt="none">
          {l(item.stateLabel)}
        </Badge>
      </Table.Td>
      <Table.Td fw={item.waitsOn.ja.startsWith('あなた') ? 700 : undefined} data-testid="owner-waits-on">
        {l(item.waitsOn)}
      </Table.Td>
      <Table.Td c={props.overdue ? 'red.8' : undefined}>{props.due}</Table.Td>
    </Table.Tr>
  );
}
