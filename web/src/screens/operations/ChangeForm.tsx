import { Alert, Button, Group, Modal, MultiSelect, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, listDepartments } from '../../api';
import { categoryLabel, frequencyLabel, ownerRoleLabel, restoreKindLabel, scopeLabel } from './common';
import { useOT } from './i18n';
import {
  createChange,
  type EntryContent,
  editChange,
  OPERATION_CATEGORIES,
  OPERATION_FREQUENCIES,
  OPERATION_OWNER_ROLES,
  OPERATION_SCOPES,
  RESTORE_KINDS,
  type RestoreKind,
} from './operationsApi';

const BLANK: EntryContent = {
  title: '',
  scope: 'platform',
  category: 'routine',
  procedure: '',
  frequency: 'monthly',
  schedule: '',
  evidence: '',
  preconditions: '',
  ownerRole: 'operator',
  departmentId: null,
  restoreKinds: [],
  keywords: [],
};

export type ChangeFormMode =
  | { kind: 'add' }
  | { kind: 'change' | 'delete'; entryId: string; entryNo: string; content: EntryContent }
  | { kind: 'edit'; changeId: string; version: number; deleting: boolean; content: EntryContent; reason: string };

/**
 * 追加・変更・削除の依頼 (N §3.10.3.5), by the manager: the full content of the entry (procedure, frequency and
 * schedule, evidence, preconditions …) and the reason; a deletion asks only the reason. Also the correction
 * of a draft after a return. The server checks every field; its errors show under the field they name.
 */
export function ChangeForm({ mode, onClose, onSaved }: { mode: ChangeFormMode; onClose: () => void; onSaved: (id: string) => void }) {
  const t = useOT();
  const [c, setC] = useState<EntryContent>(mode.kind === 'add' ? BLANK : { ...BLANK, ...mode.content });
  const [keywords, setKeywords] = useState((c.keywords ?? []).join('\n'));
  const [reason, setReason] = useState(mode.kind === 'edit' ? mode.reason : '');
  const deleting = mode.kind === 'delete' || (mode.kind === 'edit' && mode.deleting);
  const depts = useQuery({
    queryKey: ['operations', 'departments'],
    queryFn: ({ signal }) => listDepartments({ page: 1, pageSize: 200 }, signal),
    enabled: c.scope === 'vm' && !deleting,
  });
  const content = (): EntryContent => ({
    ...c,
    departmentId: c.scope === 'vm' ? (c.departmentId ?? null) : null,
    keywords: keywords
      .split('\n')
      .map((x) => x.trim())
      .filter(Boolean),
  });
  const save = useMutation({
    mutationFn: async () => {
      if (mode.kind === 'edit') return editChange(mode.changeId, { version: mode.version, reason, ...(deleting ? {} : { content: content() }) });
      if (mode.kind === 'add') return createChange({ kind: 'add', content: content(), reason });
      if (mode.kind === 'change') return createChange({ kind: 'change', entryId: mode.entryId, content: content(), reason });
      return createChange({ kind: 'delete', entryId: mode.entryId, reason });
    },
    onSuccess: (r) => onSaved(r.id),
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const fe = (name: string) => err?.fields[`content.${name}`] ?? err?.fields[name];
  const set = <K extends keyof EntryContent>(k: K, v: EntryContent[K]) => setC((p) => ({ ...p, [k]: v }));
  const title =
    mode.kind === 'add'
      ? t('ops.form.title.add')
      : mode.kind === 'edit'
        ? t('ops.form.title.edit')
        : t(mode.kind === 'change' ? 'ops.form.title.change' : 'ops.form.title.delete', { entryNo: mode.entryNo });
  const opts = <V extends string>(list: readonly V[], label: (v: V) => string) => list.map((v) => ({ value: v, label: label(v) }));
  return (
    <Modal opened onClose={onClose} title={title} size="xl" data-testid="change-form">
      <Stack gap="sm">
        {deleting ? (
          <Alert color="orange" variant="light">
            {t('ops.form.delete.lead')}
          </Alert>
        ) : (
          <>
            <TextInput
              label={t('ops.name')}
              required
              value={c.title}
              onChange={(e) => set('title', e.currentTarget.value)}
              error={fe('title')}
              data-testid="cf-title"
            />
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <Select
                label={t('ops.scope')}
                data={opts(OPERATION_SCOPES, (v) => scopeLabel(t, v))}
                value={c.scope}
                onChange={(v) => v && set('scope', v as EntryContent['scope'])}
                allowDeselect={false}
                error={fe('scope')}
                data-testid="cf-scope"
              />
              <Select
                label={t('ops.category')}
                data={opts(OPERATION_CATEGORIES, (v) => categoryLabel(t, v))}
                value={c.category}
                onChange={(v) => v && set('category', v as EntryContent['category'])}
                allowDeselect={false}
                error={fe('category')}
                data-testid="cf-category"
              />
              <Select
                label={t('ops.ownerRole')}
                data={opts(OPERATION_OWNER_ROLES, (v) => ownerRoleLabel(t, v))}
                value={c.ownerRole}
                onChange={(v) => v && set('ownerRole', v as EntryContent['ownerRole'])}
                allowDeselect={false}
                error={fe('ownerRole')}
                data-testid="cf-owner-role"
              />
              <Select
                label={t('ops.frequency')}
                data={opts(OPERATION_FREQUENCIES, (v) => frequencyLabel(t, v))}
                value={c.frequency}
                onChange={(v) => v && set('frequency', v as EntryContent['frequency'])}
                allowDeselect={false}
                error={fe('frequency')}
                data-testid="cf-frequency"
              />
              <TextInput
                label={t('ops.schedule')}
                required
                value={c.schedule}
                onChange={(e) => set('schedule', e.currentTarget.value)}
                error={fe('schedule')}
                data-testid="cf-schedule"
                style={{ gridColumn: 'span 2' }}
              />
            </SimpleGrid>
            {c.scope === 'vm' && (
              <Select
                label={t('ops.department')}
                placeholder={t('ops.department.all')}
                data={(depts.data?.items ?? []).filter((d) => d.kind === 'prefecture').map((d) => ({ value: d.id, label: d.name }))}
                value={c.departmentId ?? null}
                onChange={(v) => set('departmentId', v)}
                clearable
                searchable
                error={fe('departmentId')}
                data-testid="cf-department"
              />
            )}
            <Textarea
              label={t('ops.procedure')}
              required
              autosize
              minRows={3}
              value={c.procedure}
              onChange={(e) => set('procedure', e.currentTarget.value)}
              error={fe('procedure')}
              data-testid="cf-procedure"
            />
            <Textarea
              label={t('ops.evidence')}
              required
              autosize
              minRows={2}
              value={c.evidence}
              onChange={(e) => set('evidence', e.currentTarget.value)}
              error={fe('evidence')}
              data-testid="cf-evidence"
            />
            <Textarea
              label={t('ops.preconditions')}
              required
              autosize
              minRows={2}
              value={c.preconditions}
              onChange={(e) => set('preconditions', e.currentTarget.value)}
              error={fe('preconditions')}
              data-testid="cf-preconditions"
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <MultiSelect
                label={t('ops.restoreKinds')}
                data={opts(RESTORE_KINDS, (v) => restoreKindLabel(t, v))}
                value={c.restoreKinds ?? []}
                onChange={(v) => set('restoreKinds', v as RestoreKind[])}
                error={fe('restoreKinds')}
                data-testid="cf-restore-kinds"
              />
              <Textarea
                label={t('ops.keywords')}
                description={t('ops.keywords.hint')}
                autosize
                minRows={2}
                value={keywords}
                onChange={(e) => setKeywords(e.currentTarget.value)}
                error={fe('keywords')}
                data-testid="cf-keywords"
              />
            </SimpleGrid>
          </>
        )}
        <Textarea
          label={t('ops.form.reason')}
          required
          autosize
          minRows={2}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={err?.fields.reason}
          data-testid="cf-reason"
        />
        {err && Object.keys(err.fields).length === 0 && (
          <Alert color="red" data-testid="cf-error">
            {err.message}
          </Alert>
        )}
        {err && Object.keys(err.fields).length > 0 && (
          <Text size="sm" c="red" data-testid="cf-error">
            {err.message}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('ops.form.cancel')}
          </Button>
          <Button loading={save.isPending} onClick={() => save.mutate()} data-testid="cf-submit">
            {mode.kind === 'edit' ? t('ops.form.save') : t('ops.form.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
