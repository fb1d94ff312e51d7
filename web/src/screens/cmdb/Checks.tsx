import { Alert, Badge, Card, Code, Group, NumberInput, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useListParams } from '../../components/useListParams';
import { useDateTime, useT } from '../../i18n';
import { getNamingViolations, getRetirementCandidates } from './cmdbApi';
import { CiLink, LevelBadge, num, StatusBadge } from './common';
import { Ledger, nowrap } from './Ledgers';

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
            <Table striped highlightOnHover data-testid="retire-vms">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('cmdb.f.name')}</Table.Th>
                  <Table.Th>{t('cmdb.f.system')}</Table.Th>
                  <Table.Th>{t('cmdb.f.department')}</Table.Th>
                  <Table.Th>{t('cmdb.retire.stoppedSince')}</Table.Th>
                  <Table.Th ta="right">{t('cmdb.retire.daysCol')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d?.vms.map((v) => (
                  <Table.Tr key={v.id} data-row-id={v.id}>
                    <Table.Td ff="monospace" style={nowrap}>
                      <CiLink kind="vm" id={v.id}>
                        {v.name}
                      </CiLink>
                    </Table.Td>
                    <Table.Td>
                      <CiLink kind="system" id={v.systemId}>
                        {v.systemName ?? '—'}
                      </CiLink>
                    </Table.Td>
                    <Table.Td>{v.departmentName ?? '—'}</Table.Td>
                    <Table.Td style={nowrap}>{fmt(v.stoppedSince)}</Table.Td>
                    <Table.Td ta="right" fw={700}>
                      {num(v.days)}
                    </Table.Td>
                  </Table.Tr>
                ))}
                {d && !d.vms.length && (
                  <Table.Tr>
                    <Table.Td colSpan={5} c="dimmed" ta="center">
                      {t('cmdb.retire.none')}
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
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
            <Table striped highlightOnHover data-testid="retire-systems">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('cmdb.f.name')}</Table.Th>
                  <Table.Th>{t('cmdb.f.department')}</Table.Th>
                  <Table.Th>{t('cmdb.f.ownerConfirmedAt')}</Table.Th>
                  <Table.Th ta="right">{t('cmdb.retire.daysCol')}</Table.Th>
                  <Table.Th>{t('cmdb.f.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d?.systems.map((s) => (
                  <Table.Tr key={s.id} data-row-id={s.id}>
                    <Table.Td>
                      <CiLink kind="system" id={s.id}>
                        {s.name}
                      </CiLink>
                    </Table.Td>
                    <Table.Td>{s.departmentName ?? '—'}</Table.Td>
                    <Table.Td style={nowrap}>
                      {s.ownerConfirmedAt ? (
                        fmt(s.ownerConfirmedAt)
                      ) : (
                        <Text size="sm" c="orange.8">
                          {t('cmdb.retire.neverConfirmed', { date: fmt(s.createdAt) })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right" fw={700}>
                      {num(s.days)}
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={s.status} size="sm" />
                    </Table.Td>
                  </Table.Tr>
                ))}
                {d && !d.systems.length && (
                  <Table.Tr>
                    <Table.Td colSpan={5} c="dimmed" ta="center">
                      {t('cmdb.retire.none')}
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
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
              <Table striped highlightOnHover data-testid="naming-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('cmdb.f.name')}</Table.Th>
                    <Table.Th>{t('cmdb.f.system')}</Table.Th>
                    <Table.Th>{t('cmdb.col.level')}</Table.Th>
                    <Table.Th>{t('cmdb.naming.problem')}</Table.Th>
                    <Table.Th>{t('cmdb.naming.example')}</Table.Th>
                    <Table.Th>{t('cmdb.f.status')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.items.map((v) => (
                    <Table.Tr key={v.id} data-row-id={v.id}>
                      <Table.Td ff="monospace" style={nowrap}>
                        <CiLink kind="vm" id={v.id}>
                          {v.name}
                        </CiLink>
                      </Table.Td>
                      <Table.Td>
                        <CiLink kind="system" id={v.systemId}>
                          {v.systemName ?? '—'}
                        </CiLink>
                        {v.systemCode && (
                          <Text size="xs" c="dimmed" ff="monospace">
                            {v.systemCode}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <LevelBadge level={v.level} />
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={v.problem === 'pattern' ? 'red' : 'gray'} tt="none">
                          {t(`cmdb.naming.problem.${v.problem}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td ff="monospace">{v.example ?? '—'}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={v.status} size="sm" />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>
    </Ledger>
  );
}
