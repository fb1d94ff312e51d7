import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api';
import { roleLabel, useT } from '../../i18n';
import {
  APPROVER_ROLES,
  AUTHOR_ROLES,
  createDocument,
  DOCUMENT_KINDS,
  DOCUMENT_RETENTIONS,
  type DocumentBody,
  type DocumentRow,
  REVIEWER_ROLES,
  updateDocument,
} from './documentsApi';
import { useDT } from './i18n';

type Doc = Pick<DocumentRow, 'id' | 'version' | 'name' | 'kind' | 'location' | 'retention' | 'authorRole' | 'reviewerRole' | 'approverRole' | 'affectsOwners'>;

const EMPTY: DocumentBody = { name: '', kind: 'document', location: 'ファイルサーバ', retention: 'latest', authorRole: 'operator', reviewerRole: 'vendor_manager', approverRole: 'vendor_manager', affectsOwners: false };

/**
 * Adds a register entry (POST) or edits one (PATCH with the version it was read at: a stale version is
 * a 409, and the form asks to reload — `onStale`). Only the changed fields are sent on an edit.
 */
export function DocumentForm({ doc, opened, onClose, onSaved, onStale }: { doc?: Doc; opened: boolean; onClose: () => void; onSaved: (row: DocumentRow) => void; onStale?: () => void }) {
  const t = useDT();
  const tg = useT();
  const start: DocumentBody = doc
    ? { name: doc.name, kind: doc.kind, location: doc.location, retention: doc.retention, authorRole: doc.authorRole as DocumentBody['authorRole'], reviewerRole: doc.reviewerRole as DocumentBody['reviewerRole'], approverRole: doc.approverRole as DocumentBody['approverRole'], affectsOwners: doc.affectsOwners }
    : EMPTY;
  const [v, setV] = useState<DocumentBody>(start);
  const set = <K extends keyof DocumentBody>(k: K, x: DocumentBody[K]) => setV((p) => ({ ...p, [k]: x }));
  const save = useMutation({
    mutationFn: () => {
      if (!doc) return createDocument(v);
      const patch = Object.fromEntries(Object.entries(v).filter(([k, x]) => start[k as keyof DocumentBody] !== x));
      return updateDocument(doc.id, { ...patch, version: doc.version });
    },
    onSuccess: (row) => onSaved(row),
  });
  const err = save.error instanceof ApiError ? save.error : null;
  const stale = err?.status === 409;
  const roles = (list: readonly string[]) => list.map((r) => ({ value: r, label: roleLabel(tg, r) }));
  const common = (k: keyof DocumentBody) => ({ error: err?.fields[k], 'data-testid': `doc-field-${k}`, comboboxProps: { withinPortal: true } });
  return (
    <Modal opened={opened} onClose={onClose} title={doc ? t('doc.edit') : t('doc.add')} size="lg">
      <Stack data-testid="document-form">
        <TextInput label={t('doc.name')} required value={v.name} onChange={(e) => set('name', e.currentTarget.value)} error={err?.fields.name} data-testid="doc-field-name" />
        <TextInput label={t('doc.location')} required value={v.location} onChange={(e) => set('location', e.currentTarget.value)} error={err?.fields.location} data-testid="doc-field-location" />
        <SimpleGrid cols={2}>
          <Select label={t('doc.kind')} data={DOCUMENT_KINDS.map((k) => ({ value: k, label: t(`doc.kind.${k}`) }))} value={v.kind} onChange={(x) => x && set('kind', x as DocumentBody['kind'])} {...common('kind')} />
          <Select label={t('doc.retention')} data={DOCUMENT_RETENTIONS.map((k) => ({ value: k, label: t(`doc.ret.${k}`) }))} value={v.retention} onChange={(x) => x && set('retention', x as DocumentBody['retention'])} {...common('retention')} />
        </SimpleGrid>
        <SimpleGrid cols={3}>
          <Select label={t('doc.authorRole')} data={roles(AUTHOR_ROLES)} value={v.authorRole} onChange={(x) => x && set('authorRole', x as DocumentBody['authorRole'])} {...common('authorRole')} />
          <Select label={t('doc.reviewerRole')} data={roles(REVIEWER_ROLES)} value={v.reviewerRole} onChange={(x) => x && set('reviewerRole', x as DocumentBody['reviewerRole'])} {...common('reviewerRole')} />
          <Select label={t('doc.approverRole')} data={roles(APPROVER_ROLES)} value={v.approverRole} onChange={(x) => x && set('approverRole', x as DocumentBody['approverRole'])} {...common('approverRole')} />
        </SimpleGrid>
        <Switch label={t('doc.affectsOwners')} description={t('doc.affectsOwners.hint')} checked={!!v.affectsOwners} onChange={(e) => set('affectsOwners', e.currentTarget.checked)} data-testid="doc-field-affectsOwners" />
        {stale ? (
          <Alert color="orange" data-testid="stale-alert">
            <Stack gap="xs">
              <Text size="sm">{t('doc.stale')}</Text>
              {onStale && (
                <Button size="xs" variant="light" onClick={onStale}>
                  OK
                </Button>
              )}
            </Stack>
          </Alert>
        ) : (
          err && Object.keys(err.fields).length === 0 && <Alert color="red">{err.message}</Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('doc.cancel')}
          </Button>
          <Button loading={save.isPending} disabled={stale} onClick={() => save.mutate()} data-testid="doc-save">
            {t('doc.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
