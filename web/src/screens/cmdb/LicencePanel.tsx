import { Badge, Card, Group, NumberInput, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useLang } from '../../i18n';
import { bi } from '../../workbench';
import { useOT } from '../operations/i18n';
import { getLicences } from '../operations/operationsApi';

const num = (v: string | number) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * ライセンス (OPS-8, M §2.5) on a VM's or a system's page: for the chosen VM, the hosts it may run on (every
 * host of its cluster under vMotion/HA/DRS, only its own when pinned) and how many licences each unit needs —
 * processor and physical-core licences over those hosts, the VM's cores, users, devices and servers from the
 * numbers given. Counted by the server (GET /api/operations/licences), which also checks the VM is visible.
 */
export function LicencePanel({ vms }: { vms: { id: string; name: string }[] }) {
  const t = useOT();
  const { lang } = useLang();
  const [vmId, setVmId] = useState<string | null>(vms[0]?.id ?? null);
  const [users, setUsers] = useState<string | number>('');
  const [devices, setDevices] = useState<string | number>('');
  const [servers, setServers] = useState<string | number>('');
  const counts = { users: num(users), devices: num(devices), servers: num(servers) };
  const q = useQuery({
    queryKey: ['operations', 'licences', vmId, counts],
    queryFn: ({ signal }) => getLicences(vmId ?? '', counts, signal),
    enabled: !!vmId,
    placeholderData: keepPreviousData,
  });
  const r = q.data;
  return (
    <Card withBorder padding="md" data-testid="licence-panel">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('lic.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('lic.lead')}
        </Text>
        {vms.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('lic.noVms')}
          </Text>
        ) : (
          <>
            <SimpleGrid cols={{ base: 1, sm: vms.length > 1 ? 4 : 3 }} spacing="sm">
              {vms.length > 1 && (
                <Select
                  label={t('lic.vm')}
                  data={vms.map((v) => ({ value: v.id, label: v.name }))}
                  value={vmId}
                  onChange={setVmId}
                  allowDeselect={false}
                  searchable
                  data-testid="licence-vm"
                />
              )}
              <NumberInput label={t('lic.users')} min={0} value={users} onChange={setUsers} data-testid="licence-users" />
              <NumberInput label={t('lic.devices')} min={0} value={devices} onChange={setDevices} data-testid="licence-devices" />
              <NumberInput label={t('lic.servers')} min={1} placeholder="1" value={servers} onChange={setServers} data-testid="licence-servers" />
            </SimpleGrid>
            {q.error && (
              <Text size="sm" c="red">
                {(q.error as Error).message}
              </Text>
            )}
            {r && (
              <Stack gap="xs">
                <Group gap="xs" data-testid="licence-hosts">
                  <Text size="sm" fw={600}>
                    {t('lic.mayRunOn')}:
                  </Text>
                  {r.mayRunOn.map((h) => (
                    <Badge key={h} variant="light" tt="none">
                      {h}
                    </Badge>
                  ))}
                  {r.hostPinned && (
                    <Badge color="grape" tt="none">
                      {t('lic.pinned')}
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed" data-testid="licence-reason">
                  {r.reason}
                </Text>
                <Table.ScrollContainer minWidth={560}>
                  <Table verticalSpacing={4} data-testid="licence-table">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('lic.unit')}</Table.Th>
                        <Table.Th style={{ textAlign: 'right' }}>{t('lic.count')}</Table.Th>
                        <Table.Th>{t('lic.basis')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {r.lines.map((l) => (
                        <Table.Tr key={l.unit} data-testid={`licence-${l.unit}`} data-count={l.count ?? ''}>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>{bi(lang, l.label)}</Table.Td>
                          <Table.Td style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>
                            {l.count === null ? (
                              <Text size="xs" c="dimmed" span>
                                {t('lic.needsInput')}
                              </Text>
                            ) : (
                              <Text fw={700} span>
                                {l.count}
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td>
                            <Text size="xs">{l.basis}</Text>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                {r.notes.map((n) => (
                  <Text key={n} size="xs" c="dimmed">
                    ※ {n}
                  </Text>
                ))}
              </Stack>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}
