import { Alert, Badge, Card, Code, Group, NumberInput, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { type Column, LedgerTable } from '../../components/LedgerTable';
import { useListParams } from '../../components/useListParams';
import { type T, useDateTime, useT } from '../../i18n';
import { getNamingViolations, getRetirementCandidates } from './cmdbApi';
import { CiLink, LevelBadge, num } from './common';
import { Ledger, mono, monoNowrap, nowrapTd, statusColumn } from './Ledgers';

/**
 * Checks on the ledger: retirement candidates (N §3.5.3.4: VMs stopped long, systems whose owner has
 * not confirmed use) and VMs whose names break the naming rule (CMDB-9). The server answers each
 * list whole (no paging), already limited to what the user may see.
 */

/** A day count bound to a URL parameter, applied when the input settles. */
function DaysInput({ name, label, fallback }: { name: string; label: string; fallback: number | undefined }) {
  const t = useT();
  const params = useListParams();
  const current = params.extra(name);
  const [value, setValue] = useState<string | number>(current ?? fallback ?? '');
  useEffect(() => setValue(current ?? fallback ?? ''), [current, fallback]);
  useEffect(() => {
    const id = setTimeout(() => {
      const v = value === '' ? null : String(value);
      if (v !== (current ?? (fallback !== undefined ? String(fallback) : null))) params.setExtra(name, v);
    }, 400);
    return () => clearTimeout(id);
  }, [value, current, fallback, name, params]);
  return (
    <NumberInput
      label={label}
      value={value}
      onChange={setValue}
      min={0}
      max={3650}
      allowDecimal={false}
      suffix={t('cmdb.retire.daysSuffix')}
      w={{ base: '100%', xs: 220 }}
      data-testid={`days-${name}`}
    />
  );
}

/** A VM's name, linked to its page. */
function vmColumn<R extends { id: string; name: string }>(t: T): Column<R> {
  return { key: 'name', header: t('cmdb.f.name'), td: monoNowrap, render: (v) => <CiLink kind="vm" id={v.id}>{v.name}</CiLink> };
}
/** Days past the threshold, right-aligned and bold. */
function daysColumn<R extends { days: number }>(t: T): Column<R> {
  return { key: 'days', header: t('cmdb.retire.daysCol'), th: { ta: 'right' }, td: { ta: 'right', fw: 700 }, render: (r) => num(r.days) };
}

export function RetirementScreen() {
  const t = useT();
  const fmt = useDateTime();
  const params = useListParams();
  const stoppedDays = params.extra('stoppedDays') ?? undefined;
  const inactiveDays = params.extra('inactiveDays') ?? undefined;
  const q = useQuery({
    queryKey: ['cmdb', 'retirement', { stoppedDays, inactiveDays }],
    queryFn: ({ signal }) => getRetirementCandidates({ stoppedDays, inactiveDays }, signal),
    placeholderData: keepPreviousData,
  });
  const d = q.data;
  return (
    <Ledger>
      <Stack gap="md" data-testid="cmdb-retirement">
        <Title order={2}>{t('cmdb.retire.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('cmdb.retire.intro')}
        </Text>
        <Group gap="sm" align="flex-end">
          <DaysInput name="stoppedDays" label={t('cmdb.retire.stoppedDays')} fallback={d?.stoppedDays} />
          <DaysInput name="inactiveDays" label={t('cmdb.retire.inactiveDays')} fallback={d?.inactiveDays} />
        </Group>
        <ErrorAlert error={q.error} />
        <Card withBorder padding="md">
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h4">
              {t('cmdb.retire.vms', { days: d?.stoppedDays ?? '…' })}
            </Title>
            <Badge variant="light" color={d?.vms.length ? 'orange' : 'gray'} tt="none" size="lg" data-testid="retire-vm-count">
              {t('list.total', { total: d?.vms.length ?? 0 })}
            </Badge>
          </Group>
          <Table.ScrollContainer minWidth={720}>
            <LedgerTable
              rows={d?.vms}
              empty={t('cmdb.retire.none')}
              emptyTestId={null}
              data-testid="retire-vms"
              columns={[
                vmColumn(t),
                { key: 'system', header: t('cmdb.f.system'), ellipsis: 'grow', render: (v) => <CiLink kind="system" id={v.systemId}>{v.systemName ?? '—'}</CiLink> },
                { key: 'department', header: t('cmdb.f.department'), ellipsis: 'grow', render: (v) => v.departmentName ?? '—' },
                { key: 'stoppedSince', header: t('cmdb.retire.stoppedSince'), td: nowrapTd, render: (v) => fmt(v.stoppedSince) },
                daysColumn(t),
              ]}
            />
          </Table.ScrollContainer>
        </Card>
        <Card withBorder padding="md">
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h4">
              {t('cmdb.retire.systems', { days: d?.inactiveDays ?? '…' })}
            </Title>
            <Badge variant="light" color={d?.systems.length ? 'orange' : 'gray'} tt="none" size="lg" data-testid="retire-system-count">
              {t('list.total', { total: d?.systems.length ?? 0 })}
            </Badge>
          </Group>
          <Table.ScrollContainer minWidth={720}>
            <LedgerTable
              rows={d?.systems}
              empty={t('cmdb.retire.none')}
              emptyTestId={null}
              data-testid="retire-systems"
              columns={[
                { key: 'name', header: t('cmdb.f.name'), ellipsis: 'grow', render: (s) => <CiLink kind="system" id={s.id}>{s.name}</CiLink> },
                { key: 'department', header: t('cmdb.f.department'), ellipsis: 'grow', render: (s) => s.departmentName ?? '—' },
                {
                  key: 'ownerConfirmedAt',
                  header: t('cmdb.f.ownerConfirmedAt'),
                  td: nowrapTd,
                  render: (s) =>
                    s.ownerConfirmedAt ? (
                      fmt(s.ownerConfirmedAt)
                    ) : (
                      <Text size="sm" c="orange.8">
                        {t('cmdb.retire.neverConfirmed', { date: fmt(s.createdAt) })}
                      </Text>
                    ),
                },
                daysColumn(t),
                statusColumn(t, false),
              ]}
            />
          </Table.ScrollContainer>
        </Card>
      </Stack>
    </Ledger>
  );
}

export function NamingViolationsScreen() {
  const t = useT();
  const q = useQuery({ queryKey: ['cmdb', 'naming', 'violations'], queryFn: ({ signal }) => getNamingViolations(signal) });
  const d = q.data;
  return (
    <Ledger>
      <Stack gap="md" data-testid="cmdb-naming">
        <Title order={2}>{t('cmdb.naming.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('cmdb.naming.intro')}
        </Text>
        {d && (
          <Text size="sm">
            {t('cmdb.naming.pattern')} <Code>{d.pattern}</Code>
          </Text>
        )}
        <ErrorAlert error={q.error} />
        {d && !d.items.length && (
          <Alert color="green" variant="light" data-testid="naming-ok">
            {t('cmdb.naming.none')}
          </Alert>
        )}
        {d && d.items.length > 0 && (
          <>
            <Text size="sm" fw={700} data-testid="naming-count">
              {t('list.total', { total: d.items.length })}
            </Text>
            <Table.ScrollContainer minWidth={760}>
              <LedgerTable
                rows={d.items}
                data-testid="naming-table"
                columns={[
                  vmColumn(t),
                  {
                    key: 'system',
                    header: t('cmdb.f.system'),
                    ellipsis: 'grow',
                    render: (v) => (
                      <CiLink kind="system" id={v.systemId}>
                        {v.systemName ?? '—'}
                      </CiLink>
                    ),
                  },
                  { key: 'systemCode', header: t('cmdb.f.code'), td: mono, render: (v) => v.systemCode ?? '—' },
                  { key: 'level', header: t('cmdb.col.level'), render: (v) => <LevelBadge level={v.level} /> },
                  {
                    key: 'problem',
                    header: t('cmdb.naming.problem'),
                    render: (v) => (
                      <Badge variant="light" color={v.problem === 'pattern' ? 'red' : 'gray'} tt="none">
                        {t(`cmdb.naming.problem.${v.problem}`)}
                      </Badge>
                    ),
                  },
                  { key: 'example', header: t('cmdb.naming.example'), td: mono, render: (v) => v.example ?? '—' },
                  statusColumn(t, false),
                ]}
              />
            </Table.ScrollContainer>
          </>
        )}
      </Stack>
    </Ledger>
  );
}
