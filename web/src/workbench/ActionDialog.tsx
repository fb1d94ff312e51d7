import { Alert, Button, Checkbox, Group, Modal, NumberInput, Select, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { useLang, useT } from '../i18n';
import { getHolders, jstLocalToIso } from './api';
import type { ActionField, AllowedAction, Bilingual } from './types';

export const bi = (lang: string, b: Bilingual | null | undefined): string => (b ? (lang === 'en' ? b.en : b.ja) : '—');

type Values = Record<string, unknown>;

/** The dialog's values → the step's JSON body, by each field's kind (blank optional fields are left out). */
export function toBody(fields: readonly ActionField[], values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    switch (f.kind) {
      case 'datetime': {
        const iso = jstLocalToIso(String(v ?? ''));
        if (iso) out[f.name] = iso;
        break;
      }
      case 'lines': {
        const list = String(v ?? '')
          .split('\n')
          .map((x) => x.trim())
          .filter(Boolean);
        if (list.length) out[f.name] = list;
        break;
      }
      case 'boolean':
        if (v) out[f.name] = true;
        break;
      case 'checks':
        out[f.name] = Object.fromEntries((f.options ?? []).map((o) => [o.value, !!(v as Record<string, boolean> | undefined)?.[o.value]]));
        break;
      case 'number':
        if (typeof v === 'number') out[f.name] = v;
        break;
      default:
        if (typeof v === 'string' && v.trim() !== '') out[f.name] = v.trim();
    }
  }
  return out;
}

function PersonInput({ field, value, onChange, error, label }: { field: ActionField; value: unknown; onChange: (v: unknown) => void; error?: string; label: string }) {
  const t = useT();
  const holders = useQuery({ queryKey: ['workbench', 'holders', field.roles ?? []], queryFn: ({ signal }) => getHolders(field.roles ?? [], signal), staleTime: 60_000 });
  return (
    <Select
      label={label}
      required={field.required}
      error={error}
      placeholder={t('wb.pickPerson')}
      searchable
      clearable
      data={(holders.data?.items ?? []).map((p) => ({ value: p.id, label: p.label }))}
      value={(value as string) ?? null}
      onChange={(v) => onChange(v ?? undefined)}
      comboboxProps={{ withinPortal: true }}
      data-testid={`field-${field.name}`}
    />
  );
}

/** One input of a step, rendered from the server's field spec. */
export function FieldInput({ field, value, onChange, error }: { field: ActionField; value: unknown; onChange: (v: unknown) => void; error?: string }) {
  const { lang } = useLang();
  const label = bi(lang, field.label);
  const description = field.hint ? bi(lang, field.hint) : undefined;
  const common = { label, description, required: field.required, error, 'data-testid': `field-${field.name}` };
  const str = String(value ?? '');
  switch (field.kind) {
    case 'textarea':
    case 'lines':
      return <Textarea {...common} autosize minRows={2} maxRows={10} maxLength={field.max} value={str} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'datetime':
      return <TextInput {...common} type="datetime-local" value={str} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'date':
      return <TextInput {...common} type="date" value={str} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'number':
      return <NumberInput {...common} value={typeof value === 'number' ? value : ''} onChange={(v) => onChange(typeof v === 'number' ? v : undefined)} />;
    case 'boolean':
      return <Switch label={label} description={description} checked={!!value} onChange={(e) => onChange(e.currentTarget.checked)} error={error} data-testid={`field-${field.name}`} />;
    case 'select':
      return (
        <Select
          {...common}
          data={(field.options ?? []).map((o) => ({ value: o.value, label: bi(lang, o.label) }))}
          value={(value as string) ?? null}
          onChange={(v) => onChange(v ?? undefined)}
          comboboxProps={{ withinPortal: true }}
        />
      );
    case 'person':
      return <PersonInput field={field} value={value} onChange={onChange} error={error} label={label} />;
    case 'checks': {
      const c = (value as Record<string, boolean>) ?? {};
      return (
        <Stack gap={6} data-testid={`field-${field.name}`}>
          <Text size="sm" fw={500}>
            {label}
          </Text>
          {(field.options ?? []).map((o) => (
            <Checkbox key={o.value} label={bi(lang, o.label)} checked={!!c[o.value]} onChange={(e) => onChange({ ...c, [o.value]: e.currentTarget.checked })} data-testid={`check-${o.value}`} />
          ))}
          {error && (
            <Text size="xs" c="red">
              {error}
            </Text>
          )}
        </Stack>
      );
    }
    default:
      return <TextInput {...common} maxLength={field.max} value={str} onChange={(e) => onChange(e.currentTarget.value)} />;
  }
}

/**
 * The one action dialog of every process: the step's fields as the server describes them (required
 * first), the server's field errors (in the UI language) under their fields, and — when someone else
 * acted first (409) — the record reloaded with a clear message, nothing fired twice.
 */
export function ActionDialog({
  action,
  version,
  onClose,
  submit,
  onDone,
  onStale,
  initial,
  warnings = [],
  fieldLabel,
}: {
  action: AllowedAction | null;
  version: number;
  onClose: () => void;
  submit: (action: string, body: Record<string, unknown>) => Promise<unknown>;
  onDone: (label: string) => void;
  /** Reloads the record; resolves true when its version moved (someone else changed it). */
  onStale: () => Promise<boolean>;
  initial?: Values;
  /** What the person should know before confirming this step (e.g. CAL-4's count): shown above the fields, never blocking. */
  warnings?: readonly string[];
  /** The label of a record field the server names but the dialog does not show (e.g. the plan's 切戻手順). */
  fieldLabel?: (name: string) => string | undefined;
}) {
  const t = useT();
  const { lang } = useLang();
  const [values, setValues] = useState<Values>({});
  const [stale, setStale] = useState(false);
  const fields = action?.fields ?? [];
  const m = useMutation({
    mutationFn: () => submit(action!.action, { version, ...toBody(fields, values) }),
    onSuccess: () => onDone(bi(lang, action!.label)),
    onError: async (e) => {
      if (e instanceof ApiError && e.status === 409 && Object.keys(e.fields).length === 0 && (await onStale())) setStale(true);
    },
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when another action opens
  useEffect(() => {
    setValues(initial ?? {});
    setStale(false);
    m.reset();
  }, [action?.action]);
  const err = m.error instanceof ApiError ? m.error : null;
  const fieldErrors = err?.fields ?? {};
  const unplaced = Object.keys(fieldErrors).filter((k) => !fields.some((f) => f.name === k));
  return (
    <Modal opened={!!action} onClose={onClose} title={action ? bi(lang, action.label) : ''} size="lg" data-testid="action-modal">
      {action && (
        <form
          noValidate
          data-testid="action-form"
          data-action={action.action}
          onSubmit={(e) => {
            e.preventDefault();
            if (!stale) m.mutate();
          }}
        >
          <Stack gap="sm">
            <Text size="sm" c="dimmed" data-testid="action-to">
              → {bi(lang, action.toLabel)}
            </Text>
            {warnings.map((w) => (
              <Alert key={w} color="orange" variant="light" data-testid="action-warning">
                {w}
              </Alert>
            ))}
            {stale && (
              <Alert color="orange" data-testid="stale-alert">
                {t('wb.stale')}
              </Alert>
            )}
            {m.error && !stale && (Object.keys(fieldErrors).length === 0 || unplaced.length > 0) && (
              <ErrorAlert error={unplaced.length ? new Error(`${t('wb.unplaced')}: ${unplaced.map((k) => (fieldLabel?.(k) ? `${fieldLabel(k)}: ${fieldErrors[k]}` : fieldErrors[k])).join(' / ')}`) : m.error} testId="action-error" />
            )}
            {fields.map((f) => (
              <FieldInput key={f.name} field={f} value={values[f.name]} onChange={(v) => setValues((x) => ({ ...x, [f.name]: v }))} error={fieldErrors[f.name]} />
            ))}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('wb.cancel')}
              </Button>
              {!stale && (
                <Button type="submit" loading={m.isPending} color={action.approval ? 'green' : undefined} data-testid="action-submit">
                  {bi(lang, action.label)}
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
