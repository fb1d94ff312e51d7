import { Alert, Button, Group, Modal, Select, Stack, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { roleLabel, useDateTime, useT } from '../../i18n';
import { prettyMessage, useBi } from './common';
import { type MKey, mLabel, useMT } from './i18n';
import { type AllowedAction, type HistoryEntry, SUPPRESSION_METHODS } from './monitoringApi';

/** Optional fields worth offering per step; the required ones come from the process table. */
const OPTIONAL: Record<string, string[]> = {
  respond: ['comment'],
  complete: ['comment'],
  approve: ['method', 'comment'],
  withdraw: ['comment'],
  resubmit: ['comment'],
};

/**
 * The form of one process step of an alert or a suppression: comment / resolution / method as the
 * step needs. Server field errors appear under their fields; a stale version reloads the record.
 */
export function ActionModal({
  action,
  version,
  initialMethod,
  onClose,
  submit,
  onDone,
  onStale,
}: {
  action: AllowedAction | null;
  version: number;
  initialMethod?: string;
  onClose: () => void;
  submit: (action: string, body: Record<string, unknown>) => Promise<unknown>;
  onDone: (label: string) => void;
  onStale: () => Promise<boolean>;
}) {
  const t = useMT();
  const bi = useBi();
  const fmt = useDateTime();
  const [values, setValues] = useState<Record<string, string>>({});
  const [stale, setStale] = useState(false);
  const fields = action ? [...action.requires, ...(OPTIONAL[action.action] ?? []).filter((f) => !action.requires.includes(f))] : [];
  const m = useMutation({
    mutationFn: () => {
      const body: Record<string, unknown> = { version };
      for (const f of fields) {
        const v = values[f]?.trim();
        if (v) body[f] = v;
      }
      return submit(action!.action, body);
    },
    onSuccess: () => onDone(bi(action!.label)),
    onError: async (e) => {
      if (e instanceof ApiError && e.status === 409 && Object.keys(e.fields).length === 0 && (await onStale())) setStale(true);
    },
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when another action opens
  useEffect(() => {
    setValues(initialMethod ? { method: initialMethod } : {});
    setStale(false);
    m.reset();
  }, [action?.action]);
  const err = m.error instanceof ApiError ? m.error : null;
  const fe = err?.fields ?? {};
  const unplaced = Object.keys(fe).filter((k) => !fields.includes(k));
  const set = (k: string, v: string) => setValues((x) => ({ ...x, [k]: v }));
  return (
    <Modal opened={!!action} onClose={onClose} title={action ? bi(action.label) : ''} size="lg" data-testid="action-modal">
      {action && (
        <form
          noValidate
          data-testid="action-form"
          data-action={action.action}
          onSubmit={(e) => {
            e.preventDefault();
            m.mutate();
          }}
        >
          <Stack gap="sm">
            {stale && (
              <Alert color="orange" data-testid="stale-alert">
                {t('mon.act.stale')}
              </Alert>
            )}
            {m.error && !stale && (Object.keys(fe).length === 0 || unplaced.length > 0) && (
              <ErrorAlert error={new Error(prettyMessage(unplaced.length ? unplaced.map((k) => fe[k]).join(' / ') : (m.error as Error).message, fmt))} testId="action-error" />
            )}
            {fields.map((f) =>
              f === 'method' ? (
                <Select
                  key={f}
                  label={t('mon.f.method')}
                  data={SUPPRESSION_METHODS.map((x) => ({ value: x, label: t(`mon.sup.method.${x}`) }))}
                  value={values.method ?? null}
                  onChange={(v) => set('method', v ?? '')}
                  error={fe.method}
                  data-testid="field-method"
                  comboboxProps={{ withinPortal: true }}
                />
              ) : (
                <Textarea
                  key={f}
                  label={mLabel(t, `mon.f.${f}`, f)}
                  required={action.requires.includes(f)}
                  autosize
                  minRows={2}
                  maxRows={8}
                  value={values[f] ?? ''}
                  onChange={(e) => set(f, e.currentTarget.value)}
                  error={fe[f] ? prettyMessage(fe[f], fmt) : undefined}
                  data-testid={`field-${f}`}
                />
              ),
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('mon.act.cancel')}
              </Button>
              <Button type="submit" loading={m.isPending} color={action.approval ? 'green' : undefined} data-testid="action-submit">
                {bi(action.label)}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** History labels the process tables do not carry (system steps written directly). */
export const EXTRA_HISTORY_LABELS: Record<string, MKey> = {
  detect: 'mon.hist.detect',
  submit: 'mon.hist.submit',
  severity_changed: 'mon.hist.severity_changed',
  recovered: 'mon.hist.recovered',
  incident_failed: 'mon.hist.incident_failed',
};

/** History entries with the actor's role named in the UI language (the shared timeline prints codes it does not know). */
export function useRoleNamedHistory(): (entries: HistoryEntry[]) => HistoryEntry[] {
  const t = useT();
  return (entries) =>
    entries.map((h) => (h.actorRole && h.actorRole !== 'system' ? { ...h, actor: `${h.actor}（${roleLabel(t, h.actorRole)}）`, actorRole: null } : h));
}
