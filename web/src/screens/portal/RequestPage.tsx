import { Alert, Anchor, Badge, Group, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { Flash, ProcessHistory, ProcessSection, Section, useRecordPage } from '../../workbench';
import { NotFoundScreen } from '../NotFoundScreen';
import { type L, useL } from './common';
import { RequestCorrection } from './RequestForm';
import { actOnRequest, getRequest, type PlacementView, type Report, type RequestDetail } from './requestsApi';

const PLAN_STATUS: Record<string, { label: L; color: string }> = {
  match: { label: { ja: '承認済の統合計画書の通り（管理者が作業指示）', en: 'As the approved plan says (the manager instructs)' }, color: 'green' },
  different: { label: { ja: '計画と異なる（統括責任者が判断）', en: 'Differs from the plan (the supervisor decides)' }, color: 'orange' },
  not_in_plan: { label: { ja: '計画にない（統括責任者が判断）', en: 'Not in the plan (the supervisor decides)' }, color: 'orange' },
  no_plan: { label: { ja: '承認済の統合計画書がない（統括責任者が判断）', en: 'No approved plan (the supervisor decides)' }, color: 'orange' },
};
const RES_ROWS: { key: string; label: L }[] = [
  { key: 'cpu', label: { ja: 'CPU（vCPU）', en: 'CPU (vCPU)' } },
  { key: 'memoryGb', label: { ja: 'メモリ（GB）', en: 'Memory (GB)' } },
  { key: 'diskGb', label: { ja: 'ディスク（GB）', en: 'Disk (GB)' } },
  { key: 'nics', label: { ja: 'NIC 数', en: 'NICs' } },
];
const CHECKS: Record<string, { value: string; label: L }[]> = {
  provision: [
    { value: 'template', label: { ja: 'テンプレートからの仮想マシン作成', en: 'VM created from the template' } },
    {
      value: 'antivirus',
      label: { ja: 'アンチウイルスソフトの提供（県庁 LAN に接続する仮想マシンのみ）', en: 'Antivirus provided (prefectural-LAN VMs only)' },
    },
    { value: 'migration_tool', label: { ja: '移行ツールの提供（移行に伴う払い出し）', en: 'Migration tool provided (migrations)' } },
    { value: 'media', label: { ja: 'インストールメディアの提供（要望があった場合）', en: 'Install media provided (if asked)' } },
  ],
  resource_change: [
    { value: 'backup', label: { ja: '変更前のバックアップ取得', en: 'Backup taken before the change' } },
    { value: 'resources', label: { ja: 'CPU・メモリ・ディスク・NIC の変更作業', en: 'CPU / memory / disk / NIC changed' } },
  ],
};
const pct = (n: number | null) => (n === null ? '—' : `${n}%`);

function SpecSection({ r }: { r: RequestDetail }) {
  const l = useL();
  const s = r.spec as Record<string, unknown>;
  const yes = (b: unknown) => (b ? l({ ja: 'あり', en: 'yes' }) : l({ ja: 'なし', en: 'no' }));
  const rows: [L, string][] =
    r.kind === 'provision'
      ? [
          [{ ja: 'ホスト名', en: 'Host name' }, String(s.hostName)],
          [{ ja: 'インスタンス名（命名規則）', en: 'Instance name' }, String(s.vmName)],
          [{ ja: 'IPアドレス', en: 'IP' }, String(s.ip ?? '—')],
          [{ ja: 'OS', en: 'OS' }, String(s.osCode)],
          [{ ja: 'テンプレート', en: 'Template' }, String(r.templateCode ?? '—')],
          [{ ja: 'リソース', en: 'Resources' }, `${s.cpu} vCPU / ${s.memoryGb} GB / ${s.diskGb} GB / NIC ${s.nics}`],
          [{ ja: '環境', en: 'Site' }, s.site === 'sub' ? l({ ja: 'サブ', en: 'sub' }) : l({ ja: 'メイン', en: 'main' })],
          [{ ja: 'ホスト固定', en: 'Pinned to' }, String(s.hostPinning ?? '—')],
          [{ ja: 'HA / SRM', en: 'HA / SRM' }, `${yes(s.ha)} / ${yes(s.srm)}`],
          [{ ja: '県庁 LAN', en: 'Prefectural LAN' }, yes(s.lanConnected)],
          [{ ja: '移行に伴う', en: 'Migration' }, yes(s.migration)],
          [{ ja: '監視項目', en: 'Monitoring' }, ((s.monitoring as string[]) ?? []).join(', ') || '—'],
          [{ ja: '備考', en: 'Note' }, String(s.note || '—')],
        ]
      : RES_ROWS.map((x) => [x.label, `${(r.current as Record<string, number> | null)?.[x.key] ?? '—'} → ${s[x.key]}`] as [L, string]).concat([
          [{ ja: '備考', en: 'Note' }, String(s.note || '—')],
        ]);
  return (
    <Section title={l({ ja: '申請内容', en: 'Request' })} testId="req-spec">
      <Table withTableBorder fz="sm">
        <Table.Tbody>
          {rows.map(([k, val]) => (
            <Table.Tr key={k.ja}>
              <Table.Th w={220}>{l(k)}</Table.Th>
              <Table.Td>{val}</Table.Td>
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Th>{l({ ja: '希望納期', en: 'Due' })}</Table.Th>
            <Table.Td>{r.dueOn}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{l({ ja: '申請者', en: 'Requested by' })}</Table.Th>
            <Table.Td>{r.createdByLabel}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </Section>
  );
}

function PlanCheckSection({ r }: { r: RequestDetail }) {
  const l = useL();
  const st = PLAN_STATUS[r.planCheck.status] ?? { label: { ja: r.planCheck.status, en: r.planCheck.status }, color: 'gray' };
  return (
    <Section title={l({ ja: '統合計画書との照合', en: 'Plan check' })} testId="req-plan-check">
      <Group gap="xs" mb="xs">
        <Badge color={st.color} variant="light" tt="none" size="lg" data-testid="req-plan-status" data-status={r.planCheck.status}>
          {l(st.label)}
        </Badge>
        {r.planCheck.planNo && (
          <Text size="sm" ff="monospace">
            {r.planCheck.planNo}
          </Text>
        )}
      </Group>
      {r.planCheck.differences.length > 0 && (
        <Table withTableBorder fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{l({ ja: '項目', en: 'Field' })}</Table.Th>
              <Table.Th>{l({ ja: '計画', en: 'Plan' })}</Table.Th>
              <Table.Th>{l({ ja: '申請', en: 'Requested' })}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.planCheck.differences.map((d) => (
              <Table.Tr key={d.field}>
                <Table.Td>{d.label}</Table.Td>
                <Table.Td>{String(d.plan ?? '—')}</Table.Td>
                <Table.Td>{String(d.requested ?? '—')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}

/** リソース使用状況報告: what the request does to its cluster (allocation and N-1), before and after. */
function ReportSection({ report }: { report: Report | null }) {
  const l = useL();
  if (!report)
    return (
      <Section title={l({ ja: 'リソース使用状況報告', en: 'Resource report' })} testId="req-report">
        <Text size="sm" c="orange">
          {l({ ja: '置ける ESXi サーバがないため報告を作れません（配置の提案の理由を参照）。', en: 'No host could take it: see the placement reasons.' })}
        </Text>
      </Section>
    );
  const rows: { label: L; b: string; a: string; bad?: boolean }[] = [
    {
      label: { ja: 'CPU 割当', en: 'CPU allocation' },
      b: pct(report.before.cpuPercent),
      a: pct(report.after.cpuPercent),
      bad: (report.after.cpuPercent ?? 0) >= report.thresholds.cpu,
    },
    {
      label: { ja: 'メモリ割当', en: 'Memory allocation' },
      b: pct(report.before.memoryPercent),
      a: pct(report.after.memoryPercent),
      bad: (report.after.memoryPercent ?? 0) >= report.thresholds.memory,
    },
    {
      label: { ja: 'ディスク割当', en: 'Disk allocation' },
      b: pct(report.before.diskPercent),
      a: pct(report.after.diskPercent),
      bad: (report.after.diskPercent ?? 0) >= report.thresholds.disk,
    },
    {
      label: { ja: 'N-1（1台停止時の再起動）', en: 'N-1 (one host lost)' },
      b: report.before.n1Ok ? l({ ja: '保てる', en: 'kept' }) : l({ ja: '保てない', en: 'broken' }),
      a: report.after.n1Ok ? l({ ja: '保てる', en: 'kept' }) : l({ ja: '保てない', en: 'broken' }),
      bad: !report.after.n1Ok,
    },
  ];
  return (
    <Section title={l({ ja: 'リソース使用状況報告（統括責任者の判断材料）', en: 'Resource report (for the supervisor)' })} testId="req-report">
      <Text size="sm" mb="xs">
        {report.siteName} / {l({ ja: 'クラスタ', en: 'cluster' })} <b>{report.clusterName}</b>（{l({ ja: 'ESXi', en: 'hosts' })} {report.hostCount}
        {l({ ja: '台', en: '' })}）/ {l({ ja: '配置先', en: 'host' })} {report.hostName}　{l({ ja: '増減', en: 'Change' })} {report.delta.vcpu >= 0 ? '+' : ''}
        {report.delta.vcpu} vCPU, {report.delta.memoryGib >= 0 ? '+' : ''}
        {report.delta.memoryGib} GB, {report.delta.diskGib >= 0 ? '+' : ''}
        {report.delta.diskGib} GB
      </Text>
      <Table withTableBorder fz="sm" data-testid="req-report-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            <Table.Th>{l({ ja: '申請前', en: 'Before' })}</Table.Th>
            <Table.Th>{l({ ja: '申請後', en: 'After' })}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((x) => (
            <Table.Tr key={x.label.ja}>
              <Table.Th>{l(x.label)}</Table.Th>
              <Table.Td>{x.b}</Table.Td>
              <Table.Td c={x.bad ? 'red.8' : undefined} fw={x.bad ? 700 : undefined}>
                {x.a}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt={4}>
        {l({ ja: 'しきい値', en: 'Thresholds' })} CPU {report.thresholds.cpu}% / {l({ ja: 'メモリ', en: 'memory' })} {report.thresholds.memory}% /{' '}
        {l({ ja: 'ディスク', en: 'disk' })} {report.thresholds.disk}%
        {report.after.worst
          ? `　${l({ ja: '最も厳しい停止', en: 'Worst loss' })}: ${report.after.worst.hostName}（${l({ ja: '不足', en: 'short' })} ${report.after.worst.memoryGib} GB）`
          : ''}
      </Text>
      {report.warnings.map((w) => (
        <Alert key={w.ja} color="orange" variant="light" mt="xs" data-testid="req-report-warning">
          {l(w)}
        </Alert>
      ))}
    </Section>
  );
}

/** 配置の提案: site, cluster and host with the reasons, and every candidate host. */
function PlacementSection({ p, live }: { p: PlacementView | null; live: boolean }) {
  const l = useL();
  if (!p) return null;
  return (
    <Section title={l({ ja: '配置の提案', en: 'Placement proposal' })} testId="req-placement">
      <Group gap="xs" mb="xs">
        <Badge color={p.ok ? 'blue' : 'red'} variant="light" tt="none" size="lg" data-testid="req-proposed-host">
          {p.ok ? `${p.siteName} / ${p.clusterName} / ${p.hostName}` : l({ ja: '置ける ESXi サーバがありません', en: 'No host can take it' })}
        </Badge>
        {p.drs && (
          <Badge variant="outline" tt="none">
            DRS
          </Badge>
        )}
        {live && (
          <Text size="xs" c="dimmed">
            {l({ ja: '現在の構成で再計算', en: 'recomputed on the current estate' })}
          </Text>
        )}
      </Group>
      <List size="sm" spacing={2} data-testid="req-placement-reasons">
        {p.reasons.map((x) => (
          <List.Item key={x.ja}>{l(x)}</List.Item>
        ))}
      </List>
      {p.candidates.length > 0 && (
        <Table withTableBorder fz="xs" mt="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>ESXi</Table.Th>
              <Table.Th>{l({ ja: 'クラスタ', en: 'Cluster' })}</Table.Th>
              <Table.Th>A / B / C</Table.Th>
              <Table.Th>{l({ ja: '空き vCPU', en: 'Free vCPU' })}</Table.Th>
              <Table.Th>{l({ ja: '空きメモリ GB', en: 'Free mem GB' })}</Table.Th>
              <Table.Th>N-1</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {p.candidates.map((c) => (
              <Table.Tr key={c.hostId} fw={c.chosen ? 700 : undefined} bg={c.chosen ? 'var(--mantine-color-blue-light)' : undefined}>
                <Table.Td>
                  {c.hostName}
                  {c.chosen ? l({ ja: '（提案）', en: ' (proposed)' }) : ''}
                </Table.Td>
                <Table.Td>{c.clusterName}</Table.Td>
                <Table.Td>
                  {c.levels.A} / {c.levels.B} / {c.levels.C}
                </Table.Td>
                <Table.Td>{c.freeVcpu}</Table.Td>
                <Table.Td c={c.fits ? undefined : 'red.8'}>{c.freeMemoryGib}</Table.Td>
                <Table.Td c={c.n1Ok ? undefined : 'red.8'}>{c.n1Ok ? '○' : '×'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}

function ChecklistSection({ r }: { r: RequestDetail }) {
  const l = useL();
  // The step's own field (with the process's labels) when the person may take it; otherwise the same items by key.
  const name = r.kind === 'provision' ? 'checklist' : 'changeChecklist';
  const field = r.process.actions.flatMap((a) => a.fields).find((f) => f.name === name);
  const options = field?.options ?? CHECKS[r.kind] ?? [];
  const done = r.checklist ?? {};
  const s = r.spec as Record<string, unknown>;
  const needed = (v: string) => (v === 'antivirus' ? !!s.lanConnected : v === 'migration_tool' ? !!s.migration : v === 'media' ? !!s.media : true);
  return (
    <Section title={l({ ja: '作業チェック', en: 'Work checklist' })} testId="req-checklist">
      <List size="sm" spacing={2}>
        {options.map((o) => (
          <List.Item key={o.value} data-testid={`req-check-${o.value}`} data-done={!!done[o.value]}>
            {done[o.value] ? '☑' : '☐'} {l(o.label)}
            {r.kind === 'provision' && !needed(o.value) && (
              <Text span size="xs" c="dimmed">{`　${l({ ja: '（この申請では不要）', en: ' (not needed here)' })}`}</Text>
            )}
          </List.Item>
        ))}
      </List>
      {r.vm && (
        <Text size="sm" mt="xs">
          {l({ ja: '構成管理', en: 'CMDB' })}:{' '}
          <Anchor component={Link} to={`/cmdb/vms/${r.vm.id}`} data-testid="req-vm-link">
            {r.vm.name}
          </Anchor>
        </Text>
      )}
    </Section>
  );
}

/** The request's record page on the workbench scaffold: flow and steps, the decision material, the work. */
export function RequestPage() {
  const { id = '' } = useParams();
  const l = useL();
  const qc = useQueryClient();
  const page = useRecordPage<RequestDetail>({
    queryKey: ['portal', 'request', id],
    load: (signal) => getRequest(id, signal),
    act: (a, body) => actOnRequest(id, a, body),
    invalidate: [['portal']],
    // The completion dialog opens with the proposed host chosen (the live proposal, else the one kept with the request).
    initial: (r) => {
      const host = (r.livePlacement as PlacementView | null)?.hostId ?? (r.placement as PlacementView | null)?.hostId;
      return host ? { hostId: host } : {};
    },
  });
  const { rec, setAction, flash, setFlash } = page;
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const r = rec.data;
  const placement = (r.livePlacement ?? r.placement) as PlacementView | null;
  const vendorSide = r.report !== null || r.placement !== null;
  return (
    <Stack gap="md" data-testid="request-page" data-state={r.state} data-kind={r.kind}>
      <Anchor component={Link} to="/portal/requests" size="sm">
        ← {l({ ja: '申請台帳', en: 'Request ledger' })}
      </Anchor>
      <Group gap="xs">
        <Text ff="monospace" fw={700} data-testid="request-no">
          {r.requestNo}
        </Text>
        <Badge variant="light" tt="none">
          {l(r.kindLabel)}
        </Badge>
        <Badge variant="filled" tt="none" data-testid="request-state">
          {l(r.stateLabel)}
        </Badge>
      </Group>
      <Title order={2}>
        {r.systemName}：{r.title}
      </Title>
      {r.returnReason && r.state === 'waiting_requester' && (
        <Alert color="orange" data-testid="request-returned">
          {l({ ja: '確認依頼', en: 'Asked to check' })}：{r.returnReason}
        </Alert>
      )}
      {r.decisionReason && (
        <Alert color={r.state === 'rejected' ? 'red' : 'green'} variant="light">
          {l({ ja: '統括責任者の判断', en: "Supervisor's decision" })}：{r.decisionReason}
        </Alert>
      )}
      <Flash message={flash} onClose={() => setFlash(null)} />
      <ProcessSection view={r.process} onPick={setAction} testId="request-flow" />
      {r.editable && (
        <RequestCorrection
          key={r.version}
          r={r}
          onSaved={async () => {
            setFlash(l({ ja: '修正を保存しました。「再提出」で管理者へ戻します。', en: 'Saved. Resubmit to send it back.' }));
            await qc.invalidateQueries({ queryKey: ['portal'] });
            await page.refresh();
          }}
        />
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <SpecSection r={r} />
        <Stack gap="md">
          <PlanCheckSection r={r} />
          <ChecklistSection r={r} />
        </Stack>
      </SimpleGrid>
      {vendorSide && <ReportSection report={r.report as Report | null} />}
      {vendorSide && <PlacementSection p={placement} live={!!r.livePlacement} />}
      <Section title={l({ ja: '経過', en: 'History' })}>
        <ProcessHistory entries={r.process.history} />
      </Section>
      {page.dialog}
    </Stack>
  );
}
