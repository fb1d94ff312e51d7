import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api';
import { listCis, type VmRow } from '../cmdb/cmdbApi';
import { restoreKindLabel } from './common';
import { useOT } from './i18n';
import { createRestore, RESTORE_KINDS, type RestoreKind } from './operationsApi';

/**
 * リストア依頼 (BAK-5): which VM (an owner sees and may pick only their department's), which kind (仮想マシン・
 * 仮想ディスク・ファイル/フォルダ・遠隔地), what (disk name, path), from which backup, and why. The server
 * routes it to the operations list's entry for that kind.
 */
export function RestoreForm({ vmId, onClose, onSaved }: { vmId?: string; onClose: () => void; onSaved: (id: string) => void }) {
  const t = useOT();
  const [vm, setVm] = useState<string | null>(vmId ?? null);
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState<RestoreKind>('vm');
  const [target, setTarget] = useState('');
  const [restorePoint, setRestorePoint] = useState('');
  const [reason, setReason] = useState('');
  const vms = useQuery({
    queryKey: ['operations', 'restore-vms', search],
    queryFn: ({ signal }) => listCis<VmRow>('vm', { q: search || undefined, pageSize: 100, sort: 'name' }, signal),
  });
  const save = useMutation({
    mutationFn: () => createRestore({ vmId: vm ?? '', kind, target, restorePoint, reason }),
    onSuccess: (r) => onSaved(r.id),
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const options = (vms.data?.items ?? []).filter((v) => v.status !== 'retired').map((v) => ({ value: v.id, label: v.name }));
  return (
    <Modal opened onClose={onClose} title={t('rst.new')} size="lg" data-testid="restore-form">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('rst.lead')}
        </Text>
        <Select
          label={t('rst.vm')}
          placeholder={t('rst.vm.pick')}
          required
          searchable
          data={options}
          value={vm}
          onChange={setVm}
          onSearchChange={setSearch}
          nothingFoundMessage="—"
          error={err?.fields.vmId}
          data-testid="rf-vm"
          comboboxProps={{ withinPortal: true }}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('rst.kind')}
          </Text>
          <SegmentedControl
            value={kind}
            onChange={(v) => setKind(v as RestoreKind)}
            data={RESTORE_KINDS.map((k) => ({ value: k, label: restoreKindLabel(t, k) }))}
            data-testid="rf-kind"
          />
        </Stack>
        <TextInput
          label={t('rst.target')}
          description={t(`rst.target.hint.${kind}`)}
          required={kind === 'disk' || kind === 'file'}
          value={target}
          onChange={(e) => setTarget(e.currentTarget.value)}
          error={err?.fields.target}
          data-testid="rf-target"
        />
        <TextInput
          label={t('rst.restorePoint')}
          description={t('rst.restorePoint.hint')}
          required
          value={restorePoint}
          onChange={(e) => setRestorePoint(e.currentTarget.value)}
          error={err?.fields.restorePoint}
          data-testid="rf-point"
        />
        <Textarea
          label={t('rst.reason')}
          required
          autosize
          minRows={2}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={err?.fields.reason}
          data-testid="rf-reason"
        />
        {err && (
          <Alert color="red" data-testid="rf-error">
            {err.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('ops.form.cancel')}
          </Button>
          <Button loading={save.isPending} onClick={() => save.mutate()} data-testid="rf-submit">
            {t('rst.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
