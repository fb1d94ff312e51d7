import { Alert, Anchor, Button, Group, Stack, Table, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { Section } from '../../workbench';
import { useL } from './common';
import { ChangeFields, type Kind, ProvisionFields, provisionBody, RES, useErrors, type V } from './RequestFields';
import { createChange, createProvision, type FormOptions, getFormOptions, type RequestDetail, saveRequest } from './requestsApi';

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
