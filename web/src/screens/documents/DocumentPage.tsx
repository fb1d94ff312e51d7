import { Alert, Anchor, Badge, Button, FileInput, Group, Select, SimpleGrid, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { PageLoader } from '../../components/PageLoader';
import { roleLabel, useDateTime, useLang, useT } from '../../i18n';
import { bi, Section } from '../../workbench';
import { StateBadge } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { DocumentForm } from './DocumentForm';
import { type DocumentDetail, fileSize, getDiff, getDocument, revisionFileHref, startRevision } from './documentsApi';
import { type DKey, type DT, useDT } from './i18n';

function Revisions({ d, t }: { d: DocumentDetail; t: DT }) {
  const fmt = useDateTime();
  return (
    <Section title={t('doc.revisions')} testId="document-revisions">
      {d.revisions.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="document-revisions-none">
          {t('doc.revisions.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table fz="sm" striped withRowBorders>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('doc.revision')}</Table.Th>
                <Table.Th>{t('doc.state')}</Table.Th>
                <Table.Th>{t('doc.reason')}</Table.Th>
                <Table.Th>{t('doc.revisedBy')}</Table.Th>
                <Table.Th>{t('doc.approvedBy')}</Table.Th>
                <Table.Th>{t('doc.revisedAt')}</Table.Th>
                <Table.Th>{t('doc.file')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.revisions.map((r) => (
                <Table.Tr key={r.id} data-testid="document-revision" data-rev={r.revisionNo} data-state={r.state}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Group gap={4} wrap="nowrap">
                      <Anchor component={Link} to={`/documents/revisions/${r.id}`} size="sm" data-testid="revision-link">
                        {t('doc.revNo', { n: r.revisionNo })}
                      </Anchor>
                      {r.id === d.currentRevisionId && (
                        <Badge size="sm" color="green" tt="none" style={{ minWidth: 'max-content' }} data-testid="revision-current">
                          {t('doc.current')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <div style={{ width: 'max-content' }}>
                      <StateBadge state={r.state} label={r.stateLabel} />
                    </div>
                  </Table.Td>
                  <Table.Td style={{ maxWidth: 280 }}>
                    <Text size="sm" lineClamp={2} title={r.reason}>
                      {r.reason}
                    </Text>
                  </Table.Td>
                  <Table.Td>{r.authorLabel}</Table.Td>
                  <Table.Td>{r.approvedByLabel ?? '—'}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{r.publishedAt ? fmt(r.publishedAt) : '—'}</Table.Td>
                  <Table.Td>
                    {r.file ? (
                      <Anchor href={revisionFileHref(r.id)} size="sm" download data-testid="revision-download" title={`SHA-256 ${r.file.sha256}`}>
                        {r.file.fileName}（{fileSize(r.file.size)}）
                      </Anchor>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('doc.noFile')}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

/** The diff's fields (server keys) in the UI language; the server's Japanese label otherwise. */
const DIFF_LABELS: Record<string, DKey> = {
  state: 'doc.state',
  reason: 'doc.reason',
  summary: 'doc.summary',
  publishedAt: 'doc.revisedAt',
  authorLabel: 'doc.revisedBy',
  approvedByLabel: 'doc.approvedBy',
  fileName: 'doc.diff.fileName',
  size: 'doc.diff.size',
  sha256: 'doc.rev.sha',
  reviewerRole: 'doc.reviewerRole',
  approverRole: 'doc.approverRole',
};

function Diff({ d, t }: { d: DocumentDetail; t: DT }) {
  const nos = d.revisions.map((r) => r.revisionNo);
  const [from, setFrom] = useState<string | null>(nos[1] ? String(nos[1]) : null);
  const [to, setTo] = useState<string | null>(nos[0] ? String(nos[0]) : null);
  const ready = !!from && !!to && from !== to;
  const diff = useQuery({ queryKey: ['documents', 'diff', d.id, from, to], queryFn: ({ signal }) => getDiff(d.id, Number(from), Number(to), signal), enabled: ready });
  if (nos.length < 2) return null;
  const data = nos.map((n) => ({ value: String(n), label: t('doc.revNo', { n }) }));
  return (
    <Section title={t('doc.diff')} testId="document-diff">
      <Group gap="sm" mb="sm">
        <Select label={t('doc.diff.from')} data={data} value={from} onChange={setFrom} w={120} data-testid="diff-from" comboboxProps={{ withinPortal: true }} />
        <Select label={t('doc.diff.to')} data={data} value={to} onChange={setTo} w={120} data-testid="diff-to" comboboxProps={{ withinPortal: true }} />
      </Group>
      <ErrorAlert error={diff.error} />
      {diff.data && (
        <Stack gap="xs">
          <Text size="sm" c={diff.data.sameFile ? 'dimmed' : 'orange.8'} data-testid="diff-file">
            {diff.data.sameFile ? t('doc.diff.sameFile') : t('doc.diff.otherFile')}
          </Text>
          <Table fz="sm" withRowBorders data-testid="diff-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('doc.diff.field')}</Table.Th>
                <Table.Th>{t('doc.revNo', { n: diff.data.from })}</Table.Th>
                <Table.Th>{t('doc.revNo', { n: diff.data.to })}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {diff.data.fields.map((f) => (
                <Table.Tr key={f.key} data-testid="diff-row" data-changed={f.changed} style={f.changed ? { background: 'var(--mantine-color-yellow-0)' } : undefined}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }} fw={f.changed ? 600 : undefined}>
                    {DIFF_LABELS[f.key] ? t(DIFF_LABELS[f.key]!) : f.label}
                  </Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{f.from ?? '—'}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{f.to ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Section>
  );
}

/** 改版を開始: the new version's file and 改版理由 (and what changed), by the document's author role. */
function StartRevision({ d, t }: { d: DocumentDetail; t: DT }) {
  const { lang } = useLang();
  const tg = useT();
  const nav = useNavigate();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [reason, setReason] = useState('');
  const [summary, setSummary] = useState('');
  const start = useMutation({
    mutationFn: () => {
      const form = new FormData();
      form.append('reason', reason);
      if (summary.trim()) form.append('summary', summary);
      if (file) form.append('file', file, file.name);
      return startRevision(d.id, form);
    },
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: ['documents'] });
      await qc.invalidateQueries({ queryKey: ['workbench'] });
      nav(`/documents/revisions/${r.id}`);
    },
  });
  const open = d.revisions.find((r) => ['draft', 'review', 'approval', 'approved'].includes(r.state));
  if (!d.canRevise) {
    if (!open && !d.canManage) return null;
    return (
      <Section title={t('doc.startRevision')} testId="document-start-revision">
        <Text size="sm" c="dimmed" data-testid="start-revision-refused">
          {open ? t('doc.startRevision.open', { rev: `${t('doc.revNo', { n: open.revisionNo })}・${bi(lang, open.stateLabel)}` }) : t('doc.startRevision.notAuthor', { role: roleLabel(tg, d.authorRole) })}
        </Text>
        {open && (
          <Anchor component={Link} to={`/documents/revisions/${open.id}`} size="sm">
            {t('doc.open')} →
          </Anchor>
        )}
      </Section>
    );
  }
  const err = start.error instanceof ApiError ? start.error : null;
  return (
    <Section title={t('doc.startRevision')} testId="document-start-revision">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('doc.startRevision.lead')}
        </Text>
        <FileInput label={t('doc.upload')} placeholder={t('doc.upload.pick')} required value={file} onChange={setFile} error={err?.fields.file} data-testid="revision-file" clearable />
        <Textarea label={t('doc.reason')} required autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={err?.fields.reason} data-testid="revision-reason" />
        <Textarea label={t('doc.summary')} autosize minRows={2} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} error={err?.fields.summary} data-testid="revision-summary" />
        {err && Object.keys(err.fields).length === 0 && <Alert color="red">{err.message}</Alert>}
        <Group justify="flex-end">
          <Button disabled={!file || !reason.trim()} loading={start.isPending} onClick={() => start.mutate()} data-testid="revision-start">
            {t('doc.start')}
          </Button>
        </Group>
      </Stack>
    </Section>
  );
}

/** One document of ドキュメント一覧: its register entry, revision history with downloads, metadata diff, 改版を開始. */
export function DocumentPage() {
  const { id = '' } = useParams();
  const t = useDT();
  const tg = useT();
  const fmt = useDateTime();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const q = useQuery({ queryKey: ['documents', 'record', id], queryFn: ({ signal }) => getDocument(id, signal) });
  if (q.isPending) return <PageLoader />;
  if (q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 400)) return <NotFoundScreen />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const d = q.data;
  return (
    <Stack gap="md" data-testid="document-page">
      <Stack gap={4}>
        <Anchor component={Link} to="/documents" size="sm">
          ← {t('doc.back')}
        </Anchor>
        <Group gap="xs">
          <Text ff="monospace" fw={700} data-testid="document-docno">
            {d.docNo}
          </Text>
          <Badge variant="outline" tt="none">
            {t(`doc.kind.${d.kind}`)}
          </Badge>
          <Badge color={d.currentRevisionNo ? 'green' : 'gray'} variant="light" tt="none" data-testid="document-current-badge">
            {d.currentRevisionNo ? `${t('doc.current')}：${t('doc.revNo', { n: d.currentRevisionNo })}` : t('doc.noCurrent')}
          </Badge>
        </Group>
        <Title order={2}>{d.name}</Title>
      </Stack>
      {saved && (
        <Alert color="green" variant="light" withCloseButton onClose={() => setSaved(false)} data-testid="flash">
          {t('doc.saved')}
        </Alert>
      )}
      <Section
        title={t('doc.detail')}
        testId="document-details"
        action={
          d.canManage && (
            <Button size="xs" variant="light" onClick={() => setEditing(true)} data-testid="document-edit">
              {t('doc.edit')}
            </Button>
          )
        }
      >
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
          <Field label={t('doc.location')}>{d.location}</Field>
          <Field label={t('doc.retention')}>{t(`doc.ret.${d.retention}`)}</Field>
          <Field label={t('doc.affectsOwners')}>{d.affectsOwners ? t('doc.yes') : t('doc.no')}</Field>
          <Field label={t('doc.authorRole')}>{roleLabel(tg, d.authorRole)}</Field>
          <Field label={t('doc.reviewerRole')}>{roleLabel(tg, d.reviewerRole)}</Field>
          <Field label={t('doc.approverRole')}>{roleLabel(tg, d.approverRole)}</Field>
          <Field label={t('doc.revisedAt')}>{d.revisedAt ? fmt(d.revisedAt) : '—'}</Field>
          <Field label={t('doc.revisedBy')}>{d.revisedBy ?? '—'}</Field>
          <Field label={t('doc.approvedBy')}>{d.approvedBy ?? '—'}</Field>
          <Field label={t('doc.reason')} wide testId="document-reason">
            {d.revisionReason ?? '—'}
          </Field>
        </SimpleGrid>
      </Section>
      <StartRevision d={d} t={t} />
      <Revisions d={d} t={t} />
      <Diff key={d.revisions.length} d={d} t={t} />
      {editing && (
        <DocumentForm
          opened
          doc={d}
          onClose={() => setEditing(false)}
          onStale={async () => {
            setEditing(false);
            await q.refetch();
            setEditing(true);
          }}
          onSaved={async () => {
            setEditing(false);
            setSaved(true);
            await qc.invalidateQueries({ queryKey: ['documents'] });
          }}
        />
      )}
    </Stack>
  );
}
