import { Anchor, Button, Group, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { hasPermission, useUser } from '../../session';
import { Section } from '../../workbench';
import { attachChangeDocument, detachChangeDocument, listChangeDocuments, listDocuments, revisionFileHref } from '../documents/documentsApi';
import { useDT } from '../documents/i18n';

/**
 * The procedure documents of a change, from ドキュメント一覧 (issue 10 §9): the list with the current
 * version's download; who may manage changes attaches and removes them.
 */
export function ChangeDocuments({ changeId }: { changeId: string }) {
  const t = useDT();
  const user = useUser();
  const qc = useQueryClient();
  const key = ['changes', 'documents', changeId];
  const list = useQuery({ queryKey: key, queryFn: ({ signal }) => listChangeDocuments(changeId, signal) });
  const manage = hasPermission(user, 'change.manage') && hasPermission(user, 'document.read');
  const [search, setSearch] = useState('');
  const [pick, setPick] = useState<string | null>(null);
  const register = useQuery({
    queryKey: ['documents', 'list', { q: search, pick: true }],
    queryFn: ({ signal }) => listDocuments({ q: search || undefined, pageSize: 50, sort: 'docNo' }, signal),
    enabled: manage,
  });
  const done = { onSuccess: (r: { items: unknown[] }) => { qc.setQueryData(key, r); setPick(null); } };
  const attach = useMutation({ mutationFn: (id: string) => attachChangeDocument(changeId, id), ...done });
  const detach = useMutation({ mutationFn: (id: string) => detachChangeDocument(changeId, id), ...done });
  if (!hasPermission(user, 'document.read')) return null;
  const items = list.data?.items ?? [];
  const attached = new Set(items.map((d) => d.documentId));
  return (
    <Section title={t('doc.change.title')} testId="change-documents">
      <Stack gap="xs">
        <ErrorAlert error={list.error ?? attach.error ?? detach.error} />
        {items.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="change-documents-none">
            {t('doc.change.none')}
          </Text>
        ) : (
          items.map((d) => (
            <Group key={d.documentId} gap={6} wrap="nowrap" data-testid="change-document">
              <Anchor component={Link} to={`/documents/${d.documentId}`} ff="monospace" size="sm">
                {d.docNo}
              </Anchor>
              <Text size="sm" style={{ flex: 1 }} lineClamp={1}>
                {d.name}
              </Text>
              {d.currentRevisionId ? (
                <Anchor href={revisionFileHref(d.currentRevisionId)} size="sm" download data-testid="change-document-download">
                  {t('doc.revNo', { n: d.currentRevisionNo ?? 0 })} {t('doc.download')}
                </Anchor>
              ) : (
                <Text size="xs" c="dimmed">
                  {t('doc.change.noCurrent')}
                </Text>
              )}
              {manage && (
                <Button size="compact-xs" variant="subtle" color="red" loading={detach.isPending} onClick={() => detach.mutate(d.documentId)} data-testid="change-document-detach">
                  {t('doc.change.detach')}
                </Button>
              )}
            </Group>
          ))
        )}
        {manage && (
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <Select
              placeholder={t('doc.change.pick')}
              aria-label={t('doc.change.pick')}
              searchable
              clearable
              searchValue={search}
              onSearchChange={setSearch}
              filter={({ options }) => options}
              data={(register.data?.items ?? []).filter((d) => !attached.has(d.id)).map((d) => ({ value: d.id, label: `${d.docNo} ${d.name}` }))}
              value={pick}
              onChange={setPick}
              style={{ flex: 1 }}
              comboboxProps={{ withinPortal: true }}
              data-testid="change-document-pick"
            />
            <Button size="sm" variant="light" disabled={!pick} loading={attach.isPending} onClick={() => pick && attach.mutate(pick)} data-testid="change-document-attach">
              {t('doc.change.attach')}
            </Button>
          </Group>
        )}
      </Stack>
    </Section>
  );
}
