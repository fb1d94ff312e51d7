import { Badge, Text } from '@mantine/core';
import type { EntryContent, EntryRow } from './operationsApi';
import type { OT } from './i18n';

export const nowrap = { style: { whiteSpace: 'nowrap' } } as const;

export const scopeLabel = (t: OT, s: EntryContent['scope']) => t(`ops.scope.${s}`);
export const categoryLabel = (t: OT, c: EntryContent['category']) => t(`ops.cat.${c}`);
export const frequencyLabel = (t: OT, f: EntryContent['frequency']) => t(`ops.freq.${f}`);
export const ownerRoleLabel = (t: OT, r: EntryContent['ownerRole']) => t(`ops.role.${r}`);
export const restoreKindLabel = (t: OT, k: string) => t(`rst.kind.${k}` as Parameters<OT>[0]);
export const changeKindLabel = (t: OT, k: string) => t(`ops.kind.${k}` as Parameters<OT>[0]);

/** The fields of an entry as the pages show them (entry page, change page side by side). */
export function entryFields(
  t: OT,
  e: Pick<
    EntryRow,
    'scope' | 'category' | 'frequency' | 'schedule' | 'procedure' | 'evidence' | 'preconditions' | 'ownerRole' | 'departmentName' | 'restoreKinds' | 'keywords'
  >,
) {
  return [
    { key: 'scope', label: t('ops.scope'), value: scopeLabel(t, e.scope) },
    { key: 'category', label: t('ops.category'), value: categoryLabel(t, e.category) },
    { key: 'frequency', label: t('ops.frequency'), value: frequencyLabel(t, e.frequency) },
    { key: 'schedule', label: t('ops.schedule'), value: e.schedule },
    { key: 'ownerRole', label: t('ops.ownerRole'), value: ownerRoleLabel(t, e.ownerRole) },
    { key: 'department', label: t('ops.department'), value: e.departmentName ?? t('ops.department.all') },
    { key: 'procedure', label: t('ops.procedure'), value: e.procedure, wide: true },
    { key: 'evidence', label: t('ops.evidence'), value: e.evidence, wide: true },
    { key: 'preconditions', label: t('ops.preconditions'), value: e.preconditions, wide: true },
    { key: 'restoreKinds', label: t('ops.restoreKinds'), value: e.restoreKinds.map((k) => restoreKindLabel(t, k)).join('、') || '—' },
    { key: 'keywords', label: t('ops.keywords'), value: e.keywords.join('、') || '—' },
  ];
}

export function ActiveBadge({ t, active }: { t: OT; active: boolean }) {
  return active ? (
    <Text size="sm">{t('ops.active.yes')}</Text>
  ) : (
    <Badge color="gray" variant="light" tt="none" data-testid="entry-deleted">
      {t('ops.active.no')}
    </Badge>
  );
}
