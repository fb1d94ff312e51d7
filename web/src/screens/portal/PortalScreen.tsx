import { Alert, Anchor, Badge, Button, Checkbox, FileButton, Group, ScrollArea, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { Flash, ProcessSection, Section, useRecordPage } from '../../workbench';
import { NotFoundScreen } from '../NotFoundScreen';
import { type L, useL } from './common';
import { RequestForm } from './RequestForm';
import { RequestPage } from './RequestPage';
import { RequestsList } from './RequestsList';
import { actOnPlan, createPlan, getCatalog, getPlan, listPlans, previewPlanXlsx, listSystems, type PlanDetail, planXlsxHref, savePlan } from './portalApi';

const COLS: { key: string; label: L; width?: number }[] = [
  { key: 'hostName', label: { ja: 'ホスト名', en: 'Host name' }, width: 130 },
  { key: 'ip', label: { ja: 'IPアドレス', en: 'IP' }, width: 120 },
  { key: 'osCode', label: { ja: 'OS', en: 'OS' }, width: 110 },
  { key: 'edition', label: { ja: 'エディション', en: 'Edition' }, width: 100 },
  { key: 'templateCode', label: { ja: 'テンプレート', en: 'Template' }, width: 110 },
  { key: 'cpu', label: { ja: 'CPU', en: 'CPU' }, width: 60 },
  { key: 'memoryGb', label: { ja: 'メモリGB', en: 'Mem GB' }, width: 70 },
  { key: 'diskGb', label: { ja: 'ディスクGB', en: 'Disk GB' }, width: 80 },
  { key: 'site', label: { ja: '環境', en: 'Site' }, width: 80 },
  { key: 'hostPinning', label: { ja: 'ホスト固定', en: 'Pinned to' }, width: 100 },
  { key: 'monitoring', label: { ja: '監視項目', en: 'Monitoring' }, width: 140 },
  { key: 'mailAddresses', label: { ja: '通知先メール', en: 'Mail' }, width: 180 },
];
type EditRow = Record<string, unknown>;
const blankRow = (): EditRow => ({ hostName: '', ip: '', osCode: 'ws2022', edition: 'Standard', templateCode: 'n-windows', cpu: 2, memoryGb: 4, diskGb: 80, site: 'main', hostPinning: '', srm: false, ha: true, monitoring: 'ping', mailAddresses: '' });
const toEdit = (r: PlanDetail['rows'][number]): EditRow => ({ ...r, hostPinning: r.hostPinning ?? '', templateCode: r.templateCode ?? '', monitoring: r.monitoring.join(','), mailAddresses: r.mailAddresses.join(',') });

function PlanList() {
  const l = useL();
  const nav = useNavigate();
  const plans = useQuery({ queryKey: ['portal', 'plans'], queryFn: ({ signal }) => listPlans(signal) });
  const systems = useQuery({ queryKey: ['portal', 'systems'], queryFn: ({ signal }) => listSystems(signal) });
  const [systemId, setSystemId] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [until, setUntil] = useState('2031-03-31');
  const [err, setErr] = useState<unknown>(null);
  if (plans.isPending) return <PageLoader />;
  if (!plans.data) return <ErrorAlert error={plans.error} />;
  return (
    <Stack gap="md" data-testid="plan-list">
      <Group justify="space-between">
        <Title order={2}>{l({ ja: '統合計画書', en: 'Integration plans' })}</Title>
        <Group gap="md">
          <Anchor component={Link} to="/portal/requests" data-testid="portal-requests-link">{l({ ja: '払い出し・リソース変更申請', en: 'VM and resource requests' })}</Anchor>
          <Anchor component={Link} to="/portal/catalog">{l({ ja: 'テンプレート・使用可能な OS', en: 'Templates and OS list' })}</Anchor>
        </Group>
      </Group>
      <Section title={l({ ja: '一覧', en: 'Plans' })}>
        <Table striped withTableBorder fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{l({ ja: '番号', en: 'No.' })}</Table.Th>
              <Table.Th>{l({ ja: 'システム', en: 'System' })}</Table.Th>
              <Table.Th>{l({ ja: '件名', en: 'Title' })}</Table.Th>
              <Table.Th>{l({ ja: '仮想マシン数', en: 'VMs' })}</Table.Th>
              <Table.Th>{l({ ja: '状態', en: 'State' })}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plans.data.items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td ff="monospace"><Anchor component={Link} to={`/portal/plans/${p.id}`}>{p.planNo}</Anchor></Table.Td>
                <Table.Td>{p.systemName}</Table.Td>
                <Table.Td>{p.title}</Table.Td>
                <Table.Td>{p.rowCount}</Table.Td>
                <Table.Td><Badge variant="light" tt="none">{l(p.stateLabel)}</Badge></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
      {systems.data && systems.data.items.length > 0 && (
        <Section title={l({ ja: '新しい統合計画書（下書き）', en: 'New plan (draft)' })}>
          <Group align="end" wrap="wrap">
            <Select label={l({ ja: 'システム', en: 'System' })} data={systems.data.items.map((s) => ({ value: s.id, label: s.name }))} value={systemId} onChange={setSystemId} w={240} />
            <TextInput label={l({ ja: '件名', en: 'Title' })} value={title} onChange={(e) => setTitle(e.currentTarget.value)} w={240} />
            <TextInput label={l({ ja: '提供期間（終了日）', en: 'Provided until' })} value={until} onChange={(e) => setUntil(e.currentTarget.value)} w={140} />
            <Button
              onClick={async () => {
                try {
                  const p = await createPlan({ systemId: systemId ?? '', title, provisionUntil: until });
                  nav(`/portal/plans/${p.id}`);
                } catch (e) {
                  setErr(e);
                }
              }}
            >
              {l({ ja: '作成', en: 'Create' })}
            </Button>
          </Group>
          <ErrorAlert error={err} />
        </Section>
      )}
    </Stack>
  );
}

function RowTable({ plan, onSaved }: { plan: PlanDetail; onSaved: () => Promise<void> }) {
  const l = useL();
  const [rows, setRows] = useState<EditRow[]>(() => plan.rows.map(toEdit));
  const [fields, setFields] = useState<Record<string, string>>({});
  const [err, setErr] = useState<unknown>(null);
  /** Set while the editor holds rows read from an XLSX that are not saved yet. */
  const [imported, setImported] = useState<{ provisionUntil: string } | null>(null);
  const edit = plan.editable;
  const set = (i: number, k: string, v: unknown) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  const fail = (e: unknown) => {
    setErr(e);
    setFields(e instanceof ApiError ? e.fields : {});
  };
  const save = async () => {
    try {
      await savePlan(plan.id, {
        version: plan.version,
        rows: rows.map((r) => ({ ...r, monitoring: String(r.monitoring ?? ''), mailAddresses: String(r.mailAddresses ?? '') })),
        ...(imported ? { provisionUntil: imported.provisionUntil, imported: true } : {}),
      });
      setImported(null);
      setFields({});
      setErr(null);
      await onSaved();
    } catch (e) {
      fail(e);
    }
  };
  return (
    <Section
      title={l({ ja: '仮想マシン（1行に1台）', en: 'VMs (one a row)' })}
      testId="plan-rows"
      action={
        <Group gap="xs">
          <Button component="a" href={planXlsxHref(plan.id)} size="xs" variant="light" data-testid="plan-export">{l({ ja: 'XLSX 出力', en: 'Export XLSX' })}</Button>
          {edit && (
            <FileButton
              accept=".xlsx"
              onChange={async (f) => {
                if (!f) return;
                try {
                  const p = await previewPlanXlsx(plan.id, f);
                  setRows(p.rows.map((r) => toEdit({ ...r, overLimit: false } as PlanDetail['rows'][number])));
                  setImported({ provisionUntil: p.provisionUntil });
                  setFields({});
                  setErr(null);
                } catch (e) {
                  fail(e);
                }
              }}
            >
              {(props) => <Button {...props} size="xs" variant="light" data-testid="plan-import">{l({ ja: 'XLSX 取込み', en: 'Import XLSX' })}</Button>}
            </FileButton>
          )}
        </Group>
      }
    >
      <ScrollArea>
        <Table withTableBorder fz="xs" miw={1500} data-testid="plan-row-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              {COLS.map((c) => <Table.Th key={c.key}>{l(c.label)}</Table.Th>)}
              <Table.Th>SRM</Table.Th>
              <Table.Th>HA</Table.Th>
              {edit && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r, i) => (
              <Table.Tr key={i} data-testid={`plan-row-${i + 1}`} bg={plan.rows[i]?.overLimit ? 'var(--mantine-color-yellow-light)' : undefined}>
                <Table.Td>{i + 1}</Table.Td>
                {COLS.map((c) => {
                  const e = fields[`rows.${i + 1}.${c.key}`];
                  return (
                    <Table.Td key={c.key} valign="top">
                      {edit ? (
                        <TextInput size="xs" w={c.width} value={String(r[c.key] ?? '')} error={e} onChange={(ev) => set(i, c.key, ev.currentTarget.value)} aria-label={l(c.label)} />
                      ) : (
                        <Text size="xs">{String(r[c.key] ?? '')}</Text>
                      )}
                    </Table.Td>
                  );
                })}
                <Table.Td><Checkbox size="xs" disabled={!edit} checked={!!r.srm} onChange={(ev) => set(i, 'srm', ev.currentTarget.checked)} aria-label="SRM" /></Table.Td>
                <Table.Td><Checkbox size="xs" disabled={!edit} checked={!!r.ha} onChange={(ev) => set(i, 'ha', ev.currentTarget.checked)} aria-label="HA" /></Table.Td>
                {edit && <Table.Td><Button size="compact-xs" variant="subtle" color="red" onClick={() => setRows((rs) => rs.filter((_x, j) => j !== i))}>{l({ ja: '削除', en: 'Remove' })}</Button></Table.Td>}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      {plan.rows.some((r) => r.overLimit) && <Text size="xs" c="orange">{l({ ja: '黄色の行はテンプレートの上限を超えています（統括責任者が確認）。', en: 'Yellow rows exceed the template limits (checked by the supervisor).' })}</Text>}
      {imported && (
        <Alert color="blue" mt="xs" data-testid="plan-import-preview">
          {l({
            ja: `XLSX から ${rows.length} 行を読み込みました。まだ保存されていません。内容を確認し「下書き保存」で確定してください（提供期間: ${imported.provisionUntil} まで）。`,
            en: `${rows.length} rows read from the XLSX, not saved yet. Check them and confirm with “Save draft” (provision period until ${imported.provisionUntil}).`,
          })}
        </Alert>
      )}
      {err ? <Alert color="red" mt="xs" data-testid="plan-errors">{err instanceof ApiError ? [err.message, ...Object.values(err.fields)].map((m) => <div key={m}>{m}</div>) : String(err)}</Alert> : null}
      {edit && (
        <Group mt="xs">
          <Button size="xs" variant="light" onClick={() => setRows((rs) => [...rs, blankRow()])} data-testid="plan-add-row">{l({ ja: '行を追加', en: 'Add row' })}</Button>
          <Button size="xs" onClick={save} data-testid="plan-save">{l({ ja: '下書き保存', en: 'Save draft' })}</Button>
        </Group>
      )}
    </Section>
  );
}

function PlanPage() {
  const { id = '' } = useParams();
  const l = useL();
  const qc = useQueryClient();
  const page = useRecordPage<PlanDetail>({ queryKey: ['portal', 'plan', id], load: (signal) => getPlan(id, signal), act: (a, body) => actOnPlan(id, a, body), invalidate: [['portal']] });
  const { rec, setAction, flash, setFlash } = page;
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const p = rec.data;
  return (
    <Stack gap="md" data-testid="plan-page" data-state={p.state}>
      <Anchor component={Link} to="/portal" size="sm">← {l({ ja: '統合計画書の一覧', en: 'All plans' })}</Anchor>
      <Group gap="xs">
        <Text ff="monospace" fw={700}>{p.planNo}</Text>
        <Badge variant="light" tt="none">{l(p.stateLabel)}</Badge>
      </Group>
      <Title order={2}>{p.systemName}：{p.title}</Title>
      <Text size="sm">{l({ ja: '提供期間（終了日）', en: 'Provided until' })}：{p.provisionUntil}</Text>
      {p.returnReason && p.state === 'draft' && <Alert color="orange">{l({ ja: '差し戻し理由', en: 'Returned' })}：{p.returnReason}</Alert>}
      <Flash message={flash} onClose={() => setFlash(null)} />
      <ProcessSection view={p.process} onPick={setAction} testId="plan-flow" />
      <RowTable key={p.version} plan={p} onSaved={async () => { setFlash(l({ ja: '保存しました。', en: 'Saved.' })); await qc.invalidateQueries({ queryKey: ['portal'] }); await page.refresh(); }} />
      {page.dialog}
    </Stack>
  );
}

function CatalogPage() {
  const l = useL();
  const cat = useQuery({ queryKey: ['portal', 'catalog'], queryFn: ({ signal }) => getCatalog(signal) });
  if (cat.isPending) return <PageLoader />;
  if (!cat.data) return <ErrorAlert error={cat.error} />;
  return (
    <Stack gap="md" data-testid="portal-catalog">
      <Anchor component={Link} to="/portal" size="sm">← {l({ ja: '統合計画書の一覧', en: 'All plans' })}</Anchor>
      <Section title={l({ ja: '払い出しテンプレート', en: 'Templates' })}>
        <Table striped withTableBorder fz="sm">
          <Table.Tbody>
            {cat.data.templates.map((t) => (
              <Table.Tr key={t.code}>
                <Table.Td fw={600}>{t.name}</Table.Td>
                <Table.Td>{t.osCode ?? '-'}</Table.Td>
                <Table.Td>{t.vcpu} vCPU / {t.memoryGb} GB / {t.diskGb} GB / NIC {t.nics}</Table.Td>
                <Table.Td>{t.partitioning} {t.install}</Table.Td>
                <Table.Td>{l({ ja: '上限', en: 'Max' })} {t.maxVcpu} vCPU / {t.maxMemoryGb} GB</Table.Td>
                <Table.Td>{t.source}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
      <Section title={l({ ja: '使用可能な OS（メーカーのサポート終了日）', en: 'Allowed OS (vendor end of support)' })}>
        <Table striped withTableBorder fz="sm">
          <Table.Tbody>
            {cat.data.os.map((o) => (
              <Table.Tr key={o.code}>
                <Table.Td fw={600}>{o.name}</Table.Td>
                <Table.Td>{o.endOfSupportOn}</Table.Td>
                <Table.Td>{o.allowed ? l({ ja: '使用可', en: 'Allowed' }) : l({ ja: '使用不可', en: 'Withdrawn' })}</Table.Td>
                <Table.Td>{o.note}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
    </Stack>
  );
}

/** The owners' requests portal: 統合計画書 (OPS-7), the templates / OS list (OPS-3/4), 払い出し・リソース変更申請 (OPS-2/6). */
export default function PortalScreen() {
  return (
    <Routes>
      <Route index element={<PlanList />} />
      <Route path="plans/:id" element={<PlanPage />} />
      <Route path="catalog" element={<CatalogPage />} />
      <Route path="requests" element={<RequestsList />} />
      <Route path="requests/new" element={<RequestForm />} />
      <Route path="requests/:id" element={<RequestPage key="request" />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
