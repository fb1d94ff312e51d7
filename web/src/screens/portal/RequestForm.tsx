import { Alert, Anchor, Button, Checkbox, Group, NumberInput, Select, SimpleGrid, Stack, Switch, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { Section } from '../../workbench';
import { useL } from './common';
import { createChange, createProvision, type FormOptions, getFormOptions, type RequestDetail, saveRequest } from './requestsApi';

type Kind = 'provision' | 'resource_change';
type V = Record<string, unknown>;
const RES = ['cpu', 'memoryGb', 'diskGb', 'nics'] as const;
const RES_LABEL = {
  cpu: { ja: 'CPU（vCPU）', en: 'CPU (vCPU)' },
  memoryGb: { ja: 'メモリ（GB）', en: 'Memory (GB)' },
  diskGb: { ja: 'ディスク（GB）', en: 'Disk (GB)' },
  nics: { ja: 'NIC 数', en: 'NICs' },
};
const MONITORING = [
  { value: 'ping', label: { ja: '死活監視（ping）', en: 'Alive (ping)' } },
  { value: 'resource', label: { ja: 'リソース監視', en: 'Resources' } },
  { value: 'service', label: { ja: 'サービス監視', en: 'Services' } },
  { value: 'http', label: { ja: 'HTTP 監視', en: 'HTTP' } },
];

/** The form's values → the request body: blank optional texts are left out; numbers stay numbers. */
function provisionBody(v: V) {
  const text = (k: string) => (typeof v[k] === 'string' && (v[k] as string).trim() !== '' ? (v[k] as string).trim() : undefined);
  return {
    dueOn: String(v.dueOn ?? ''),
    hostName: String(v.hostName ?? ''),
    ip: text('ip') ?? null,
    osCode: String(v.osCode ?? ''),
    templateCode: String(v.templateCode ?? ''),
    cpu: Number(v.cpu ?? 0),
    memoryGb: Number(v.memoryGb ?? 0),
    diskGb: Number(v.diskGb ?? 0),
    nics: Number(v.nics ?? 0),
    site: (v.site === 'sub' ? 'sub' : 'main') as 'main' | 'sub',
    hostPinning: text('hostPinning') ?? null,
    ha: !!v.ha,
    srm: !!v.srm,
    lanConnected: !!v.lanConnected,
    migration: !!v.migration,
    media: text('media'),
    monitoring: (v.monitoring as ('ping' | 'resource' | 'service' | 'http')[] | undefined) ?? [],
    provisionUntil: text('provisionUntil'),
    note: text('note'),
  };
}

function Num({
  name,
  v,
  set,
  errors,
  min,
  max,
}: {
  name: (typeof RES)[number];
  v: V;
  set: (k: string, x: unknown) => void;
  errors: Record<string, string>;
  min?: number;
  max?: number | null;
}) {
  const l = useL();
  const hint = min !== undefined ? `${l({ ja: '最小', en: 'min' })} ${min}${max ? ` / ${l({ ja: '上限', en: 'max' })} ${max}` : ''}` : undefined;
  return (
    <NumberInput
      label={l(RES_LABEL[name])}
      description={hint}
      required
      value={typeof v[name] === 'number' ? (v[name] as number) : ''}
      onChange={(x) => set(name, typeof x === 'number' ? x : undefined)}
      error={errors[name]}
      data-testid={`req-${name}`}
    />
  );
}

/** The inputs of a 払い出し申請; the system's approved plan rows fill them in one click. */
function ProvisionFields({
  o,
  v,
  set,
  errors,
  fixedSystem,
}: {
  o: FormOptions;
  v: V;
  set: (k: string, x: unknown) => void;
  errors: Record<string, string>;
  fixedSystem?: boolean;
}) {
  const l = useL();
  const system = o.systems.find((s) => s.id === v.systemId);
  const template = o.templates.find((t) => t.code === v.templateCode);
  const fromPlan = (hostName: string | null) => {
    const r = system?.plan?.rows.find((x) => x.hostName === hostName);
    if (!r) return;
    for (const [k, x] of Object.entries({
      hostName: r.hostName,
      ip: r.ip ?? '',
      osCode: r.osCode,
      templateCode: r.templateCode ?? '',
      cpu: r.cpu,
      memoryGb: r.memoryGb,
      diskGb: r.diskGb,
      site: r.site,
      hostPinning: r.hostPinning ?? '',
      ha: r.ha,
      srm: r.srm,
      monitoring: r.monitoring,
    }))
      set(k, x);
  };
  return (
    <Stack gap="sm">
      <Group align="end" wrap="wrap">
        <Select
          label={l({ ja: 'システム', en: 'System' })}
          required
          disabled={fixedSystem}
          w={280}
          data={o.systems.map((s) => ({ value: s.id, label: `${s.name}（${l({ ja: 'レベル', en: 'level' })} ${s.serviceLevel}）` }))}
          value={(v.systemId as string) ?? null}
          onChange={(x) => {
            set('systemId', x);
            const s = o.systems.find((y) => y.id === x);
            set('lanConnected', !!s?.lanConnected);
            if (s?.plan?.provisionUntil) set('provisionUntil', s.plan.provisionUntil);
          }}
          error={errors.systemId}
          data-testid="req-systemId"
        />
        {system?.plan ? (
          <Select
            label={l({ ja: '承認済の統合計画書から入力', en: 'Fill from the approved plan' })}
            description={system.plan.planNo}
            w={260}
            clearable
            data={system.plan.rows.map((r) => r.hostName)}
            onChange={fromPlan}
            data-testid="req-from-plan"
          />
        ) : system ? (
          <Text size="sm" c="orange" data-testid="req-no-plan">
            {l({ ja: '承認済の統合計画書がありません（統括責任者が判断します）。', en: 'No approved plan (the supervisor decides).' })}
          </Text>
        ) : null}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <TextInput
          label={l({ ja: 'ホスト名', en: 'Host name' })}
          required
          value={String(v.hostName ?? '')}
          onChange={(e) => set('hostName', e.currentTarget.value)}
          error={errors.hostName}
          data-testid="req-hostName"
        />
        <TextInput
          label={l({ ja: 'IPアドレス', en: 'IP address' })}
          value={String(v.ip ?? '')}
          onChange={(e) => set('ip', e.currentTarget.value)}
          error={errors.ip}
          data-testid="req-ip"
        />
        <Select
          label={l({ ja: 'OS', en: 'OS' })}
          required
          data={o.os
            .filter((x) => x.allowed)
            .map((x) => ({ value: x.code, label: `${x.name}（${l({ ja: 'サポート終了', en: 'EOS' })} ${x.endOfSupportOn}）` }))}
          value={(v.osCode as string) ?? null}
          onChange={(x) => set('osCode', x)}
          error={errors.osCode}
          data-testid="req-osCode"
        />
        <Select
          label={l({ ja: 'テンプレート', en: 'Template' })}
          required
          data={o.templates.map((t) => ({ value: t.code, label: t.name }))}
          value={(v.templateCode as string) ?? null}
          onChange={(x) => {
            set('templateCode', x);
            const t = o.templates.find((y) => y.code === x);
            if (t) for (const k of RES) if (typeof v[k] !== 'number') set(k, t.min[k]);
          }}
          error={errors.templateCode}
          data-testid="req-templateCode"
        />
        {RES.map((k) => (
          <Num key={k} name={k} v={v} set={set} errors={errors} min={template?.min[k]} max={template?.max[k]} />
        ))}
        <Select
          label={l({ ja: '環境', en: 'Site' })}
          required
          data={[
            { value: 'main', label: l({ ja: 'メイン', en: 'Main' }) },
            { value: 'sub', label: l({ ja: 'サブ', en: 'Sub' }) },
          ]}
          value={(v.site as string) ?? 'main'}
          onChange={(x) => set('site', x ?? 'main')}
          error={errors.site}
          data-testid="req-site"
        />
        <TextInput
          label={l({ ja: 'ホスト固定（ESXi サーバ名）', en: 'Pinned to host' })}
          value={String(v.hostPinning ?? '')}
          onChange={(e) => set('hostPinning', e.currentTarget.value)}
          error={errors.hostPinning}
          data-testid="req-hostPinning"
        />
        <TextInput
          label={l({ ja: '希望納期', en: 'Due' })}
          type="date"
          required
          value={String(v.dueOn ?? '')}
          onChange={(e) => set('dueOn', e.currentTarget.value)}
          error={errors.dueOn}
          data-testid="req-dueOn"
        />
        <TextInput
          label={l({ ja: '提供期間（終了日）', en: 'Provided until' })}
          type="date"
          value={String(v.provisionUntil ?? '')}
          onChange={(e) => set('provisionUntil', e.currentTarget.value)}
          error={errors.provisionUntil}
          data-testid="req-provisionUntil"
        />
      </SimpleGrid>
      <Group gap="lg" wrap="wrap">
        <Switch label="HA" checked={!!v.ha} onChange={(e) => set('ha', e.currentTarget.checked)} data-testid="req-ha" />
        <Switch label="SRM" checked={!!v.srm} onChange={(e) => set('srm', e.currentTarget.checked)} data-testid="req-srm" />
        <Switch
          label={l({ ja: '県庁 LAN に接続する', en: 'On the prefectural LAN' })}
          checked={!!v.lanConnected}
          onChange={(e) => set('lanConnected', e.currentTarget.checked)}
          data-testid="req-lanConnected"
        />
        <Switch
          label={l({ ja: '移行に伴う払い出し', en: 'For a migration' })}
          checked={!!v.migration}
          onChange={(e) => set('migration', e.currentTarget.checked)}
          data-testid="req-migration"
        />
      </Group>
      <Checkbox.Group
        label={l({ ja: '監視項目', en: 'Monitoring' })}
        value={(v.monitoring as string[]) ?? []}
        onChange={(x) => set('monitoring', x)}
        error={errors.monitoring}
      >
        <Group gap="md" mt={4}>
          {MONITORING.map((m) => (
            <Checkbox key={m.value} value={m.value} label={l(m.label)} data-testid={`req-mon-${m.value}`} />
          ))}
        </Group>
      </Checkbox.Group>
      <TextInput
        label={l({ ja: 'インストールメディア（要望があれば）', en: 'Install media (if needed)' })}
        value={String(v.media ?? '')}
        onChange={(e) => set('media', e.currentTarget.value)}
        error={errors.media}
      />
      <Textarea
        label={l({ ja: '備考', en: 'Note' })}
        autosize
        minRows={2}
        value={String(v.note ?? '')}
        onChange={(e) => set('note', e.currentTarget.value)}
        error={errors.note}
      />
    </Stack>
  );
}

/** The inputs of a リソース変更申請: the VM, its current resources beside the new ones and the template's limits. */
function ChangeFields({
  o,
  v,
  set,
  errors,
  fixedVm,
}: {
  o: FormOptions;
  v: V;
  set: (k: string, x: unknown) => void;
  errors: Record<string, string>;
  fixedVm?: boolean;
}) {
  const l = useL();
  const vm = o.vms.find((x) => x.id === v.vmId);
  return (
    <Stack gap="sm">
      <Select
        label={l({ ja: '仮想マシン', en: 'VM' })}
        required
        searchable
        disabled={fixedVm}
        w={360}
        data={o.vms.map((x) => ({ value: x.id, label: `${x.name}（${o.systems.find((s) => s.id === x.systemId)?.name ?? ''}）` }))}
        value={(v.vmId as string) ?? null}
        onChange={(x) => {
          set('vmId', x);
          const m = o.vms.find((y) => y.id === x);
          if (m) for (const k of RES) set(k, m[k]);
        }}
        error={errors.vmId}
        data-testid="req-vmId"
      />
      {vm && (
        <Text size="sm" data-testid="req-current">
          {l({ ja: '現在', en: 'Now' })}: {vm.cpu} vCPU / {vm.memoryGb} GB / {vm.diskGb} GB / NIC {vm.nics}
          {vm.limits ? `　${l({ ja: 'テンプレート', en: 'Template' })}「${vm.limits.template}」` : ''}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        {RES.map((k) => (
          <Num key={k} name={k} v={v} set={set} errors={errors} min={vm?.limits?.min[k]} max={vm?.limits?.max[k]} />
        ))}
        <TextInput
          label={l({ ja: '希望納期', en: 'Due' })}
          type="date"
          required
          value={String(v.dueOn ?? '')}
          onChange={(e) => set('dueOn', e.currentTarget.value)}
          error={errors.dueOn}
          data-testid="req-dueOn"
        />
      </SimpleGrid>
      <Textarea
        label={l({ ja: '備考（変更の理由）', en: 'Note (why)' })}
        autosize
        minRows={2}
        value={String(v.note ?? '')}
        onChange={(e) => set('note', e.currentTarget.value)}
        error={errors.note}
      />
    </Stack>
  );
}

/** Server errors: under their fields; what has no field of this form in one alert above. */
function useErrors() {
  const [err, setErr] = useState<unknown>(null);
  const fields = err instanceof ApiError ? err.fields : {};
  return { err, setErr, fields };
}

/** 仮想マシン払い出し申請 / リソース変更申請: a new request (owner), knowing their systems, plans, VMs, templates and OS list. */
export function RequestForm() {
  const l = useL();
  const nav = useNavigate();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const kind: Kind = params.get('kind') === 'resource_change' ? 'resource_change' : 'provision';
  const opts = useQuery({ queryKey: ['portal', 'request-options'], queryFn: ({ signal }) => getFormOptions(signal) });
  const [v, setV] = useState<V>(() => ({
    site: 'main',
    ha: true,
    nics: 2,
    monitoring: ['ping'],
    systemId: params.get('systemId') ?? undefined,
    vmId: params.get('vmId') ?? undefined,
  }));
  const [busy, setBusy] = useState(false);
  const e = useErrors();
  const set = (k: string, x: unknown) => setV((p) => ({ ...p, [k]: x }));
  if (opts.isPending) return <PageLoader />;
  if (!opts.data) return <ErrorAlert error={opts.error} />;
  const o = opts.data;
  if (v.dueOn === undefined) {
    // Once the options are in: today as the due day, and a VM picked from its page brings its resources.
    const next: V = { ...v, dueOn: o.today };
    const m = kind === 'resource_change' ? o.vms.find((y) => y.id === v.vmId) : undefined;
    if (m) for (const k of RES) next[k] = m[k];
    setV(next);
  }
  const submit = async () => {
    setBusy(true);
    try {
      const r =
        kind === 'provision'
          ? await createProvision({ systemId: String(v.systemId ?? ''), ...provisionBody(v) })
          : await createChange({
              vmId: String(v.vmId ?? ''),
              dueOn: String(v.dueOn ?? ''),
              cpu: Number(v.cpu ?? 0),
              memoryGb: Number(v.memoryGb ?? 0),
              diskGb: Number(v.diskGb ?? 0),
              nics: Number(v.nics ?? 0),
              note: typeof v.note === 'string' && v.note ? v.note : undefined,
            });
      await qc.invalidateQueries({ queryKey: ['portal'] });
      nav(`/portal/requests/${r.id}`);
    } catch (x) {
      e.setErr(x);
    } finally {
      setBusy(false);
    }
  };
  const placed = new Set(
    kind === 'provision'
      ? ['systemId', 'hostName', 'ip', 'osCode', 'templateCode', ...RES, 'site', 'hostPinning', 'dueOn', 'provisionUntil', 'monitoring', 'media', 'note']
      : ['vmId', ...RES, 'dueOn', 'note'],
  );
  const unplaced = Object.entries(e.fields).filter(([k]) => !placed.has(k));
  return (
    <Stack gap="md" data-testid="request-form" data-kind={kind}>
      <Anchor component={Link} to="/portal/requests" size="sm">
        ← {l({ ja: '申請台帳', en: 'Request ledger' })}
      </Anchor>
      <Title order={2}>
        {kind === 'provision' ? l({ ja: '仮想マシン払い出し申請', en: 'Request a VM' }) : l({ ja: 'リソース変更申請', en: 'Request a resource change' })}
      </Title>
      {o.systems.length === 0 && <Alert color="orange">{l({ ja: '申請できるシステムがありません。', en: 'You have no system to request for.' })}</Alert>}
      {e.err != null && (Object.keys(e.fields).length === 0 || unplaced.length > 0) && (
        <ErrorAlert error={unplaced.length ? new Error(unplaced.map(([, m]) => m).join(' / ')) : e.err} testId="request-error" />
      )}
      {Object.keys(e.fields).length > 0 && (
        <Alert color="red" variant="light" data-testid="request-field-errors">
          {l({
            ja: '入力内容に誤りがあります。各項目の表示を確認してください（申請は登録されていません）。',
            en: 'Some fields are wrong; see each field (nothing was saved).',
          })}
        </Alert>
      )}
      <Section title={l({ ja: '申請内容', en: 'Request' })}>
        {kind === 'provision' ? <ProvisionFields o={o} v={v} set={set} errors={e.fields} /> : <ChangeFields o={o} v={v} set={set} errors={e.fields} />}
        <Group mt="md">
          <Button onClick={submit} loading={busy} data-testid="request-submit">
            {l({ ja: '申請する', en: 'Submit' })}
          </Button>
        </Group>
      </Section>
      {kind === 'provision' && <TemplateTable o={o} />}
    </Stack>
  );
}

function TemplateTable({ o }: { o: FormOptions }) {
  const l = useL();
  return (
    <Section title={l({ ja: 'テンプレートの最小値と上限', en: 'Template minimums and limits' })}>
      <Table withTableBorder fz="xs">
        <Table.Tbody>
          {o.templates.map((t) => (
            <Table.Tr key={t.code}>
              <Table.Td fw={600}>{t.name}</Table.Td>
              <Table.Td>
                {l({ ja: '最小', en: 'min' })} {t.min.cpu} vCPU / {t.min.memoryGb} GB / {t.min.diskGb} GB / NIC {t.min.nics}
              </Table.Td>
              <Table.Td>
                {l({ ja: '上限', en: 'max' })} {t.max.cpu} vCPU / {t.max.memoryGb} GB / NIC {t.max.nics}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Section>
  );
}

/** The owner corrects the request while it waits on them (差し戻し): same inputs, PUT with the version seen. */
export function RequestCorrection({ r, onSaved }: { r: RequestDetail; onSaved: () => Promise<void> }) {
  const l = useL();
  const opts = useQuery({ queryKey: ['portal', 'request-options'], queryFn: ({ signal }) => getFormOptions(signal) });
  const spec = r.spec as Record<string, unknown>;
  const [v, setV] = useState<V>(() => ({
    ...spec,
    systemId: r.systemId,
    vmId: r.vmId,
    templateCode: r.templateCode,
    dueOn: r.dueOn,
    ip: spec.ip ?? '',
    hostPinning: spec.hostPinning ?? '',
  }));
  const e = useErrors();
  const set = (k: string, x: unknown) => setV((p) => ({ ...p, [k]: x }));
  if (!opts.data) return null;
  const save = async () => {
    try {
      const body =
        r.kind === 'provision'
          ? { ...provisionBody(v), version: r.version }
          : {
              dueOn: String(v.dueOn),
              cpu: Number(v.cpu),
              memoryGb: Number(v.memoryGb),
              diskGb: Number(v.diskGb),
              nics: Number(v.nics),
              note: (v.note as string) || undefined,
              version: r.version,
            };
      await saveRequest(r.id, body);
      e.setErr(null);
      await onSaved();
    } catch (x) {
      e.setErr(x);
    }
  };
  return (
    <Section title={l({ ja: '申請内容の修正', en: 'Correct the request' })} testId="request-correction">
      {e.err != null && Object.keys(e.fields).length === 0 && <ErrorAlert error={e.err} />}
      {r.kind === 'provision' ? (
        <ProvisionFields o={opts.data} v={v} set={set} errors={e.fields} fixedSystem />
      ) : (
        <ChangeFields o={opts.data} v={v} set={set} errors={e.fields} fixedVm />
      )}
      <Group mt="md">
        <Button onClick={save} data-testid="request-save">
          {l({ ja: '修正を保存', en: 'Save the correction' })}
        </Button>
      </Group>
    </Section>
  );
}
