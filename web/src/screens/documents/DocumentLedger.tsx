import { Alert, Anchor, Badge, Button, Text } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { FilterInput } from '../../components/FilterInput';
import { LedgerTable } from '../../components/LedgerTable';
import { ListFooter } from '../../components/ListFooter';
import { ListPage } from '../../components/ListPage';
import { PAGE_SIZE, useListParams } from '../../components/useListParams';
import { roleLabel, useDateTime, useT } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { ExportLinks, ParamCheck, ParamSelect } from '../incidents/IncidentLedger';
import { DocumentForm } from './DocumentForm';
import { DOCUMENT_KINDS, DOCUMENT_RETENTIONS, documentExportHref, listDocuments, seedDocuments } from './documentsApi';
import { useDT } from './i18n';
import { MonthlyChangesLink } from './MonthlyChanges';

const nowrap = { style: { whiteSpace: 'nowrap' } } as const;

/**
 * ドキュメント一覧 (DOC-1): filter by kind, retention and work in flight, text search, sort and page on
 * the server, XLSX/CSV export of what is filtered; the register's managers (document.manage) add entries
 * and load N §3.6.3.1's rows.
 */
export function DocumentLedger() {
  const t = useDT();
  const tg = useT();
  const fmt = useDateTime();
  const user = useUser();
  const qc = useQueryClient();
  const nav = useNavigate();
  const params = useListParams();
  const { q, page, extra } = params;
  const sort = params.sort || 'docNo';
  const query = { q, sort, kind: extra('kind') ?? undefined, retention: extra('retention') ?? undefined, inProgress: extra('inProgress') ?? undefined };
  const list = useQuery({
    queryKey: ['documents', 'list', { ...query, page }],
    queryFn: ({ signal }) => listDocuments({ ...query, page, pageSize: PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
  const manage = hasPermission(user, 'document.manage');
  const [adding, setAdding] = useState(false);
  const seed = useMutation({ mutationFn: seedDocuments, onSuccess: () => qc.invalidateQueries({ queryKey: ['documents'] }) });
  const filtered = !!(q || query.kind || query.retention || query.inProgress);
  return (
    <>
      <ListPage
        title={t('doc.title')}
        testId="document-ledger"
        minWidth={1000}
        toolbar={
          <>
            <FilterInput value={q} onChange={params.setQ} />
            <ParamSelect params={params} name="kind" label={t('doc.kind')} data={DOCUMENT_KINDS.map((k) => ({ value: k, label: t(`doc.kind.${k}`) }))} w={110} />
            <ParamSelect params={params} name="retention" label={t('doc.retention')} data={DOCUMENT_RETENTIONS.map((k) => ({ value: k, label: t(`doc.ret.${k}`) }))} w={130} />
            <ParamCheck params={params} name="inProgress" label={t('doc.inProgress')} />
            <ExportLinks href={(f) => documentExportHref(f, query)} />
            <MonthlyChangesLink />
            {manage && (
              <>
                <Button variant="light" loading={seed.isPending} onClick={() => seed.mutate()} data-testid="document-seed">
                  {t('doc.seed')}
                </Button>
                <Button onClick={() => setAdding(true)} data-testid="document-new">
                  {t('doc.add')}
                </Button>
              </>
            )}
          </>
        }
        error={list.error ?? seed.error}
        loading={list.isFetching}
        table={
          <>
            {seed.data && (
              <Alert color="green" variant="light" withCloseButton onClose={() => seed.reset()} mb="sm" data-testid="document-seeded">
                {seed.data.added.length ? t('doc.seeded', { n: seed.data.added.length }) : t('doc.seeded.none')}
              </Alert>
            )}
            <LedgerTable
              rows={list.data?.items}
              sort={sort}
              onSort={params.setSort}
              empty={manage && !filtered ? t('doc.none.manager') : t('doc.none')}
              rowProps={(d) => ({ 'data-testid': 'document-row', 'data-doc': d.docNo })}
              ledgerId="documents"
              data-testid="documents-table"
              columns={[
                {
                  key: 'docNo',
                  header: t('doc.docNo'),
                  sortKey: 'docNo',
                  td: nowrap,
                  render: (d) => (
                    <Anchor component={Link} to={`/documents/${d.id}`} ff="monospace" size="sm" data-testid="document-link">
                      {d.docNo}
                    </Anchor>
                  ),
                },
                { key: 'kind', header: t('doc.kind'), sortKey: 'kind', td: nowrap, render: (d) => t(`doc.kind.${d.kind}`) },
                { key: 'name', header: t('doc.name'), sortKey: 'name', ellipsis: 210, title: (d) => d.name, render: (d) => d.name },
                { key: 'location', header: t('doc.location'), ellipsis: 200, title: (d) => d.location, render: (d) => d.location, defaultHidden: true },
                { key: 'retention', header: t('doc.retention'), sortKey: 'retention', td: nowrap, render: (d) => t(`doc.ret.${d.retention}`) },
                { key: 'authorRole', header: t('doc.authorRole'), td: nowrap, render: (d) => roleLabel(tg, d.authorRole) },
                { key: 'reviewerRole', header: t('doc.reviewerRole'), td: nowrap, render: (d) => roleLabel(tg, d.reviewerRole) },
                { key: 'approverRole', header: t('doc.approverRole'), td: nowrap, render: (d) => roleLabel(tg, d.approverRole) },
                {
                  key: 'affectsOwners',
                  header: t('doc.affectsOwners.short'),
                  label: t('doc.affectsOwners'),
                  td: nowrap,
                  render: (d) =>
                    d.affectsOwners ? (
                      <Badge size="sm" variant="light" tt="none">
                        {t('doc.yes')}
                      </Badge>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('doc.no')}
                      </Text>
                    ),
                },
                {
                  key: 'current',
                  header: t('doc.current'),
                  sortKey: 'currentRevisionNo',
                  td: { ...nowrap, 'data-testid': 'document-current' },
                  render: (d) =>
                    d.currentRevisionNo ? (
                      t('doc.revNo', { n: d.currentRevisionNo })
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('doc.noCurrent')}
                      </Text>
                    ),
                },
                { key: 'revisedAt', header: t('doc.revisedAt'), td: nowrap, render: (d) => (d.revisedAt ? fmt(d.revisedAt) : '—') },
                { key: 'reason', header: t('doc.reason'), ellipsis: 220, title: (d) => d.revisionReason, render: (d) => d.revisionReason ?? '—', defaultHidden: true },
                { key: 'revisedBy', header: t('doc.revisedBy'), ellipsis: 160, render: (d) => d.revisedBy ?? '—', defaultHidden: true },
                { key: 'approvedBy', header: t('doc.approvedBy'), ellipsis: 160, render: (d) => d.approvedBy ?? '—', defaultHidden: true },
              ]}
            />
          </>
        }
        footer={list.data && <ListFooter total={list.data.total} page={page} pageSize={list.data.pageSize || PAGE_SIZE} onPage={params.setPage} />}
      />
      {adding && (
        <DocumentForm
          opened
          onClose={() => setAdding(false)}
          onSaved={async (row) => {
            setAdding(false);
            await qc.invalidateQueries({ queryKey: ['documents'] });
            nav(`/documents/${row.id}`);
          }}
        />
      )}
    </>
  );
}
