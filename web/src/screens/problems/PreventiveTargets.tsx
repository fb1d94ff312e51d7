import { Alert, Button, Checkbox, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LedgerTable } from '../../components/LedgerTable';
import { ListPage } from '../../components/ListPage';
import { hasPermission, useUser } from '../../session';
import { Flash } from '../incidents/common';
import { labelOf, useIT } from '../incidents/i18n';
import { createPreventiveTarget, listPreventiveTargets, type PreventiveTarget, type PreventiveTargetInput, updatePreventiveTarget } from '../incidents/opsApi';
import { useOpsT } from '../incidents/opsI18n';

const CATEGORIES = ['hardware', 'software'] as const;
const KINDS = ['esxi', 'management_server', 'storage', 'network'] as const;

/** The problem module's two lists: the ledger and the preventive-maintenance targets. */
export function ProblemTabs() {
  const t = useIT();
  const { pathname } = useLocation();
  const onTargets = pathname.startsWith('/problems/targets');
  return (
    <Group gap="xs">
      <Button component={Link} to="/problems" size="xs" variant={onTargets ? 'default' : 'light'} data-testid="problems-tab-ledger">
        {t('prb.title')}
      </Button>
      <Button component={Link} to="/problems/targets" size="xs" variant={onTargets ? 'light' : 'default'} data-testid="problems-tab-targets">
        {t('prb.targets')}
      </Button>
    </Group>
  );
}

interface Draft {
  category: PreventiveTargetInput['category'];
  kind: PreventiveTargetInput['kind'];
  name: string;
  vendor: string;
  collectionMethod: string;
  notes: string;
  active: boolean;
}
const EMPTY: Draft = { category: 'hardware', kind: 'esxi', name: '', vendor: '', collectionMethod: '', notes: '', active: true };
const draftOf = (x: PreventiveTarget): Draft => ({
  category: x.category,
  kind: x.kind,
  name: x.name,
  vendor: x.vendor ?? '',
  collectionMethod: x.collectionMethod ?? '',
  notes: x.notes ?? '',
  active: x.active,
});

/** Add (`target` null) or edit one target; the server's field errors show under their fields. */
function TargetDialog({
  opened,
  target,
  onClose,
  onSaved,
  onStale,
}: {
  opened: boolean;
  target: PreventiveTarget | null;
  onClose: () => void;
  onSaved: (x: PreventiveTarget, added: boolean) => void;
  onStale: () => void;
}) {
  const t = useIT();
  const o = useOpsT();
  const [v, setV] = useState<Draft>(EMPTY);
  const [shownFor, setShownFor] = useState<string | null>(null);
  const key = opened ? (target?.id ?? 'new') : null;
  if (key !== shownFor) {
    setShownFor(key);
    setV(target ? draftOf(target) : EMPTY);
  }
  const m = useMutation({
    mutationFn: () => {
      const body = { category: v.category, kind: v.kind, name: v.name.trim(), vendor: v.vendor.trim(), collectionMethod: v.collectionMethod.trim(), notes: v.notes.trim() };
      if (target) return updatePreventiveTarget(target.id, { ...body, version: target.version, active: v.active });
      const { vendor, collectionMethod, notes, ...required } = body;
      return createPreventiveTarget({ ...required, ...(vendor && { vendor }), ...(collectionMethod && { collectionMethod }), ...(notes && { notes }) });
    },
    onSuccess: (x) => {
      m.reset();
      onSaved(x, !target);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409) {
        m.reset();
        onStale();
      }
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;
  const close = () => {
    m.reset();
    onClose();
  };
  const set = <K extends keyof Draft>(k: K, x: Draft[K]) => setV((d) => ({ ...d, [k]: x }));
  return (
    <Modal opened={opened} onClose={close} title={o(target ? 'pt.dialog.edit' : 'pt.dialog.add')} size="lg" data-testid="target-dialog">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
        data-testid="target-form"
      >
        <Stack gap="sm">
          <ErrorAlert error={err && Object.keys(err.fields).length ? null : m.error} testId="target-error" />
          <Group grow align="flex-start">
            <Select
              label={t('prb.t.category')}
              required
              allowDeselect={false}
              data={CATEGORIES.map((c) => ({ value: c, label: t(`prb.t.cat.${c}`) }))}
              value={v.category}
              onChange={(x) => x && set('category', x as Draft['category'])}
              error={err?.fields.category}
              comboboxProps={{ withinPortal: true }}
              data-testid="target-category"
            />
            <Select
              label={t('prb.t.kind')}
              required
              allowDeselect={false}
              data={KINDS.map((k) => ({ value: k, label: labelOf(t, `prb.t.kind.${k}`, k) }))}
              value={v.kind}
              onChange={(x) => x && set('kind', x as Draft['kind'])}
              error={err?.fields.kind}
              comboboxProps={{ withinPortal: true }}
              data-testid="target-kind"
            />
          </Group>
          <TextInput label={t('prb.t.name')} required value={v.name} onChange={(e) => set('name', e.currentTarget.value)} error={err?.fields.name} data-testid="target-name" />
          <TextInput label={t('prb.t.vendor')} value={v.vendor} onChange={(e) => set('vendor', e.currentTarget.value)} error={err?.fields.vendor} data-testid="target-vendor" />
          <Textarea
            label={t('prb.t.collectionMethod')}
            autosize
            minRows={2}
            value={v.collectionMethod}
            onChange={(e) => set('collectionMethod', e.currentTarget.value)}
            error={err?.fields.collectionMethod}
            data-testid="target-collectionMethod"
          />
          <Textarea label={o('pt.notes')} autosize minRows={2} value={v.notes} onChange={(e) => set('notes', e.currentTarget.value)} error={err?.fields.notes} data-testid="target-notes" />
          {target && <Checkbox label={o('pt.active')} checked={v.active} onChange={(e) => set('active', e.currentTarget.checked)} data-testid="target-active" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {o('pt.cancel')}
            </Button>
            <Button type="submit" loading={m.isPending} data-testid="target-submit">
              {o('pt.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * 予防保守対象機器一覧 (PRB-4, N §3.3.3.4 / §3.3.4): what preventive-maintenance information is
 * collected and reported for, by hardware and software. Those who manage problems add rows and edit
 * them (a target no longer followed is marked inactive, never deleted).
 */
export function PreventiveTargets() {
  const t = useIT();
  const o = useOpsT();
  const qc = useQueryClient();
  const user = useUser();
  const canEdit = hasPermission(user, 'problem.manage');
  const [category, setCategory] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ target: PreventiveTarget | null } | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const q = useQuery({ queryKey: ['problems', 'targets', category], queryFn: ({ signal }) => listPreventiveTargets({ category: category ?? undefined }, signal) });
  return (
    <Stack gap="sm">
      <ProblemTabs />
      <Flash message={flash} onClose={() => setFlash(null)} />
      {stale && (
        <Alert color="orange" variant="light" withCloseButton onClose={() => setStale(false)} data-testid="target-stale">
          {o('pt.stale')}
        </Alert>
      )}
      <ListPage
        title={t('prb.targets')}
        testId="preventive-targets"
        minWidth={900}
        toolbar={
          <>
            <Text size="sm" c="dimmed" w="100%">
              {o('pt.intro')}
            </Text>
            <Select
              aria-label={t('prb.t.category')}
              placeholder={t('prb.t.category')}
              clearable
              data={CATEGORIES.map((c) => ({ value: c, label: t(`prb.t.cat.${c}`) }))}
              value={category}
              onChange={setCategory}
              w={180}
              data-testid="filter-category"
            />
            {canEdit && (
              <Button onClick={() => setDialog({ target: null })} data-testid="target-add">
                {o('pt.add')}
              </Button>
            )}
          </>
        }
        error={q.error}
        loading={q.isFetching}
        table={
          <LedgerTable
            rows={q.data?.items}
            empty={t('prb.t.none')}
            rowProps={(x) => ({ 'data-testid': 'target-row', 'data-active': String(x.active) })}
            data-testid="targets-table"
            columns={[
              { key: 'category', header: t('prb.t.category'), render: (x) => t(`prb.t.cat.${x.category}`) },
              { key: 'kind', header: t('prb.t.kind'), render: (x) => labelOf(t, `prb.t.kind.${x.kind}`, x.kind) },
              { key: 'name', header: t('prb.t.name'), ellipsis: 'grow', title: (x) => x.name, render: (x) => x.name },
              { key: 'vendor', header: t('prb.t.vendor'), ellipsis: 200, render: (x) => x.vendor || '—' },
              { key: 'collectionMethod', header: t('prb.t.collectionMethod'), ellipsis: 280, title: (x) => x.collectionMethod, render: (x) => x.collectionMethod || '—' },
              { key: 'notes', header: o('pt.notes'), ellipsis: 200, title: (x) => x.notes, render: (x) => x.notes || '—' },
              {
                key: 'active',
                header: t('prb.t.active'),
                render: (x) =>
                  x.active ? (
                    '○'
                  ) : (
                    <Text size="sm" c="dimmed">
                      {o('pt.inactive')}
                    </Text>
                  ),
              },
              ...(canEdit
                ? [
                    {
                      key: 'edit',
                      header: o('pt.col.action'),
                      render: (x: PreventiveTarget) => (
                        <Button size="compact-sm" variant="light" onClick={() => setDialog({ target: x })} data-testid="target-edit">
                          {o('pt.edit')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        }
      />
      <TargetDialog
        opened={!!dialog}
        target={dialog?.target ?? null}
        onClose={() => setDialog(null)}
        onSaved={async (x, added) => {
          setDialog(null);
          setStale(false);
          setFlash(o(added ? 'pt.added' : 'pt.saved', { name: x.name }));
          await qc.invalidateQueries({ queryKey: ['problems', 'targets'] });
        }}
        onStale={async () => {
          setDialog(null);
          setFlash(null);
          setStale(true);
          await qc.invalidateQueries({ queryKey: ['problems', 'targets'] });
        }}
      />
    </Stack>
  );
}
