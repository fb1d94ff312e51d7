import { Badge, Button, Group, Modal, Progress, Stack, Table, Text, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { ChangeChecklist as ServerChecklist, ChangeTask as ServerTask, CoverageTarget } from '../../../../src/changes/tasks.ts';
import { ApiError, api } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useDateTime, useLang } from '../../i18n';
import { hasPermission, useUser } from '../../session';
import { bi, Section, type Wire } from '../../workbench';

type Checklist = Wire<ServerChecklist>;
type Task = Checklist['tasks'][number];

/** Words of the checklist, Japanese first (kept beside the component, as the incident screens do). */
const WORDS = {
  ja: {
    title: 'チェックリスト',
    empty: 'チェック項目はありません（優先度・納期の承認時に作成されます）。',
    open: '未完了 {n} 件',
    allDone: 'すべて完了',
    done: '実施',
    waive: '対象外',
    doneTitle: 'チェック項目の実施',
    waiveTitle: 'チェック項目を対象外とする',
    comment: 'コメント（任意）',
    reason: '対象外とする理由',
    submit: '登録',
    doneBy: '{who}（{at}）',
    coverage: '適用状況',
    applied: '適用済 {applied} / 全 {total}（残り {remaining}）',
    waived: '対象外 {n}',
    stopped: '対象外（停止中） {n}',
    stoppedHint: '構成管理台帳で停止中の機器です。適用の残りには数えません。',
    retired: '廃止済のため対象から除外：{names}',
    leftOut: '適用対象の漏れ',
    leftOutHint: '同じ種類の機器のうち、チェック項目のないもの（作成後に追加された機器など）です。',
    addTarget: '適用対象に追加',
    closed: 'クローズ済みの変更のため、更新できません。',
    closeGuard: '未完了の項目がある間は、変更をクローズできません。',
  },
  en: {
    title: 'Checklist',
    empty: 'No checklist items (they are made when priority and due date are approved).',
    open: '{n} open',
    allDone: 'All done',
    done: 'Done',
    waive: 'Waive',
    doneTitle: 'Mark the item done',
    waiveTitle: 'Waive the item',
    comment: 'Comment (optional)',
    reason: 'Reason for waiving',
    submit: 'Save',
    doneBy: '{who} ({at})',
    coverage: 'Coverage',
    applied: '{applied} of {total} applied ({remaining} remaining)',
    waived: '{n} waived',
    stopped: '{n} not applicable (stopped)',
    stoppedHint: 'Stopped in the configuration ledger: not counted as remaining.',
    retired: 'Dropped as retired: {names}',
    leftOut: 'Targets left out',
    leftOutHint: 'Items of a covered kind without a checklist item (added after it was made, for example).',
    addTarget: 'Add as a target',
    closed: 'The change is closed; its checklist cannot change.',
    closeGuard: 'The change cannot close while items are open.',
  },
} as const;
type Word = keyof (typeof WORDS)['ja'];

function useWords() {
  const { lang } = useLang();
  return useCallback(
    (key: Word, vars: Record<string, string | number> = {}) => WORDS[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`)),
    [lang],
  );
}

const checklistKey = (changeId: string) => ['changes', changeId, 'tasks'] as const;
export const getChecklist = (changeId: string) => api.get<Checklist>(`/api/changes/${changeId}/tasks`);

const STATUS_COLORS: Record<ServerTask['status'], string> = { open: 'gray', done: 'teal', waived: 'orange' };

/** Done / waive dialog: a waiver needs its reason (the server says so too, naming the field). */
function TaskDialog({ changeId, task, mode, onClose }: { changeId: string; task: Task; mode: 'done' | 'waive'; onClose: () => void }) {
  const w = useWords();
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const save = useMutation({
    mutationFn: () =>
      api.post<Checklist>(
        `/api/changes/${changeId}/tasks/${task.id}/${mode}`,
        mode === 'done' ? { version: task.version, ...(text.trim() ? { comment: text } : {}) } : { version: task.version, reason: text },
      ),
    onSuccess: (data) => {
      qc.setQueryData(checklistKey(changeId), data);
      void qc.invalidateQueries({ queryKey: ['changes', 'record', changeId] });
      onClose();
    },
  });
  const fieldError = save.error instanceof ApiError ? save.error.fields[mode === 'done' ? 'comment' : 'reason'] : undefined;
  return (
    <Modal opened onClose={onClose} title={w(mode === 'done' ? 'doneTitle' : 'waiveTitle')} size="lg" data-testid={`task-${mode}-modal`}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{task.label}</Text>
          {save.error && !fieldError && <ErrorAlert error={save.error} />}
          <Textarea
            label={w(mode === 'done' ? 'comment' : 'reason')}
            required={mode === 'waive'}
            autosize
            minRows={2}
            maxLength={2000}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={fieldError}
            data-testid={`field-task-${mode === 'done' ? 'comment' : 'reason'}`}
          />
          <Group justify="flex-end">
            <Button type="submit" color={mode === 'done' ? 'teal' : 'orange'} loading={save.isPending} data-testid={`task-${mode}-submit`}>
              {w('submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function CoverageBar({ changeId, checklist, canManage }: { changeId: string; checklist: Checklist; canManage: boolean }) {
  const w = useWords();
  const qc = useQueryClient();
  const add = useMutation({
    mutationFn: (x: Wire<CoverageTarget>) => api.post<Checklist>(`/api/changes/${changeId}/tasks/coverage`, { ciType: x.ciType, ciId: x.ciId }),
    onSuccess: (data) => qc.setQueryData(checklistKey(changeId), data),
  });
  const c = checklist.coverage;
  if (!c) return null;
  const pct = (n: number) => (c.total ? (n / c.total) * 100 : 0);
  return (
    <Stack gap={6} data-testid="coverage">
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {w('coverage')}
          {c.patch ? `：${c.patch}` : ''}
        </Text>
        <Group gap="xs">
          <Text size="sm" data-testid="coverage-summary">
            {w('applied', { applied: c.applied, total: c.total, remaining: c.remaining })}
          </Text>
          {c.waived > 0 && (
            <Badge color="orange" variant="light" tt="none">
              {w('waived', { n: c.waived })}
            </Badge>
          )}
          {c.stopped > 0 && (
            <Badge color="gray" variant="light" tt="none" title={w('stoppedHint')} data-testid="coverage-stopped">
              {w('stopped', { n: c.stopped })}
            </Badge>
          )}
        </Group>
      </Group>
      <Progress.Root size="lg" aria-label={w('coverage')}>
        <Progress.Section value={pct(c.applied)} color="teal" />
        <Progress.Section value={pct(c.waived)} color="orange" />
      </Progress.Root>
      {c.targets.some((x) => x.status === 'stopped') && (
        <Group gap="xs" data-testid="coverage-stopped-list">
          {c.targets
            .filter((x) => x.status === 'stopped')
            .map((x) => (
              <Badge key={`${x.ciType}:${x.ciId}`} color="gray" variant="outline" tt="none">
                {x.name}：{w('stopped', { n: '' }).trim()}
              </Badge>
            ))}
        </Group>
      )}
      {c.retired.length > 0 && (
        <Text size="xs" c="dimmed" data-testid="coverage-retired">
          {w('retired', { names: c.retired.map((x) => x.name).join('、') })}
        </Text>
      )}
      {c.leftOut.length > 0 && (
        <Stack gap={4} data-testid="coverage-left-out">
          <Group gap="xs">
            <Badge color="red" tt="none">
              {w('leftOut')} {c.leftOut.length}
            </Badge>
            <Text size="xs" c="dimmed">
              {w('leftOutHint')}
            </Text>
          </Group>
          <ErrorAlert error={add.error} />
          {c.leftOut.map((x) => (
            <Group key={`${x.ciType}:${x.ciId}`} gap="xs">
              <Text size="sm" c="red.8" fw={600}>
                {x.name}
              </Text>
              {canManage && !checklist.closed && (
                <Button
                  size="compact-xs"
                  variant="light"
                  color="red"
                  loading={add.isPending && add.variables?.ciId === x.ciId}
                  onClick={() => add.mutate(x)}
                  data-testid="coverage-add"
                >
                  {w('addTarget')}
                </Button>
              )}
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

/**
 * The change's checklist (CHG-5 service-level items, CHG-6 coverage, BAK-4 backups): items grouped by
 * kind, each done or waived with a reason by the vendor; preventive maintenance shows its coverage
 * (applied / remaining) and flags the targets left out. The change closes only with nothing open.
 */
export function ChangeChecklist({ changeId }: { changeId: string }) {
  const w = useWords();
  const { lang } = useLang();
  const fmt = useDateTime();
  const user = useUser();
  const canManage = hasPermission(user, 'change.manage');
  const q = useQuery({ queryKey: checklistKey(changeId), queryFn: () => getChecklist(changeId) });
  const [dialog, setDialog] = useState<{ task: Task; mode: 'done' | 'waive' } | null>(null);
  if (q.error) return <ErrorAlert error={q.error} />;
  const c = q.data;
  if (!c) return null;
  const groups = [...new Set(c.tasks.map((x) => x.kind))];
  return (
    <Section
      title={w('title')}
      testId="change-checklist"
      action={
        c.tasks.length > 0 && (
          <Badge color={c.open ? 'yellow' : 'teal'} tt="none" data-testid="checklist-open">
            {c.open ? w('open', { n: c.open }) : w('allDone')}
          </Badge>
        )
      }
    >
      <Stack gap="sm">
        {c.tasks.length === 0 && (
          <Text size="sm" c="dimmed">
            {w('empty')}
          </Text>
        )}
        {c.closed && c.tasks.length > 0 && (
          <Text size="xs" c="dimmed">
            {w('closed')}
          </Text>
        )}
        {!c.closed && c.open > 0 && (
          <Text size="xs" c="dimmed">
            {w('closeGuard')}
          </Text>
        )}
        <CoverageBar changeId={changeId} checklist={c} canManage={canManage} />
        {groups.map((kind) => {
          const rows = c.tasks.filter((x) => x.kind === kind);
          return (
            <Stack key={kind} gap={4} data-testid={`checklist-${kind}`}>
              <Text size="sm" fw={600}>
                {bi(lang, rows[0]!.kindLabel)}
              </Text>
              <Table striped withTableBorder>
                <Table.Tbody>
                  {rows.map((x) => (
                    <Table.Tr key={x.id} data-testid="checklist-task" data-status={x.excluded ?? x.status}>
                      <Table.Td>
                        <Text size="sm">{x.label}</Text>
                        {x.reason && (
                          <Text size="xs" c="orange.8">
                            {x.reason}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td w={110}>
                        <Badge color={x.excluded ? 'gray' : STATUS_COLORS[x.status]} variant={x.excluded ? 'outline' : 'light'} tt="none">
                          {bi(lang, x.statusLabel)}
                        </Badge>
                      </Table.Td>
                      <Table.Td w={220}>
                        {x.status === 'open' ? (
                          canManage &&
                          !c.closed && (
                            <Group gap={4} wrap="nowrap">
                              <Button
                                size="compact-xs"
                                variant="light"
                                color="teal"
                                onClick={() => setDialog({ task: x, mode: 'done' })}
                                data-testid="task-done"
                              >
                                {w('done')}
                              </Button>
                              <Button
                                size="compact-xs"
                                variant="subtle"
                                color="orange"
                                onClick={() => setDialog({ task: x, mode: 'waive' })}
                                data-testid="task-waive"
                              >
                                {w('waive')}
                              </Button>
                            </Group>
                          )
                        ) : (
                          <Text size="xs" c="dimmed">
                            {w('doneBy', { who: x.doneByLabel ?? '—', at: fmt(x.doneAt) })}
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          );
        })}
      </Stack>
      {dialog && <TaskDialog changeId={changeId} task={dialog.task} mode={dialog.mode} onClose={() => setDialog(null)} />}
    </Section>
  );
}
