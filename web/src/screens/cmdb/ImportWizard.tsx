import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  FileInput,
  Group,
  SimpleGrid,
  Stack,
  Stepper,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { type T, useDateTime, useT } from '../../i18n';
import { ForbiddenScreen } from '../ForbiddenScreen';
import { commitRvtools, previewRvtools, type RvCommitResult, type RvKind, type RvPlanItem, type RvPreview } from './cmdbApi';
import { dictOr, fieldLabel, num, useCanManage, yesNo } from './common';

/**
 * RVTools import wizard (CMDB-7), /cmdb/import: choose a file → dry-run preview (creates, updates
 * with their field diffs, rows that cannot be taken with sheet/row/column) → reason and commit →
 * what was written. Nothing reaches the ledger before the commit; the server recomputes the plan
 * then (the ledger may have moved since the preview).
 */

const KINDS: RvKind[] = ['cluster', 'host', 'storage', 'vm'];
const KIND_LEDGER: Record<RvKind, string> = { cluster: '/cmdb/sites', host: '/cmdb/hosts', storage: '/cmdb/storage', vm: '/cmdb/vms' };
/** Rows shown per table before "ほか N 件" (a 10,000-VM file would otherwise render 10,000 rows). */
const SHOWN = 200;
/** Fields that are ids (not readable) or internal to the plan. */
const HIDDEN_FIELDS = new Set(['hostId', 'siteId', 'clusterId', 'notes', 'moref', 'uuid']);

const kindLabel = (t: T, k: RvKind) => t(`cmdb.kind.${k}`);

function show(t: T, field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return t('cmdb.unset');
  if (typeof v === 'boolean') return yesNo(t, v);
  if (field === 'powerState') return dictOr(t, `cmdb.power.${v}`, String(v));
  if (typeof v === 'number') return num(v);
  if (field === 'hostId' || field === 'clusterId') return String(v).startsWith('pending:') ? String(v).slice(8) : t('cmdb.import.otherRecord');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function Where({ item }: { item: { sheet: string | null; row: number | null } }) {
  const t = useT();
  if (!item.sheet) return <Text size="xs" c="dimmed">{t('cmdb.import.derived')}</Text>;
  return (
    <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
      {item.sheet} {item.row}
    </Text>
  );
}

function More({ total }: { total: number }) {
  const t = useT();
  if (total <= SHOWN) return null;
  return (
    <Text size="xs" c="dimmed" mt={4}>
      {t('cmdb.import.more', { count: total - SHOWN })}
    </Text>
  );
}

function Stat({ label, value, color, testId }: { label: string; value: number; color?: string; testId: string }) {
  return (
    <Card withBorder padding="sm" data-testid={testId} data-value={value}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fz={26} fw={700} c={value > 0 ? color : undefined}>
        {num(value)}
      </Text>
    </Card>
  );
}

function Section({ title, count, children, testId }: { title: string; count: number; children: ReactNode; testId: string }) {
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Group gap="xs" mb="xs">
        <Title order={3} size="h4">
          {title}
        </Title>
        <Badge variant="light" tt="none">
          {num(count)}
        </Badge>
      </Group>
      {children}
    </Card>
  );
}

function CreatesTable({ items }: { items: RvPlanItem[] }) {
  const t = useT();
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table striped fz="sm" styles={{ th: { whiteSpace: 'nowrap' } }} data-testid="import-creates">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('cmdb.import.kind')}</Table.Th>
              <Table.Th>{t('cmdb.f.name')}</Table.Th>
              <Table.Th>{t('cmdb.import.where')}</Table.Th>
              <Table.Th>{t('cmdb.import.values')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.slice(0, SHOWN).map((c) => (
              <Table.Tr key={`${c.kind}:${c.name}`} data-testid="import-create" data-name={c.name}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{kindLabel(t, c.kind)}</Table.Td>
                <Table.Td ff="monospace">{c.name}</Table.Td>
                <Table.Td>
                  <Where item={c} />
                </Table.Td>
                <Table.Td>
                  <Text size="xs">
                    {Object.entries(c.fields)
                      .filter(([f]) => f !== 'name' && !HIDDEN_FIELDS.has(f))
                      .map(([f, v]) => `${fieldLabel(t, f)}: ${show(t, f, v)}`)
                      .join('　')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <More total={items.length} />
    </>
  );
}

function UpdatesTable({ items }: { items: RvPlanItem[] }) {
  const t = useT();
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table striped fz="sm" styles={{ th: { whiteSpace: 'nowrap' } }} data-testid="import-updates">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('cmdb.import.kind')}</Table.Th>
              <Table.Th>{t('cmdb.f.name')}</Table.Th>
              <Table.Th>{t('cmdb.import.where')}</Table.Th>
              <Table.Th>{t('cmdb.import.changes')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.slice(0, SHOWN).map((u) => (
              <Table.Tr key={`${u.kind}:${u.id ?? u.name}`} data-testid="import-update" data-name={u.name}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{kindLabel(t, u.kind)}</Table.Td>
                <Table.Td ff="monospace">{u.name}</Table.Td>
                <Table.Td>
                  <Where item={u} />
                </Table.Td>
                <Table.Td>
                  <Stack gap={2}>
                    {u.changes.map((c) => (
                      <Text size="xs" key={c.field} data-testid="import-change">
                        <Text span fw={700} size="xs">
                          {fieldLabel(t, c.field)}
                        </Text>
                        {': '}
                        <Text span size="xs" td="line-through" c="dimmed">
                          {show(t, c.field, c.before)}
                        </Text>
                        {' → '}
                        <Text span size="xs" c="blue.8" fw={600}>
                          {show(t, c.field, c.after)}
                        </Text>
                      </Text>
                    ))}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <More total={items.length} />
    </>
  );
}

function ConflictsTable({ preview, excluded }: { preview: RvPreview; excluded: boolean }) {
  const t = useT();
  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table fz="sm" withRowBorders styles={{ th: { whiteSpace: 'nowrap' } }} data-testid="import-conflicts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('cmdb.import.sheet')}</Table.Th>
              <Table.Th>{t('cmdb.import.row')}</Table.Th>
              <Table.Th>{t('cmdb.import.column')}</Table.Th>
              <Table.Th>{t('cmdb.import.message')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.conflicts.slice(0, SHOWN).map((c) => (
              <Table.Tr
                key={`${c.sheet}:${c.row}:${c.column ?? ''}:${c.key}`}
                bg={excluded ? 'gray.1' : 'red.0'}
                style={{ borderLeft: `4px solid var(--mantine-color-${excluded ? 'gray-5' : 'red-6'})` }}
                data-testid="import-conflict"
                data-sheet={c.sheet}
                data-row={c.row}
                data-column={c.column ?? ''}
              >
                <Table.Td ff="monospace">{c.sheet}</Table.Td>
                <Table.Td ff="monospace">{c.row}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {c.column ? (
                    <>
                      <Text span ff="monospace" fw={700} size="sm">
                        {c.column}
                      </Text>{' '}
                      <Text span size="xs" c="dimmed">
                        {c.header}
                      </Text>
                    </>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={excluded ? 'dimmed' : 'red.9'} td={excluded ? 'line-through' : undefined}>
                    {c.message}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <More total={preview.conflicts.length} />
    </>
  );
}

function ChooseStep({ onPreview }: { onPreview: (p: RvPreview, file: File) => void }) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const m = useMutation({ mutationFn: (f: File) => previewRvtools(f), onSuccess: (p, f) => onPreview(p, f) });
  return (
    <Stack gap="sm" maw={640}>
      <Text size="sm">{t('cmdb.import.chooseHelp')}</Text>
      <FileInput
        label={t('cmdb.import.file')}
        placeholder={t('cmdb.import.filePlaceholder')}
        accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
        value={file}
        onChange={(f) => {
          setFile(f);
          m.reset();
        }}
        clearable
        withAsterisk
        data-testid="import-file"
      />
      <ErrorAlert error={m.error} testId="import-preview-error" />
      <Group>
        <Button onClick={() => file && m.mutate(file)} disabled={!file} loading={m.isPending} data-testid="import-preview">
          {t('cmdb.import.preview')}
        </Button>
      </Group>
    </Stack>
  );
}

function PreviewStep({
  preview,
  excludeConflicts,
  setExcludeConflicts,
  onBack,
  onNext,
}: {
  preview: RvPreview;
  excludeConflicts: boolean;
  setExcludeConflicts: (v: boolean) => void;
  onBack: () => void;
  onNext: () => void;
}) {
  const t = useT();
  const fmt = useDateTime();
  const conflictRows = new Set(preview.conflicts.map((c) => `${c.sheet}:${c.row}`)).size;
  const templates = preview.skipped.filter((s) => s.reason === 'template').length;
  const blocked = conflictRows > 0 && !excludeConflicts;
  const nothing = preview.creates.length + preview.updates.length === 0;
  return (
    <Stack gap="md">
      <Alert color="blue" variant="light" title={t('cmdb.import.notYet')} data-testid="import-not-yet">
        {t('cmdb.import.notYetBody', { time: fmt(preview.expiresAt) })}
      </Alert>
      <Text size="sm" c="dimmed" data-testid="import-files">
        {preview.files.join(', ')} — vInfo {num(preview.rows.vInfo)} / vHost {num(preview.rows.vHost)} / vDatastore {num(preview.rows.vDatastore)}{' '}
        {t('cmdb.import.rowsUnit')}
        {templates > 0 && `　${t('cmdb.import.templates', { count: templates })}`}
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Stat label={t('cmdb.import.creates')} value={preview.creates.length} color="green.8" testId="import-count-creates" />
        <Stat label={t('cmdb.import.updates')} value={preview.updates.length} color="blue.8" testId="import-count-updates" />
        <Stat label={t('cmdb.import.unchanged')} value={preview.unchanged} testId="import-count-unchanged" />
        <Stat label={t('cmdb.import.conflictRows')} value={conflictRows} color="red.8" testId="import-count-conflicts" />
      </SimpleGrid>

      {preview.conflicts.length > 0 && (
        <Card withBorder padding="md" data-testid="import-conflicts-section" style={{ borderColor: excludeConflicts ? undefined : 'var(--mantine-color-red-5)' }}>
          <Group gap="xs" mb="xs">
            <Title order={3} size="h4" c={excludeConflicts ? undefined : 'red.8'}>
              {t('cmdb.import.conflicts')}
            </Title>
            <Badge color="red" variant="light" tt="none">
              {t('cmdb.import.rowsCount', { count: conflictRows })}
            </Badge>
          </Group>
          <Text size="sm" mb="xs">
            {t('cmdb.import.conflictsHelp')}
          </Text>
          <ConflictsTable preview={preview} excluded={excludeConflicts} />
          <Checkbox
            mt="sm"
            label={t('cmdb.import.excludeConflicts')}
            description={t('cmdb.import.excludeConflictsHint')}
            checked={excludeConflicts}
            onChange={(e) => setExcludeConflicts(e.currentTarget.checked)}
            data-testid="import-exclude-conflicts"
          />
        </Card>
      )}
      {preview.creates.length > 0 && (
        <Section title={t('cmdb.import.creates')} count={preview.creates.length} testId="import-creates-section">
          <CreatesTable items={preview.creates} />
        </Section>
      )}
      {preview.updates.length > 0 && (
        <Section title={t('cmdb.import.updates')} count={preview.updates.length} testId="import-updates-section">
          <UpdatesTable items={preview.updates} />
        </Section>
      )}
      {nothing && conflictRows === 0 && (
        <Alert color="gray" variant="light" data-testid="import-nothing">
          {t('cmdb.import.nothing')}
        </Alert>
      )}
      {blocked && (
        <Alert color="red" variant="light" data-testid="import-blocked">
          {t('cmdb.import.blocked')}
        </Alert>
      )}
      <Group justify="space-between">
        <Button variant="default" onClick={onBack} data-testid="import-back">
          {t('cmdb.import.otherFile')}
        </Button>
        <Button onClick={onNext} disabled={blocked || nothing} data-testid="import-next">
          {t('cmdb.import.next')}
        </Button>
      </Group>
    </Stack>
  );
}

function CommitStep({
  preview,
  excludeConflicts,
  onBack,
  onDone,
}: {
  preview: RvPreview;
  excludeConflicts: boolean;
  onBack: () => void;
  onDone: (r: RvCommitResult) => void;
}) {
  const t = useT();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const m = useMutation({
    mutationFn: () => commitRvtools({ token: preview.token, reason, ...(excludeConflicts ? { excludeConflicts: true } : {}) }),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: ['cmdb'] });
      onDone(r);
    },
  });
  const err = m.error instanceof ApiError ? m.error : null;
  const conflictRows = new Set(preview.conflicts.map((c) => `${c.sheet}:${c.row}`)).size;
  return (
    <form
      noValidate
      data-testid="import-commit-form"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate();
      }}
    >
      <Stack gap="sm" maw={720}>
        <Text size="sm" data-testid="import-commit-summary">
          {t('cmdb.import.commitSummary', { creates: preview.creates.length, updates: preview.updates.length })}
          {excludeConflicts && conflictRows > 0 && ` ${t('cmdb.import.commitExcluded', { count: conflictRows })}`}
        </Text>
        {m.error && !err?.field('reason') && <ErrorAlert error={m.error} testId="import-commit-error" />}
        <Textarea
          label={t('cmdb.form.reason')}
          description={t('cmdb.import.reasonHint')}
          withAsterisk
          autosize
          minRows={2}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={err?.field('reason')}
          data-testid="import-reason"
        />
        <Group justify="space-between">
          <Button variant="default" onClick={onBack} disabled={m.isPending} data-testid="import-commit-back">
            {t('cmdb.import.backToPreview')}
          </Button>
          <Button type="submit" color="green" loading={m.isPending} data-testid="import-commit">
            {t('cmdb.import.commit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ResultStep({ result, onAgain }: { result: RvCommitResult; onAgain: () => void }) {
  const t = useT();
  const excluded = result.skipped.filter((s) => s.reason === 'excluded').length;
  return (
    <Stack gap="md" data-testid="import-result">
      <Alert color="green" variant="light" title={t('cmdb.import.done')}>
        {t('cmdb.import.doneBody')}
        {excluded > 0 && ` ${t('cmdb.import.doneExcluded', { count: excluded })}`}
      </Alert>
      <Table.ScrollContainer minWidth={480}>
        <Table withTableBorder maw={640} data-testid="import-result-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('cmdb.import.kind')}</Table.Th>
              <Table.Th ta="right">{t('cmdb.import.created')}</Table.Th>
              <Table.Th ta="right">{t('cmdb.import.updated')}</Table.Th>
              <Table.Th>{t('cmdb.import.ledger')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {KINDS.map((k) => (
              <Table.Tr key={k} data-kind={k}>
                <Table.Td>{kindLabel(t, k)}</Table.Td>
                <Table.Td ta="right" data-testid={`import-created-${k}`}>
                  {num(result.created[k])}
                </Table.Td>
                <Table.Td ta="right" data-testid={`import-updated-${k}`}>
                  {num(result.updated[k])}
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={KIND_LEDGER[k]} size="sm" data-testid={`import-ledger-${k}`}>
                    {t('cmdb.import.openLedger')}
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm" c="dimmed">
        {t('cmdb.import.unchangedCount', { count: result.unchanged })}
      </Text>
      <Group>
        <Button variant="default" onClick={onAgain} data-testid="import-again">
          {t('cmdb.import.again')}
        </Button>
      </Group>
    </Stack>
  );
}

export default function ImportWizard() {
  const t = useT();
  const canManage = useCanManage();
  const [step, setStep] = useState(0);
  const [preview, setPreview] = useState<RvPreview | null>(null);
  const [excludeConflicts, setExcludeConflicts] = useState(false);
  const [result, setResult] = useState<RvCommitResult | null>(null);
  if (!canManage) return <ForbiddenScreen />;
  const restart = () => {
    setPreview(null);
    setResult(null);
    setExcludeConflicts(false);
    setStep(0);
  };
  return (
    <Stack gap="md" data-testid="cmdb-import">
      <Title order={2}>{t('cmdb.import.title')}</Title>
      <Stepper active={result ? 3 : step} size="sm" data-testid="import-stepper" allowNextStepsSelect={false}>
        <Stepper.Step label={t('cmdb.import.step1')} description={t('cmdb.import.step1Desc')}>
          <ChooseStep
            onPreview={(p) => {
              setPreview(p);
              setExcludeConflicts(false);
              setStep(1);
            }}
          />
        </Stepper.Step>
        <Stepper.Step label={t('cmdb.import.step2')} description={t('cmdb.import.step2Desc')}>
          {preview && (
            <PreviewStep
              preview={preview}
              excludeConflicts={excludeConflicts}
              setExcludeConflicts={setExcludeConflicts}
              onBack={restart}
              onNext={() => setStep(2)}
            />
          )}
        </Stepper.Step>
        <Stepper.Step label={t('cmdb.import.step3')} description={t('cmdb.import.step3Desc')}>
          {preview && <CommitStep preview={preview} excludeConflicts={excludeConflicts} onBack={() => setStep(1)} onDone={setResult} />}
        </Stepper.Step>
        <Stepper.Completed>{result && <ResultStep result={result} onAgain={restart} />}</Stepper.Completed>
      </Stepper>
    </Stack>
  );
}
