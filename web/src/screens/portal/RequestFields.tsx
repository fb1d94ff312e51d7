import { Checkbox, Group, NumberInput, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../api';
import { useL } from './common';
import type { FormOptions } from './requestsApi';

/** The inputs of the request form and of the correction (RequestForm.tsx), with the server's field errors at each. */
export type Kind = 'provision' | 'resource_change';
export type V = Record<string, unknown>;
export const RES = ['cpu', 'memoryGb', 'diskGb', 'nics'] as const;
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
export function provisionBody(v: V) {
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
export function ProvisionFields({
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
export function ChangeFields({
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
export function useErrors() {
  const [err, setErr] = useState<unknown>(null);
  const fields = err instanceof ApiError ? err.fields : {};
  return { err, setErr, fields };
}
