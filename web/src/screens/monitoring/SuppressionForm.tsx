import { Anchor, Button, Card, Group, MultiSelect, Radio, Select, SimpleGrid, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDateTime } from '../../i18n';
import { prettyMessage } from './common';
import { useMT } from './i18n';
import {
  createSuppression,
  suppressionRulesQuery,
  jstLocalToIso,
  jstYmd,
  SUPPRESSION_METHODS,
  SUPPRESSION_REASONS,
  type SuppressionInput,
  type SuppressionMethod,
  type SuppressionReason,
  type SuppressionRow,
  searchSystems,
  toJstLocal,
  updateSuppression,
} from './monitoringApi';
import { RuleNote } from './Suppressions';

interface FormValues {
  systemIds: string[];
  reason: SuppressionReason | null;
  reasonText: string;
  method: SuppressionMethod;
  startsAt: string;
  endsAt: string;
  lateReason: string;
}

const fromRow = (s: SuppressionRow): FormValues => ({
  systemIds: s.systemIds,
  reason: s.reason,
  reasonText: s.reasonText ?? '',
  method: s.method,
  startsAt: toJstLocal(new Date(s.startsAt)),
  endsAt: toJstLocal(new Date(s.endsAt)),
  lateReason: s.lateReason ?? '',
});

/**
 * 監視の一時抑止・再開の申請 (N §3.7.3.3): the systems (a system owner sees only their department's),
 * reason, method (静観 / 停止) and the window in Japan time. The server applies the submission
 * deadline and names the field it refuses, in Japanese, under that field. With `edit`, a returned
 * request is corrected (PUT) instead.
 */
export function SuppressionForm({ edit, onSaved, onCancel }: { edit?: SuppressionRow; onSaved?: () => void; onCancel?: () => void }) {
  const t = useMT();
  const fmt = useDateTime();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [v, setV] = useState<FormValues>(() =>
    edit ? fromRow(edit) : { systemIds: [], reason: null, reasonText: '', method: 'watch', startsAt: '', endsAt: '', lateReason: '' },
  );
  // Names of the picked systems, kept when the search moves on.
  const [known, setKnown] = useState<Record<string, string>>(() => (edit ? Object.fromEntries(edit.systemIds.map((id, n) => [id, edit.systemNames[n] ?? id])) : {}));
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const systems = useQuery({ queryKey: ['monitoring', 'system-search', debounced], queryFn: ({ signal }) => searchSystems(debounced, signal) });
  const rules = useQuery(suppressionRulesQuery);
  const options = [
    ...v.systemIds.filter((id) => !(systems.data?.items ?? []).some((s) => s.id === id)).map((id) => ({ value: id, label: known[id] ?? id })),
    ...(systems.data?.items ?? []).map((s) => ({ value: s.id, label: s.departmentName ? `${s.name}（${s.departmentName}）` : s.name })),
  ];
  const set = <K extends keyof FormValues>(k: K, value: FormValues[K]) => setV((x) => ({ ...x, [k]: value }));

  const m = useMutation({
    mutationFn: () => {
      const body: SuppressionInput = {
        reason: (v.reason ?? '') as SuppressionReason,
        method: v.method,
        startsAt: jstLocalToIso(v.startsAt),
        endsAt: jstLocalToIso(v.endsAt),
        systemIds: v.systemIds,
        targetIds: [],
        ...(v.reasonText.trim() ? { reasonText: v.reasonText.trim() } : {}),
        ...(v.lateReason.trim() ? { lateReason: v.lateReason.trim() } : {}),
      };
      return edit ? updateSuppression(edit.id, { ...body, version: edit.version }) : createSuppression(body);
    },
    onSuccess: async (row) => {
      await qc.invalidateQueries({ queryKey: ['monitoring'] });
      if (edit) return onSaved?.();
      navigate(`/monitoring/suppressions?month=${jstYmd(row.startsAt).slice(0, 7)}&created=${row.id}`, { state: { flash: t('mon.sup.form.submitted') } });
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;
  const fe = (k: string): string | undefined => {
    const msg = err?.fields[k] ?? Object.entries(err?.fields ?? {}).find(([f]) => f.startsWith(`${k}.`))?.[1];
    return msg ? prettyMessage(msg, fmt) : undefined;
  };
  const placed = ['systemIds', 'targetIds', 'reason', 'reasonText', 'method', 'startsAt', 'endsAt', 'lateReason'];
  const unplaced = Object.keys(err?.fields ?? {}).filter((k) => !placed.some((p) => k === p || k.startsWith(`${p}.`)));
  const showGeneral = m.error && (!err || Object.keys(err.fields).length === 0 || unplaced.length > 0);

  return (
    <Card withBorder padding="lg" data-testid="sup-form-card" maw={880}>
      <form
        noValidate
        data-testid="sup-form"
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <Stack gap="md">
          {!edit && (
            <Anchor component={Link} to="/monitoring/suppressions" size="sm">
              {t('mon.sup.back')}
            </Anchor>
          )}
          <Title order={2} size={edit ? 'h4' : undefined}>
            {edit ? t('mon.sup.form.edit') : t('mon.sup.form.title')}
          </Title>
          <RuleNote rules={rules.data} />
          {showGeneral && <ErrorAlert error={new Error(prettyMessage(unplaced.length ? unplaced.map((k) => err!.fields[k]).join(' / ') : (m.error as Error).message, fmt))} testId="sup-form-error" />}
          <MultiSelect
            label={t('mon.sup.systems')}
            description={t('mon.sup.form.systemsHint')}
            placeholder={v.systemIds.length ? undefined : t('mon.sup.form.pickSystems')}
            required
            searchable
            searchValue={search}
            onSearchChange={setSearch}
            filter={({ options: o }) => o}
            data={options}
            value={v.systemIds}
            onChange={(ids) => {
              setKnown((k) => ({ ...k, ...Object.fromEntries(options.filter((o) => ids.includes(o.value)).map((o) => [o.value, o.label])) }));
              set('systemIds', ids);
            }}
            error={fe('systemIds') ?? fe('targetIds')}
            nothingFoundMessage="—"
            maxDropdownHeight={260}
            comboboxProps={{ withinPortal: true }}
            data-testid="field-systemIds" wrapperProps={{ 'data-testid': 'wrap-systemIds' }}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <Select
              label={t('mon.sup.reason')}
              required
              data={SUPPRESSION_REASONS.map((r) => ({ value: r, label: t(`mon.sup.reason.${r}`) }))}
              value={v.reason}
              onChange={(r) => set('reason', r as SuppressionReason | null)}
              error={fe('reason')}
              comboboxProps={{ withinPortal: true }}
              data-testid="field-reason" wrapperProps={{ 'data-testid': 'wrap-reason' }}
            />
            <Radio.Group label={t('mon.sup.method')} required value={v.method} onChange={(x) => set('method', x as SuppressionMethod)} error={fe('method')} data-testid="field-method">
              <Stack gap={6} mt={6}>
                {SUPPRESSION_METHODS.map((x) => (
                  <Radio key={x} value={x} label={t(`mon.sup.method.${x}`)} data-testid={`method-${x}`} />
                ))}
              </Stack>
            </Radio.Group>
          </SimpleGrid>
          <Textarea label={t('mon.sup.reasonText')} autosize minRows={2} value={v.reasonText} onChange={(e) => set('reasonText', e.currentTarget.value)} error={fe('reasonText')} data-testid="field-reasonText" wrapperProps={{ 'data-testid': 'wrap-reasonText' }} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput type="datetime-local" label={t('mon.sup.startsAt')} required value={v.startsAt} onChange={(e) => set('startsAt', e.currentTarget.value)} error={fe('startsAt')} data-testid="field-startsAt" wrapperProps={{ 'data-testid': 'wrap-startsAt' }} />
            <TextInput type="datetime-local" label={t('mon.sup.endsAt')} required value={v.endsAt} onChange={(e) => set('endsAt', e.currentTarget.value)} error={fe('endsAt')} data-testid="field-endsAt" wrapperProps={{ 'data-testid': 'wrap-endsAt' }} />
          </SimpleGrid>
          <Textarea
            label={t('mon.sup.lateReason')}
            description={t('mon.sup.lateReasonHint')}
            autosize
            minRows={2}
            value={v.lateReason}
            onChange={(e) => set('lateReason', e.currentTarget.value)}
            error={fe('lateReason')}
            data-testid="field-lateReason" wrapperProps={{ 'data-testid': 'wrap-lateReason' }}
          />
          <Group justify="flex-end">
            {onCancel && (
              <Button variant="default" onClick={onCancel}>
                {t('mon.act.cancel')}
              </Button>
            )}
            <Button type="submit" loading={m.isPending} data-testid="sup-submit">
              {edit ? t('mon.sup.form.save') : t('mon.sup.form.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
