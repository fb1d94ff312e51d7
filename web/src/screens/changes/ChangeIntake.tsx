import { Badge, Button, Checkbox, CloseButton, Group, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, api, type Page } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { jstLocalToIso } from '../../workbench';
import { listCis } from '../cmdb/cmdbApi';
import type { ProblemRow } from '../incidents/incidentsApi';
import { CHANGE_SOURCES, type ChangeSource, registerChange, TARGET_LEDGER, TARGET_TYPES, type TargetType } from './changesApi';
import { type CT, useCT } from './i18n';

type Target = { ciType: TargetType; ciId?: string; name: string };
type SystemRow = { id: string; name: string; serviceLevel: 'A' | 'B' | 'C'; environment: 'production' | 'dev_test' };

/** A server-side search select: type to search, pick one. */
function SearchPick<R extends { id: string }>(props: {
  label: string;
  queryKey: unknown[];
  search: (q: string, signal: AbortSignal) => Promise<R[]>;
  labelOf: (r: R) => string;
  onPick: (r: R) => void;
  value?: string | null;
  error?: string;
  testId: string;
  required?: boolean;
}) {
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text, 250);
  const res = useQuery({ queryKey: [...props.queryKey, q], queryFn: ({ signal }) => props.search(q, signal) });
  const rows = res.data ?? [];
  return (
    <Select
      label={props.label}
      required={props.required}
      searchable
      searchValue={text}
      onSearchChange={setText}
      filter={({ options }) => options}
      data={rows.map((r) => ({ value: r.id, label: props.labelOf(r) }))}
      value={props.value ?? null}
      onChange={(v) => {
        const r = rows.find((x) => x.id === v);
        if (r) props.onPick(r);
      }}
      error={props.error}
      data-testid={props.testId}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** Targets: several CMDB CIs (ESXi hosts, monitoring servers, storage, network devices, VMs) or the whole platform. */
function TargetPicker({ t, targets, setTargets, error }: { t: CT; targets: Target[]; setTargets: (x: Target[]) => void; error?: string }) {
  const [type, setType] = useState<TargetType>('host');
  const add = (x: Target) => !targets.some((y) => y.ciType === x.ciType && y.ciId === x.ciId) && setTargets([...targets, x]);
  return (
    <Stack gap={6} data-testid="field-targets">
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Select
          label={t('chg.targets.type')}
          w={200}
          data={TARGET_TYPES.map((x) => ({ value: x, label: t(`chg.type.${x}`) }))}
          value={type}
          onChange={(v) => v && setType(v as TargetType)}
          comboboxProps={{ withinPortal: true }}
          data-testid="target-type"
        />
        {type === 'platform' ? (
          <Button variant="light" onClick={() => add({ ciType: 'platform', name: t('chg.type.platform') })} data-testid="target-platform">
            {t('chg.targets.add')}
          </Button>
        ) : (
          <div style={{ flex: 1 }}>
            <SearchPick<{ id: string; name: string }>
              key={type}
              label={t('chg.targets.pick')}
              queryKey={['changes', 'target-pick', type]}
              search={async (q, signal) => (await listCis<{ id: string; name: string }>(TARGET_LEDGER[type], { q, pageSize: 20 }, signal)).items}
              labelOf={(r) => r.name}
              onPick={(r) => add({ ciType: type, ciId: r.id, name: r.name })}
              testId="target-pick"
            />
          </div>
        )}
      </Group>
      {error && (
        <Text size="sm" c="red" data-testid="targets-error">
          {error}
        </Text>
      )}
      <Group gap={6}>
        {targets.map((x) => (
          <Badge key={`${x.ciType}/${x.ciId ?? ''}`} variant="light" tt="none" data-testid="target-chip" rightSection={<CloseButton size="xs" aria-label={t('chg.targets.remove')} onClick={() => setTargets(targets.filter((y) => y !== x))} />}>
            {t(`chg.type.${x.ciType}`)}: {x.name}
          </Badge>
        ))}
      </Group>
    </Stack>
  );
}

/** 受付・登録 (CHG-1): fields per source; a problem's page opens it prefilled (?source=problem_fix&problemId=…). */
export function ChangeIntake() {
  const t = useCT();
  const navigate = useNavigate();
  const [sp] = useSearchParams();
  const [v, setV] = useState({
    source: (CHANGE_SOURCES.includes(sp.get('source') as ChangeSource) ? sp.get('source') : 'direct') as ChangeSource,
    title: sp.get('title') ?? '',
    description: sp.get('description') ?? '',
    problemId: sp.get('problemId') ?? '',
    problemLabel: sp.get('problemLabel') ?? '',
    pmPatch: '',
    slToLevel: '',
    slToProduction: false,
    slStartsAt: '',
  });
  const [system, setSystem] = useState<SystemRow | null>(null);
  const [targets, setTargets] = useState<Target[]>([]);
  const m = useMutation({
    mutationFn: () =>
      registerChange({
        title: v.title.trim(),
        description: v.description.trim(),
        source: v.source,
        targets: targets.map(({ ciType, ciId }) => ({ ciType, ...(ciId ? { ciId } : {}) })),
        ...(v.source === 'problem_fix' && v.problemId ? { problemId: v.problemId } : {}),
        ...(v.source === 'preventive_maintenance' && v.pmPatch.trim() ? { pmPatch: v.pmPatch.trim() } : {}),
        ...(v.source === 'service_level_change'
          ? { ...(system ? { slSystemId: system.id } : {}), ...(v.slToLevel ? { slToLevel: v.slToLevel } : {}), slToProduction: v.slToProduction, ...(v.slStartsAt ? { slStartsAt: jstLocalToIso(v.slStartsAt) } : {}) }
          : {}),
      }),
    onSuccess: (c) => navigate(`/changes/${c.id}`),
  });
  const err = m.error instanceof ApiError ? m.error : null;
  return (
    <Stack gap="md" data-testid="change-intake">
      <Title order={2}>{t('chg.form.title')}</Title>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
        data-testid="change-form"
      >
        <Stack gap="sm" maw={860}>
          <ErrorAlert error={m.error} testId="form-error" />
          <Select
            label={t('chg.source')}
            required
            data={CHANGE_SOURCES.map((s) => ({ value: s, label: t(`chg.src.${s}`) }))}
            value={v.source}
            onChange={(x) => x && setV({ ...v, source: x as ChangeSource })}
            error={err?.fields.source}
            comboboxProps={{ withinPortal: true }}
            data-testid="field-source"
          />
          {v.source === 'problem_fix' && (
            <SearchPick<ProblemRow>
              label={t('chg.problem.pick')}
              required
              queryKey={['changes', 'problem-pick']}
              search={async (q, signal) => (await api.get<Page<ProblemRow>>('/api/problems', { q, open: 'true', pageSize: 50 }, signal)).items.filter((p) => p.state === 'study_reported' || p.state === 'implementing')}
              labelOf={(p) => `${p.receiptNo} ${p.title}`}
              onPick={(p) => setV({ ...v, problemId: p.id, problemLabel: `${p.receiptNo} ${p.title}`, title: v.title || p.title, description: v.description || (p.permanentFix ?? '') })}
              value={null}
              error={err?.fields.problemId}
              testId="field-problemId"
            />
          )}
          {v.source === 'problem_fix' && v.problemLabel && (
            <Text size="sm" data-testid="picked-problem">
              {t('chg.problem')}: {v.problemLabel}
            </Text>
          )}
          <TextInput label={t('chg.titleField')} required value={v.title} onChange={(e) => setV({ ...v, title: e.currentTarget.value })} error={err?.fields.title} data-testid="field-title" />
          <Textarea label={t('chg.description')} required autosize minRows={3} value={v.description} onChange={(e) => setV({ ...v, description: e.currentTarget.value })} error={err?.fields.description} data-testid="field-description" />
          {v.source === 'preventive_maintenance' && (
            <TextInput label={t('chg.pmPatch')} description={t('chg.pmPatch.hint')} required value={v.pmPatch} onChange={(e) => setV({ ...v, pmPatch: e.currentTarget.value })} error={err?.fields.pmPatch} data-testid="field-pmPatch" />
          )}
          {v.source === 'service_level_change' && (
            <Stack gap="xs">
              <SearchPick<SystemRow>
                label={t('chg.sl.system')}
                required
                queryKey={['changes', 'system-pick']}
                search={async (q, signal) => (await listCis<SystemRow>('system', { q, pageSize: 20 }, signal)).items}
                labelOf={(s) => `${s.name}（${s.serviceLevel}）`}
                onPick={setSystem}
                value={system?.id ?? null}
                error={err?.fields.slSystemId}
                testId="field-slSystemId"
              />
              {system && (
                <Text size="sm" data-testid="sl-current">
                  {t('chg.sl.current')}: {system.serviceLevel}
                </Text>
              )}
              <Group gap="sm" align="flex-start">
                <Select
                  label={t('chg.sl.to')}
                  required
                  w={200}
                  data={['A', 'B', 'C']}
                  value={v.slToLevel || null}
                  onChange={(x) => setV({ ...v, slToLevel: x ?? '' })}
                  error={err?.fields.slToLevel}
                  comboboxProps={{ withinPortal: true }}
                  data-testid="field-slToLevel"
                />
                <TextInput label={t('chg.sl.startsAt')} required type="datetime-local" value={v.slStartsAt} onChange={(e) => setV({ ...v, slStartsAt: e.currentTarget.value })} error={err?.fields.slStartsAt} data-testid="field-slStartsAt" />
              </Group>
              <Checkbox label={t('chg.sl.toProduction')} checked={v.slToProduction} onChange={(e) => setV({ ...v, slToProduction: e.currentTarget.checked })} data-testid="field-slToProduction" />
            </Stack>
          )}
          <TargetPicker t={t} targets={targets} setTargets={setTargets} error={err?.fields.targets} />
          <Group justify="flex-end">
            <Button variant="default" component={Link} to="/changes">
              {t('chg.cancel')}
            </Button>
            <Button type="submit" loading={m.isPending} data-testid="change-submit">
              {t('chg.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
