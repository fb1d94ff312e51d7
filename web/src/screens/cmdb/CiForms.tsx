import { Alert, Button, Code, Group, Modal, NumberInput, Select, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { type T, useT } from '../../i18n';
import { type CiBase, type CiStatus, checkName, type Level, patchCi, type ScreenKind, transitionCi } from './cmdbApi';
import { fieldLabel, statusLabel } from './common';

export type FieldType = 'text' | 'textarea' | 'int' | 'number' | 'bool' | 'select';
export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Empty input is sent as null (optional text fields). */
  nullable?: boolean;
  options?: (t: T) => { value: string; label: string }[];
}

const levels = (t: T) => ['A', 'B', 'C'].map((l) => ({ value: l, label: t('cmdb.level', { level: l }) }));

/** What the edit form offers per kind (a subset of src/cmdb/inputs.ts; references are changed elsewhere). */
export const EDIT_FIELDS: Record<ScreenKind, FieldSpec[]> = {
  system: [
    { name: 'name', type: 'text' },
    { name: 'code', type: 'text', nullable: true },
    { name: 'serviceLevel', type: 'select', options: levels },
    {
      name: 'environment',
      type: 'select',
      options: (t) => (['production', 'dev_test'] as const).map((e) => ({ value: e, label: t(`cmdb.env.${e}`) })),
    },
    { name: 'lanConnected', type: 'bool' },
    { name: 'closedNetwork', type: 'bool' },
    { name: 'internet', type: 'bool' },
    { name: 'notes', type: 'textarea', nullable: true },
  ],
  vm: [
    { name: 'name', type: 'text' },
    { name: 'os', type: 'text', nullable: true },
    { name: 'vcpu', type: 'int' },
    { name: 'memoryGib', type: 'number' },
    { name: 'diskGib', type: 'number' },
    {
      name: 'powerState',
      type: 'select',
      nullable: true,
      options: (t) => (['on', 'off', 'suspended'] as const).map((p) => ({ value: p, label: t(`cmdb.power.${p}`) })),
    },
    { name: 'provisionalProcedure', type: 'bool' },
    { name: 'hostPinned', type: 'bool' },
    { name: 'ha', type: 'bool' },
    { name: 'srm', type: 'bool' },
    { name: 'serviceLevelOverride', type: 'select', nullable: true, options: levels },
    { name: 'serviceLevelOverrideReason', type: 'text', nullable: true },
    { name: 'notes', type: 'textarea', nullable: true },
  ],
  host: [
    { name: 'name', type: 'text' },
    { name: 'ip', type: 'text', nullable: true },
    { name: 'os', type: 'text', nullable: true },
    { name: 'middlewareVersion', type: 'text', nullable: true },
    { name: 'model', type: 'text', nullable: true },
    { name: 'serialNumber', type: 'text', nullable: true },
    { name: 'cpuSockets', type: 'int' },
    { name: 'cpuCores', type: 'int' },
    { name: 'cpuGhz', type: 'number' },
    { name: 'memoryGib', type: 'number' },
    { name: 'localDiskGib', type: 'number' },
    { name: 'notes', type: 'textarea', nullable: true },
  ],
  cluster: [
    { name: 'name', type: 'text' },
    { name: 'haEnabled', type: 'bool' },
    { name: 'drsEnabled', type: 'bool' },
    { name: 'notes', type: 'textarea', nullable: true },
  ],
  site: [
    { name: 'name', type: 'text' },
    { name: 'code', type: 'text' },
    {
      name: 'role',
      type: 'select',
      options: (t) => (['main', 'sub'] as const).map((r) => ({ value: r, label: t(`cmdb.siteRole.${r}`) })),
    },
    { name: 'address', type: 'text', nullable: true },
    { name: 'notes', type: 'textarea', nullable: true },
  ],
};

type Values = Record<string, unknown>;

function initial(specs: FieldSpec[], ci: Values): Values {
  return Object.fromEntries(specs.map((f) => [f.name, ci[f.name] ?? (f.type === 'bool' ? false : null)]));
}

function normalise(f: FieldSpec, v: unknown): unknown {
  if (f.type === 'text' || f.type === 'textarea') {
    const s = typeof v === 'string' ? v.trim() : '';
    return s === '' && f.nullable ? null : s;
  }
  if (f.type === 'int' || f.type === 'number') return v === '' || v === null || v === undefined ? null : Number(v);
  if (f.type === 'select') return v === '' || v === undefined ? null : v;
  return v;
}

/**
 * The reason (required by the server on every change, CMDB-3) and the optional causing record.
 * Not blocked in the browser: the server's own Japanese message is shown under the field.
 */
function ReasonFields({
  reason,
  cause,
  setReason,
  setCause,
  error,
}: {
  reason: string;
  cause: string;
  setReason: (s: string) => void;
  setCause: (s: string) => void;
  error: ApiError | null;
}) {
  const t = useT();
  return (
    <>
      <Textarea
        label={t('cmdb.form.reason')}
        description={t('cmdb.form.reasonHint')}
        withAsterisk
        autosize
        minRows={2}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={error?.field('reason')}
        data-testid="form-reason"
      />
      <TextInput
        label={t('cmdb.form.cause')}
        description={t('cmdb.form.causeHint')}
        value={cause}
        onChange={(e) => setCause(e.currentTarget.value)}
        error={error?.field('cause')}
        data-testid="form-cause"
      />
    </>
  );
}

/** Alert for what the field messages do not already show. */
function FormError({ error, shownFields }: { error: ApiError | Error | null; shownFields: string[] }) {
  if (!error) return null;
  if (error instanceof ApiError) {
    const other = Object.entries(error.fields).filter(([k]) => !shownFields.includes(k));
    return (
      <Alert color="red" variant="light" data-testid="form-error">
        {error.message}
        {other.map(([k, v]) => (
          <div key={k}>
            {k}: {v}
          </div>
        ))}
      </Alert>
    );
  }
  return <ErrorAlert error={error} testId="form-error" />;
}

/**
 * A 409 without field errors is either a stale version or a rule (e.g. live children). Reload the
 * CI: if its version moved, somebody else changed it — say so and show the fresh values.
 */
async function isStale(reload: () => Promise<{ data?: CiBase }>, sentVersion: number): Promise<boolean> {
  const fresh = await reload();
  return !!fresh.data && fresh.data.version !== sentVersion;
}

function useStaleHandling(reload: () => Promise<{ data?: CiBase }>) {
  const [stale, setStale] = useState(false);
  const alertRef = useRef<HTMLDivElement>(null);
  // The alert sits at the top of a possibly scrolled form: bring it into view.
  useEffect(() => {
    if (stale) alertRef.current?.scrollIntoView({ block: 'start' });
  }, [stale]);
  const check = async (e: unknown, version: number) => {
    if (e instanceof ApiError && e.status === 409 && Object.keys(e.fields).length === 0 && (await isStale(reload, version))) {
      setStale(true);
      return true;
    }
    return false;
  };
  return { stale, setStale, check, alertRef };
}

/**
 * Checks a VM name against the naming rule (CMDB-9) before saving: the system's level (or the
 * override chosen in the form) must appear in the name. Advisory; the server enforces it on save.
 */
function NameCheck({ name, systemId, level }: { name: string; systemId: string | null; level: Level | null }) {
  const t = useT();
  const m = useMutation({
    mutationFn: () => checkName({ name: name.trim(), ...(systemId ? { systemId } : {}), ...(level ? { serviceLevel: level } : {}) }),
  });
  // A new name or level makes an old answer misleading.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on input change only
  useEffect(() => m.reset(), [name, level]);
  const r = m.data;
  return (
    <Group gap="xs" align="center" wrap="wrap" mt={-4} data-testid="name-check">
      <Button size="compact-xs" variant="light" onClick={() => m.mutate()} loading={m.isPending} disabled={!name.trim()} data-testid="name-check-button">
        {t('cmdb.naming.check')}
      </Button>
      {r?.ok && (
        <Text size="xs" c="green.8" data-testid="name-check-ok">
          {t('cmdb.naming.checkOk', { level: r.level })}
        </Text>
      )}
      {r && !r.ok && (
        <Text size="xs" c="red.8" data-testid="name-check-ng">
          {t('cmdb.naming.checkNg', { level: r.level })} <Code>{r.example}</Code>
        </Text>
      )}
      {m.error && (
        <Text size="xs" c="red.8" data-testid="name-check-error">
          {m.error instanceof ApiError ? (Object.values(m.error.fields)[0] ?? m.error.message) : m.error.message}
        </Text>
      )}
    </Group>
  );
}

export function EditForm({
  kind,
  ci,
  opened,
  onClose,
  reload,
  onSaved,
}: {
  kind: ScreenKind;
  ci: CiBase & Values;
  opened: boolean;
  onClose: () => void;
  reload: () => Promise<{ data?: CiBase }>;
  onSaved: (msg: string) => void;
}) {
  const t = useT();
  const qc = useQueryClient();
  const specs = EDIT_FIELDS[kind];
  const [values, setValues] = useState<Values>(() => initial(specs, ci));
  const [reason, setReason] = useState('');
  const [cause, setCause] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const { stale, setStale, check, alertRef } = useStaleHandling(reload);

  // Fresh values whenever the form opens or the CI was reloaded (after a stale save).
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on open and on a new version only
  useEffect(() => {
    setValues(initial(specs, ci));
    setNote(null);
  }, [opened, ci.version]);
  useEffect(() => {
    if (opened) setStale(false);
  }, [opened, setStale]);

  const m = useMutation({
    mutationFn: async (body: Values) => patchCi(kind, ci.id, body),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['cmdb'] });
      setReason('');
      setCause('');
      onSaved(t('cmdb.form.saved'));
      onClose();
    },
    onError: async (e, body) => {
      await check(e, body.version as number);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStale(false);
    const changed: Values = {};
    for (const f of specs) {
      const v = normalise(f, values[f.name]);
      if (JSON.stringify(v) !== JSON.stringify(ci[f.name] ?? null)) changed[f.name] = v;
    }
    if (Object.keys(changed).length === 0) {
      setNote(t('cmdb.form.noChanges'));
      return;
    }
    setNote(null);
    m.mutate({ ...changed, version: ci.version, reason, ...(cause.trim() ? { cause: cause.trim() } : {}), source: 'ui' });
  };

  const err = m.error instanceof ApiError ? m.error : null;
  const set = (name: string, v: unknown) => setValues((p) => ({ ...p, [name]: v }));

  return (
    <Modal opened={opened} onClose={onClose} title={t('cmdb.form.editTitle', { name: ci.name })} size="lg" data-testid="edit-modal">
      <form onSubmit={submit} noValidate data-testid="edit-form">
        <Stack gap="sm">
          {stale && (
            <Alert ref={alertRef} color="orange" variant="light" data-testid="stale-alert" style={{ scrollMarginTop: 80 }}>
              {t('cmdb.form.stale')}
            </Alert>
          )}
          {!stale && <FormError error={m.error} shownFields={[...specs.map((f) => f.name), 'reason', 'cause']} />}
          {note && (
            <Alert color="gray" variant="light" data-testid="form-note">
              {note}
            </Alert>
          )}
          {specs.map((f) => {
            const label = fieldLabel(t, f.name);
            const error = err?.field(f.name);
            const testId = `field-${f.name}`;
            switch (f.type) {
              case 'bool':
                return (
                  <Switch
                    key={f.name}
                    label={label}
                    checked={values[f.name] === true}
                    onChange={(e) => set(f.name, e.currentTarget.checked)}
                    error={error}
                    data-testid={testId}
                  />
                );
              case 'int':
              case 'number':
                return (
                  <NumberInput
                    key={f.name}
                    label={label}
                    value={(values[f.name] as number | null) ?? ''}
                    onChange={(v) => set(f.name, v)}
                    allowDecimal={f.type === 'number'}
                    min={0}
                    error={error}
                    data-testid={testId}
                  />
                );
              case 'select':
                return (
                  <Select
                    key={f.name}
                    label={label}
                    data={f.options?.(t) ?? []}
                    value={(values[f.name] as string | null) ?? null}
                    onChange={(v) => set(f.name, v)}
                    clearable={f.nullable}
                    error={error}
                    data-testid={testId}
                    comboboxProps={{ withinPortal: true }}
                  />
                );
              case 'textarea':
                return (
                  <Textarea
                    key={f.name}
                    label={label}
                    autosize
                    minRows={2}
                    value={(values[f.name] as string | null) ?? ''}
                    onChange={(e) => set(f.name, e.currentTarget.value)}
                    error={error}
                    data-testid={testId}
                  />
                );
              default:
                return (
                  <Stack key={f.name} gap={6}>
                    <TextInput
                      label={label}
                      value={(values[f.name] as string | null) ?? ''}
                      onChange={(e) => set(f.name, e.currentTarget.value)}
                      error={error}
                      data-testid={testId}
                    />
                    {kind === 'vm' && f.name === 'name' && (
                      <NameCheck
                        name={String(values.name ?? '')}
                        systemId={(ci.systemId as string | null) ?? null}
                        level={(values.serviceLevelOverride as Level | null) ?? null}
                      />
                    )}
                  </Stack>
                );
            }
          })}
          <ReasonFields reason={reason} cause={cause} setReason={setReason} setCause={setCause} error={err} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cmdb.form.cancel')}
            </Button>
            <Button type="submit" loading={m.isPending} data-testid="edit-submit">
              {t('cmdb.form.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function TransitionForm({
  kind,
  ci,
  next,
  opened,
  onClose,
  reload,
  onSaved,
}: {
  kind: ScreenKind;
  ci: CiBase;
  next: CiStatus[];
  opened: boolean;
  onClose: () => void;
  reload: () => Promise<{ data?: CiBase }>;
  onSaved: (msg: string) => void;
}) {
  const t = useT();
  const qc = useQueryClient();
  const [to, setTo] = useState<string | null>(next[0] ?? null);
  const [reason, setReason] = useState('');
  const [cause, setCause] = useState('');
  const { stale, setStale, check, alertRef } = useStaleHandling(reload);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when opened or the CI moved
  useEffect(() => {
    setTo(next[0] ?? null);
    if (opened) setStale(false);
  }, [opened, ci.status]);

  const m = useMutation({
    mutationFn: async (body: { to: CiStatus; version: number; reason: string; cause?: string }) =>
      transitionCi(kind, ci.id, { ...body, source: 'ui' }),
    onSuccess: async (row) => {
      await qc.invalidateQueries({ queryKey: ['cmdb'] });
      setReason('');
      setCause('');
      onSaved(t('cmdb.form.transitioned', { status: statusLabel(t, row.status) }));
      onClose();
    },
    onError: async (e, body) => {
      await check(e, body.version);
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;

  return (
    <Modal opened={opened} onClose={onClose} title={t('cmdb.form.statusTitle', { name: ci.name })} data-testid="transition-modal">
      <form
        noValidate
        data-testid="transition-form"
        onSubmit={(e) => {
          e.preventDefault();
          setStale(false);
          m.mutate({ to: to as CiStatus, version: ci.version, reason, ...(cause.trim() ? { cause: cause.trim() } : {}) });
        }}
      >
        <Stack gap="sm">
          {stale && (
            <Alert ref={alertRef} color="orange" variant="light" data-testid="stale-alert" style={{ scrollMarginTop: 80 }}>
              {t('cmdb.form.stale')}
            </Alert>
          )}
          {!stale && <FormError error={m.error} shownFields={['to', 'reason', 'cause']} />}
          <Select
            label={t('cmdb.form.to')}
            withAsterisk
            data={next.map((s) => ({ value: s, label: `${statusLabel(t, ci.status)} → ${statusLabel(t, s)}` }))}
            value={to}
            onChange={setTo}
            error={err?.field('to')}
            data-testid="transition-to"
            comboboxProps={{ withinPortal: true }}
          />
          <ReasonFields reason={reason} cause={cause} setReason={setReason} setCause={setCause} error={err} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cmdb.form.cancel')}
            </Button>
            <Button type="submit" loading={m.isPending} data-testid="transition-submit">
              {t('cmdb.form.apply')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
