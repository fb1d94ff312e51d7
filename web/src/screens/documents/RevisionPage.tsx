import { Alert, Anchor, Badge, Button, FileInput, Grid, Group, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { PageLoader } from '../../components/PageLoader';
import { roleLabel, useDateTime, useT } from '../../i18n';
import { ProcessSection, Section, useRecordPage } from '../../workbench';
import { Flash, StateBadge, TimelineAndMails } from '../incidents/common';
import { NotFoundScreen } from '../NotFoundScreen';
import { actOnRevision, fileSize, getRevision, replaceRevisionFile, type RevisionDetail, revisionFileHref } from './documentsApi';
import { type DT, useDT } from './i18n';

/** ファイルの差替え: while the revision is 作成・修正中 (after 修正が必要), by the document's author role. */
function ReplaceFile({ r, t, onDone }: { r: RevisionDetail; t: DT; onDone: () => Promise<void> }) {
  const [file, setFile] = useState<File | null>(null);
  const [reason, setReason] = useState(r.reason);
  const up = useMutation({
    mutationFn: () => {
      const form = new FormData();
      form.append('version', String(r.version));
      if (reason.trim() && reason.trim() !== r.reason) form.append('reason', reason);
      if (file) form.append('file', file, file.name);
      return replaceRevisionFile(r.id, form);
    },
    onSuccess: async () => {
      setFile(null);
      await onDone();
    },
  });
  const err = up.error instanceof ApiError ? up.error : null;
  return (
    <Section title={t('doc.rev.replace')} testId="revision-replace">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('doc.rev.replace.lead')}
        </Text>
        <FileInput label={t('doc.upload')} placeholder={t('doc.upload.pick')} value={file} onChange={setFile} error={err?.fields.file} data-testid="replace-file" clearable />
        <Textarea label={t('doc.reason')} autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={err?.fields.reason} data-testid="replace-reason" />
        {err && Object.keys(err.fields).length === 0 && <Alert color="red">{err.message}</Alert>}
        <Group justify="flex-end">
          <Button disabled={!file} loading={up.isPending} onClick={() => up.mutate()} data-testid="replace-submit">
            {t('doc.rev.replace.do')}
          </Button>
        </Group>
      </Stack>
    </Section>
  );
}

/**
 * One revision of a register document (the document_revision process) on the workbench scaffold: the
 * flow and what the person may do now (レビュー依頼・レビュー完了・差戻し・承認・サーバ格納・取下げ through
 * the actions endpoint), the file with its download, file replacement while drafted, history and mails.
 */
export function RevisionPage() {
  const { id = '' } = useParams();
  const t = useDT();
  const tg = useT();
  const fmt = useDateTime();
  const page = useRecordPage<RevisionDetail>({
    queryKey: ['documents', 'revision', id],
    load: (signal) => getRevision(id, signal),
    act: (a, body) => actOnRevision(id, a, body),
    invalidate: [['documents']],
  });
  const { rec, setAction, flash, setFlash } = page;
  if (rec.isPending) return <PageLoader />;
  if (rec.error instanceof ApiError && (rec.error.status === 404 || rec.error.status === 400)) return <NotFoundScreen />;
  if (!rec.data) return <ErrorAlert error={rec.error} />;
  const r = rec.data;
  const doc = r.document;
  return (
    <Stack gap="md" data-testid="revision-page" data-state={r.state}>
      <Stack gap={4}>
        {doc && (
          <Anchor component={Link} to={`/documents/${doc.id}`} size="sm" data-testid="revision-document-link">
            ← {doc.docNo} {doc.name}
          </Anchor>
        )}
        <Group gap="xs" wrap="wrap">
          <Text ff="monospace" fw={700} data-testid="revision-ref">
            {doc?.docNo} {t('doc.revNo', { n: r.revisionNo })}
          </Text>
          <StateBadge state={r.state} label={r.stateLabel} />
          {doc && doc.currentRevisionNo === r.revisionNo && (
            <Badge color="green" tt="none">
              {t('doc.current')}
            </Badge>
          )}
        </Group>
        <Title order={2}>
          {t('doc.rev.title')}：{doc?.name ?? '—'}
        </Title>
      </Stack>
      <Flash message={flash} onClose={() => setFlash(null)} />
      <ProcessSection view={r.process} onPick={setAction} testId="revision-flow" />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Section title={t('doc.rev.detail')} testId="revision-details">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                <Field label={t('doc.reason')} wide testId="revision-reason-text">
                  {r.reason}
                </Field>
                <Field label={t('doc.summary')} wide>
                  {r.summary ?? '—'}
                </Field>
                <Field label={t('doc.rev.author')}>{r.authorLabel}</Field>
                <Field label={t('doc.rev.createdAt')}>{fmt(r.createdAt)}</Field>
                <Field label={t('doc.rev.reviewedAt')}>{r.reviewedAt ? fmt(r.reviewedAt) : '—'}</Field>
                <Field label={t('doc.approvedBy')}>{r.approvedByLabel ? `${r.approvedByLabel}（${fmt(r.approvedAt)}）` : '—'}</Field>
                <Field label={t('doc.rev.publishedAt')}>{r.publishedAt ? fmt(r.publishedAt) : '—'}</Field>
                <Field label={t('doc.rev.roles')}>
                  {`${t('doc.authorRole')}：${roleLabel(tg, r.authorRole)}\n${t('doc.reviewerRole')}：${roleLabel(tg, r.reviewerRole)}\n${t('doc.approverRole')}：${roleLabel(tg, r.approverRole)}`}
                </Field>
                {r.changeId && (
                  <Field label={t('doc.rev.change')}>
                    <Anchor component={Link} to={`/changes/${r.changeId}`} size="sm">
                      {t('doc.open')} →
                    </Anchor>
                  </Field>
                )}
              </SimpleGrid>
            </Section>
            <Section title={t('doc.file')} testId="revision-file-section">
              {r.file ? (
                <Stack gap={4}>
                  <Group gap="sm">
                    <Text size="sm" fw={600} data-testid="revision-file-name">
                      {r.file.fileName}
                    </Text>
                    <Button component="a" href={revisionFileHref(r.id)} size="xs" variant="light" download data-testid="revision-download">
                      {t('doc.download')}
                    </Button>
                  </Group>
                  <Text size="xs" c="dimmed">
                    {t('doc.rev.size')} {fileSize(r.file.size)} · {t('doc.rev.uploaded')} {fmt(r.file.uploadedAt)} {r.file.uploadedByLabel}
                  </Text>
                  <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {t('doc.rev.sha')} {r.file.sha256}
                  </Text>
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('doc.noFile')}
                </Text>
              )}
            </Section>
            {r.canReplaceFile && <ReplaceFile key={r.version} r={r} t={t} onDone={async () => { setFlash(t('doc.rev.replaced')); await page.refresh(); }} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <TimelineAndMails testIdPrefix="revision" entries={r.process.history} mails={r.mails} />
        </Grid.Col>
      </Grid>
      {page.dialog}
    </Stack>
  );
}
