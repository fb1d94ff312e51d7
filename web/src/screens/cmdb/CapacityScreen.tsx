import { Alert, Badge, Card, Group, Progress, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment, lazy, Suspense } from 'react';
import { ApiError } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useT } from '../../i18n';
import { ForbiddenScreen } from '../ForbiddenScreen';
import { type ClusterN1, getCapacity, getN1, type HostCapacity, type Measure, type MeasureLevel } from './cmdbApi';
import { CiLink, num } from './common';

const CapacityChart = lazy(() => import('./CapacityChart'));

const LEVEL_COLOR: Record<MeasureLevel, string> = { ok: 'green', warning: 'yellow', over: 'red' };

/** allocated / capacity with a bar coloured by the server's level (threshold, over capacity). */
function MeasureCell({ m, testId }: { m: Measure | null; testId?: string }) {
  const t = useT();
  if (!m) {
    return (
      <Text size="xs" c="dimmed">
        {t('cap.sharedDisk')}
      </Text>
    );
  }
  const pct = m.percent ?? 0;
  return (
    <Tooltip label={t(`cap.level.${m.level}`)} withArrow>
      <Stack gap={2} miw={120} data-testid={testId} data-level={m.level}>
        <Group justify="space-between" gap={4} wrap="nowrap">
          <Text size="xs" ff="monospace">
            {num(m.allocated)} / {num(m.capacity)}
          </Text>
          <Text size="xs" fw={700} c={m.level === 'ok' ? undefined : `${LEVEL_COLOR[m.level]}.8`}>
            {m.percent === null ? '—' : `${m.percent}%`}
          </Text>
        </Group>
        <Progress value={Math.min(100, pct)} color={LEVEL_COLOR[m.level]} size="sm" aria-label={`${pct}%`} />
      </Stack>
    </Tooltip>
  );
}

const nowrap = { whiteSpace: 'nowrap' } as const;
/** VMs named per lost host before "ほか N 台". */
const UNPLACED_SHOWN = 6;

function N1Section({ clusters, haOnly }: { clusters: ClusterN1[]; haOnly: boolean }) {
  const t = useT();
  const amount = (a: { vcpu: number; memoryGib: number }) => t('cap.n1.amount', { vcpu: num(a.vcpu), memoryGib: num(a.memoryGib) });
  const ok = clusters.every((c) => c.ok);
  return (
    <Card withBorder padding="md" data-testid="n1">
      <Title order={3} size="h4" mb="xs">
        {t('cap.n1')}
      </Title>
      <Alert color={ok ? 'green' : 'red'} variant="light" mb="sm" data-testid="n1-summary" data-ok={ok}>
        {ok ? t('cap.n1.allOk') : t('cap.n1.someNg')}
        {haOnly && (
          <Text size="xs" c="dimmed">
            {t('cap.n1.haOnly')}
          </Text>
        )}
      </Alert>
      <Stack gap="md">
        {clusters.map((c) => (
          <Stack key={c.clusterId} gap={4} data-testid="n1-cluster" data-ok={c.ok}>
            <Group gap="xs">
              <CiLink kind="cluster" id={c.clusterId}>
                <Text span fw={700} ff="monospace">
                  {c.clusterName}
                </Text>
              </CiLink>
              <Badge color={c.ok ? 'green' : 'red'} variant="light" tt="none">
                {c.ok ? t('cap.n1.clusterOk') : t('cap.n1.clusterNg')}
              </Badge>
              <Text size="xs" c="dimmed">
                {t('cmdb.f.hostCount')}: {c.hostCount}
              </Text>
            </Group>
            {c.losses.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('cap.n1.noHosts')}
              </Text>
            ) : (
              <Table.ScrollContainer minWidth={720}>
                <Table fz="sm" withTableBorder verticalSpacing={4} styles={{ th: nowrap }}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('cap.n1.lost')}</Table.Th>
                      <Table.Th ta="right">{t('cap.n1.vms')}</Table.Th>
                      <Table.Th>{t('cap.n1.demand')}</Table.Th>
                      <Table.Th>{t('cap.n1.available')}</Table.Th>
                      <Table.Th>{t('cap.n1.shortfall')}</Table.Th>
                      <Table.Th>{t('cap.n1.result')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {c.losses.map((l) => {
                      const short = l.shortfall.vcpu > 0 || l.shortfall.memoryGib > 0;
                      return (
                        <Fragment key={l.hostId}>
                          <Table.Tr data-testid="n1-loss" data-fits={l.fits} bg={l.fits ? undefined : 'red.0'}>
                            <Table.Td ff="monospace" style={nowrap}>
                              <CiLink kind="host" id={l.hostId}>
                                {l.hostName}
                              </CiLink>
                            </Table.Td>
                            <Table.Td ta="right">{l.vmCount}</Table.Td>
                            <Table.Td style={nowrap}>{amount(l.demand)}</Table.Td>
                            <Table.Td style={nowrap}>{amount(l.available)}</Table.Td>
                            <Table.Td style={nowrap} c={short ? 'red.8' : 'dimmed'} fw={short ? 700 : undefined} data-testid="n1-shortfall">
                              {short ? amount(l.shortfall) : '—'}
                            </Table.Td>
                            <Table.Td style={nowrap}>
                              <Badge color={l.fits ? 'green' : 'red'} variant={l.fits ? 'light' : 'filled'} tt="none" style={{ minWidth: 'max-content' }}>
                                {l.fits ? t('cap.n1.fits') : t('cap.n1.notFit')}
                              </Badge>
                            </Table.Td>
                          </Table.Tr>
                          {l.unplaced.length > 0 && (
                            <Table.Tr bg="red.0">
                              <Table.Td colSpan={6}>
                                <Text size="xs" c="red.8" data-testid="n1-unplaced">
                                  {t('cap.n1.unplaced', { count: l.unplaced.length })}{' '}
                                  {l.unplaced
                                    .slice(0, UNPLACED_SHOWN)
                                    .map((u) => `${u.name} (${u.vcpu} vCPU / ${u.memoryGib} GiB)`)
                                    .join('、')}
                                  {l.unplaced.length > UNPLACED_SHOWN && t('cap.n1.andMore', { count: l.unplaced.length - UNPLACED_SHOWN })}
                                </Text>
                              </Table.Td>
                            </Table.Tr>
                          )}
                        </Fragment>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        ))}
      </Stack>
    </Card>
  );
}

function HostRows({ hosts }: { hosts: HostCapacity[] }) {
  return (
    <>
      {hosts.map((h) => (
        <Table.Tr key={h.id} data-testid="capacity-host" data-host={h.name}>
          <Table.Td ff="monospace">
            <CiLink kind="host" id={h.id}>
              {h.name}
            </CiLink>
          </Table.Td>
          <Table.Td ta="right">{h.vmCount}</Table.Td>
          <Table.Td>
            <MeasureCell m={h.cpu} testId="measure-cpu" />
          </Table.Td>
          <Table.Td>
            <MeasureCell m={h.memory} testId="measure-memory" />
          </Table.Td>
          <Table.Td>
            <MeasureCell m={h.disk} testId="measure-disk" />
          </Table.Td>
        </Table.Tr>
      ))}
    </>
  );
}

/** 容量 (CMDB-5, DR-2): allocation vs capacity per cluster and host, and the N-1 check. */
export default function CapacityScreen() {
  const t = useT();
  const cap = useQuery({ queryKey: ['cmdb', 'capacity'], queryFn: ({ signal }) => getCapacity({}, signal) });
  const n1 = useQuery({ queryKey: ['cmdb', 'n-1'], queryFn: ({ signal }) => getN1({}, signal) });

  if (cap.error instanceof ApiError && cap.error.status === 403) return <ForbiddenScreen />;
  if (cap.error) return <ErrorAlert error={cap.error} />;
  if (!cap.data) return <PageLoader />;
  const { clusters, hosts, thresholds, overcommit } = cap.data;
  const headers = (
    <Table.Thead>
      <Table.Tr>
        <Table.Th>{t('cmdb.f.name')}</Table.Th>
        <Table.Th ta="right">{t('cmdb.f.vmCount')}</Table.Th>
        <Table.Th>{t('cap.cpu')}</Table.Th>
        <Table.Th>{t('cap.memory')}</Table.Th>
        <Table.Th>{t('cap.disk')}</Table.Th>
      </Table.Tr>
    </Table.Thead>
  );

  return (
    <Stack gap="md" data-testid="capacity">
      <Title order={2}>{t('cap.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('cap.settings', {
          cpu: thresholds.cpu,
          memory: thresholds.memory,
          disk: thresholds.disk,
          vcpuPerCore: overcommit.vcpuPerCore,
          memoryOvercommit: overcommit.memory,
        })}
        <br />
        {t('cap.legend')}
      </Text>
      {n1.error ? <ErrorAlert error={n1.error} /> : n1.data ? <N1Section clusters={n1.data.clusters} haOnly={n1.data.haOnly} /> : <PageLoader />}
      <Card withBorder padding="md">
        <Title order={3} size="h4" mb="xs">
          {t('cap.chart')}
        </Title>
        <Suspense fallback={<PageLoader />}>
          <CapacityChart hosts={hosts} labels={{ cpu: t('cap.cpu'), memory: t('cap.memory') }} thresholds={thresholds} />
        </Suspense>
      </Card>
      <Card withBorder padding="md" data-testid="capacity-clusters">
        <Title order={3} size="h4" mb="xs">
          {t('cap.clusters')}
        </Title>
        <Table.ScrollContainer minWidth={720}>
          <Table fz="sm" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('cmdb.f.cluster')}</Table.Th>
                <Table.Th>{t('cmdb.f.site')}</Table.Th>
                <Table.Th ta="right">{t('cmdb.f.hostCount')}</Table.Th>
                <Table.Th ta="right">{t('cmdb.f.vmCount')}</Table.Th>
                <Table.Th>{t('cap.cpu')}</Table.Th>
                <Table.Th>{t('cap.memory')}</Table.Th>
                <Table.Th>{t('cap.disk')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {clusters.map((c) => (
                <Table.Tr key={c.id} data-testid="capacity-cluster">
                  <Table.Td ff="monospace">
                    <CiLink kind="cluster" id={c.id}>
                      {c.name}
                    </CiLink>
                  </Table.Td>
                  <Table.Td>{c.siteName ?? '—'}</Table.Td>
                  <Table.Td ta="right">{c.hostCount}</Table.Td>
                  <Table.Td ta="right">{c.vmCount}</Table.Td>
                  <Table.Td>
                    <MeasureCell m={c.cpu} />
                  </Table.Td>
                  <Table.Td>
                    <MeasureCell m={c.memory} />
                  </Table.Td>
                  <Table.Td>
                    <MeasureCell m={c.disk} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
      <Card withBorder padding="md" data-testid="capacity-hosts">
        <Title order={3} size="h4" mb="xs">
          {t('cap.hosts')}
        </Title>
        <Stack gap="md">
          {clusters.map((c) => {
            const members = hosts.filter((h) => h.clusterId === c.id);
            return (
              <Stack key={c.id} gap={4}>
                <Text fw={700} size="sm" ff="monospace">
                  {c.name}
                </Text>
                <Table.ScrollContainer minWidth={640}>
                  <Table fz="sm" striped>
                    {headers}
                    <Table.Tbody>
                      <HostRows hosts={members} />
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Stack>
            );
          })}
          {hosts.some((h) => !h.clusterId) && (
            <Table.ScrollContainer minWidth={640}>
              <Table fz="sm" striped>
                {headers}
                <Table.Tbody>
                  <HostRows hosts={hosts.filter((h) => !h.clusterId)} />
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      </Card>
    </Stack>
  );
}
