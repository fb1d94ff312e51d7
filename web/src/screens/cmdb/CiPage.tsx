import { Alert, Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, buildQuery } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { type T, useDateTime, useT } from '../../i18n';
import { ForbiddenScreen } from '../ForbiddenScreen';
import { NotFoundScreen } from '../NotFoundScreen';
import {
  type CiBase,
  type ClusterDetail,
  type Contact,
  type DetailOf,
  getCi,
  getLifecycle,
  type HostDetail,
  type ScreenKind,
  type SiteDetail,
  type SystemDetail,
  type VmDetail,
  type VmSummary,
} from './cmdbApi';
import { EditForm, TransitionForm } from './CiForms';
import { CiLink, dictOr, fieldLabel, LevelBadge, num, StatusBadge, statusLabel, useCanManage, useInfraVisible, yesNo } from './common';
import { HistoryTimeline } from './HistoryTimeline';
import { LicencePanel } from './LicencePanel';

type Row = CiBase & Record<string, unknown>;

/** Fields shown in the 基本情報 card, per kind (relations are shown separately). */
const SHOWN: Record<ScreenKind, string[]> = {
  system: ['code', 'serviceLevel', 'environment', 'lanConnected', 'closedNetwork', 'internet', 'ownerConfirmedAt'],
  vm: [
    'effectiveServiceLevel',
    'os',
    'vcpu',
    'memoryGib',
    'diskGib',
    'powerState',
    'nics',
    'provisionalProcedure',
    'hostPinned',
    'ha',
    'srm',
    'serviceLevelOverride',
    'serviceLevelOverrideReason',
    'moref',
    'uuid',
    'missingSince',
  ],
  host: ['ip', 'os', 'middlewareVersion', 'model', 'serialNumber', 'cpuSockets', 'cpuCores', 'cpuGhz', 'memoryGib', 'localDiskGib', 'moref'],
  cluster: ['haEnabled', 'drsEnabled', 'moref'],
  site: ['code', 'role', 'address'],
};
const COMMON = ['statusChangedAt', 'createdAt', 'updatedAt', 'version', 'notes'];
const DATES = new Set(['statusChangedAt', 'createdAt', 'updatedAt', 'ownerConfirmedAt', 'missingSince']);

function Value({ t, fmt, field, v }: { t: T; fmt: (s: string) => string; field: string; v: unknown }): ReactNode {
  if (field === 'serviceLevel' || field === 'effectiveServiceLevel' || field === 'serviceLevelOverride') return <LevelBadge level={v as string} />;
  if (v === null || v === undefined || v === '') return <Text c="dimmed">—</Text>;
  if (DATES.has(field)) return fmt(String(v));
  if (typeof v === 'boolean') return field === 'haEnabled' || field === 'drsEnabled' ? (v ? 'ON' : 'OFF') : yesNo(t, v);
  if (field === 'environment') return dictOr(t, `cmdb.env.${v}`, String(v));
  if (field === 'powerState') return dictOr(t, `cmdb.power.${v}`, String(v));
  if (field === 'role') return dictOr(t, `cmdb.siteRole.${v}`, String(v));
  if (field === 'nics' && Array.isArray(v)) {
    if (!v.length) return <Text c="dimmed">—</Text>;
    return (
      <Stack gap={0}>
        {v.map((n: { network: string; ip?: string | null; adapter?: string | null }) => (
          <Text size="sm" key={`${n.network}-${n.ip ?? ''}-${n.adapter ?? ''}`}>
            {n.network} <Text span ff="monospace" size="sm">{n.ip ?? ''}</Text> {n.adapter ? `(${n.adapter})` : ''}
          </Text>
        ))}
      </Stack>
    );
  }
  if (typeof v === 'number') return num(v);
  return String(v);
}

function Fields({ kind, ci }: { kind: ScreenKind; ci: Row }) {
  const t = useT();
  const fmt = useDateTime();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="xs" verticalSpacing="xs" data-testid="ci-fields">
      {[...SHOWN[kind], ...COMMON].map((f) => (
        <Stack key={f} gap={0} data-field={f} style={f === 'notes' ? { gridColumn: '1 / -1' } : undefined}>
          <Text size="xs" c="dimmed">
            {fieldLabel(t, f)}
          </Text>
          <Text size="sm" component="div" style={{ wordBreak: 'break-word', whiteSpace: f === 'notes' ? 'pre-wrap' : undefined }}>
            <Value t={t} fmt={fmt} field={f} v={ci[f]} />
          </Text>
        </Stack>
      ))}
    </SimpleGrid>
  );
}

function Section({ title, children, testId, action }: { title: string; children: ReactNode; testId?: string; action?: ReactNode }) {
  return (
    <Card withBorder padding="md" data-testid={testId}>
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Title order={3} size="h4">
          {title}
        </Title>
        {action}
      </Group>
      {children}
    </Card>
  );
}

/** "site › cluster › host" with links for those who may open platform equipment. */
function Placement({ host, infra }: { host: { id: string; name: string; clusterId: string | null; clusterName: string | null; siteId: string; siteName: string | null } | null; infra: boolean }) {
  const t = useT();
  if (!host) return <Text c="dimmed">{t('cmdb.rel.unplaced')}</Text>;
  return (
    <Group gap={6} wrap="wrap" data-testid="placement">
      <Text size="sm" c="dimmed">
        {t('cmdb.f.site')}
      </Text>
      <CiLink kind="site" id={host.siteId} enabled={infra}>
        {host.siteName}
      </CiLink>
      <Text c="dimmed" aria-hidden>
        ›
      </Text>
      <Text size="sm" c="dimmed">
        {t('cmdb.f.cluster')}
      </Text>
      <CiLink kind="cluster" id={host.clusterId} enabled={infra}>
        {host.clusterName ?? '—'}
      </CiLink>
      <Text c="dimmed" aria-hidden>
        ›
      </Text>
      <Text size="sm" c="dimmed">
        {t('cmdb.f.host')}
      </Text>
      <CiLink kind="host" id={host.id} enabled={infra}>
        <Text span ff="monospace" size="sm">
          {host.name}
        </Text>
      </CiLink>
    </Group>
  );
}

function ledgerLink(segment: string, filter: Record<string, string>) {
  return `/cmdb/${segment}${buildQuery(filter)}`;
}

function VmTable({ vms, infra, showSystem = true, showHost = true }: { vms: VmSummary[]; infra: boolean; showSystem?: boolean; showHost?: boolean }) {
  const t = useT();
  if (!vms.length) return <Text c="dimmed">{t('cmdb.rel.none')}</Text>;
  return (
    <Table.ScrollContainer minWidth={620}>
      <Table striped fz="sm" data-testid="related-vms">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('cmdb.f.name')}</Table.Th>
            {showSystem && <Table.Th>{t('cmdb.f.system')}</Table.Th>}
            {showHost && <Table.Th>{t('cmdb.f.host')}</Table.Th>}
            <Table.Th>{t('cmdb.f.serviceLevel')}</Table.Th>
            <Table.Th ta="right">{t('cmdb.f.vcpu')}</Table.Th>
            <Table.Th ta="right">{t('cmdb.f.memoryGib')}</Table.Th>
            <Table.Th>{t('cmdb.f.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {vms.map((v) => (
            <Table.Tr key={v.id}>
              <Table.Td ff="monospace">
                <CiLink kind="vm" id={v.id}>
                  {v.name}
                </CiLink>
              </Table.Td>
              {showSystem && (
                <Table.Td>
                  <CiLink kind="system" id={v.systemId}>
                    {v.systemName ?? '—'}
                  </CiLink>
                </Table.Td>
              )}
              {showHost && (
                <Table.Td ff="monospace">
                  <CiLink kind="host" id={v.hostId} enabled={infra}>
                    {v.hostName ?? t('cmdb.rel.unplaced')}
                  </CiLink>
                </Table.Td>
              )}
              <Table.Td>
                <LevelBadge level={v.effectiveServiceLevel} />
              </Table.Td>
              <Table.Td ta="right">{num(v.vcpu)}</Table.Td>
              <Table.Td ta="right">{num(v.memoryGib)}</Table.Td>
              <Table.Td>
                <StatusBadge status={v.status} size="sm" />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Contacts({ contacts }: { contacts: Contact[] }) {
  const t = useT();
  const live = contacts.filter((c) => c.status !== 'retired');
  if (!live.length) return <Text c="dimmed">{t('cmdb.rel.none')}</Text>;
  return (
    <Stack gap={2} data-testid="contacts">
      {live.map((c) => (
        <Text size="sm" key={c.id}>
          {c.escalationOrder}. {c.name}
          {c.role ? `（${c.role}）` : ''}{' '}
          <Anchor href={`mailto:${c.email}`} size="sm">
            {c.email}
          </Anchor>{' '}
          {c.phone ?? ''} {c.distributionList && <Badge size="xs" variant="light" tt="none">{t('cmdb.rel.distributionList')}</Badge>}
        </Text>
      ))}
    </Stack>
  );
}

function RefList({ items, kind, infra = true }: { items: { id: string; name: string; status: CiBase['status'] }[]; kind?: ScreenKind; infra?: boolean }) {
  const t = useT();
  if (!items.length) return <Text c="dimmed">{t('cmdb.rel.none')}</Text>;
  return (
    <Group gap="xs" wrap="wrap">
      {items.map((x) => (
        <Group key={x.id} gap={4} wrap="nowrap">
          {kind ? (
            <CiLink kind={kind} id={x.id} enabled={infra}>
              {x.name}
            </CiLink>
          ) : (
            <Text size="sm">{x.name}</Text>
          )}
          {x.status !== 'active' && <StatusBadge status={x.status} size="sm" />}
        </Group>
      ))}
    </Group>
  );
}

function Relations({ kind, ci, infra }: { kind: ScreenKind; ci: DetailOf[ScreenKind]; infra: boolean }) {
  const t = useT();
  const openLedger = (segment: string, filter: Record<string, string>) => (
    <Button component={Link} to={ledgerLink(segment, filter)} size="xs" variant="light" data-testid={`open-ledger-${segment}`}>
      {t('cmdb.rel.openInLedger')}
    </Button>
  );
  switch (kind) {
    case 'vm': {
      const vm = ci as VmDetail;
      return (
        <Stack gap="md">
          <Section title={t('cmdb.f.system')} testId="rel-system">
            {vm.system ? (
              <Stack gap={4}>
                <Group gap="xs">
                  <CiLink kind="system" id={vm.system.id}>
                    {vm.system.name}
                  </CiLink>
                  <LevelBadge level={vm.system.serviceLevel} />
                  <Text size="sm" c="dimmed">
                    {vm.system.department?.name}
                  </Text>
                </Group>
                <Text size="xs" c="dimmed">
                  {t('cmdb.rel.contacts')}
                </Text>
                <Contacts contacts={vm.contacts} />
              </Stack>
            ) : (
              <Text c="dimmed">{t('cmdb.rel.none')}</Text>
            )}
          </Section>
          <Section title={t('cmdb.ci.placement')} testId="rel-placement">
            <Placement host={vm.host} infra={infra} />
          </Section>
        </Stack>
      );
    }
    case 'system': {
      const s = ci as SystemDetail;
      return (
        <Stack gap="md">
          <Section title={t('cmdb.f.department')} testId="rel-department">
            <Text size="sm">{s.department?.name ?? '—'}</Text>
            <Text size="xs" c="dimmed" mt="xs">
              {t('cmdb.rel.contacts')}
            </Text>
            <Contacts contacts={s.contacts} />
          </Section>
          <Section
            title={t('cmdb.rel.vms', { count: s.vms.length })}
            testId="rel-vms"
            action={openLedger('vms', { systemId: s.id, systemIdName: s.name })}
          >
            <Text size="xs" c="dimmed" mb="xs">
              {t('cmdb.rel.totals', { ...s.totals })}
            </Text>
            <VmTable vms={s.vms} infra={infra} showSystem={false} />
          </Section>
        </Stack>
      );
    }
    case 'host': {
      const h = ci as HostDetail;
      const systems = [...new Map(h.vms.filter((v) => v.systemId).map((v) => [v.systemId, { id: v.systemId as string, name: v.systemName ?? '', status: 'active' as const }])).values()];
      return (
        <Stack gap="md">
          <Section title={t('cmdb.ci.placement')} testId="rel-placement">
            <Group gap={6}>
              <Text size="sm" c="dimmed">
                {t('cmdb.f.site')}
              </Text>
              <CiLink kind="site" id={h.site?.id}>
                {h.site?.name}
              </CiLink>
              <Text c="dimmed" aria-hidden>
                ›
              </Text>
              <Text size="sm" c="dimmed">
                {t('cmdb.f.cluster')}
              </Text>
              <CiLink kind="cluster" id={h.cluster?.id}>
                {h.cluster?.name ?? '—'}
              </CiLink>
            </Group>
          </Section>
          <Section title={t('cmdb.rel.vms', { count: h.vms.length })} testId="rel-vms" action={openLedger('vms', { hostId: h.id, hostIdName: h.name })}>
            <VmTable vms={h.vms} infra={infra} showHost={false} />
          </Section>
          <Section title={t('cmdb.rel.systems', { count: systems.length })} testId="rel-systems">
            <RefList items={systems.sort((a, b) => a.name.localeCompare(b.name, 'ja'))} kind="system" />
          </Section>
        </Stack>
      );
    }
    case 'cluster': {
      const c = ci as ClusterDetail;
      return (
        <Stack gap="md">
          <Section title={t('cmdb.f.site')} testId="rel-site">
            <CiLink kind="site" id={c.site?.id}>
              {c.site?.name}
            </CiLink>
          </Section>
          <Section
            title={t('cmdb.rel.hosts', { count: c.hosts.length })}
            testId="rel-hosts"
            action={
              <Group gap="xs">
                {openLedger('vms', { clusterId: c.id, clusterIdName: c.name })}
              </Group>
            }
          >
            <RefList items={c.hosts} kind="host" />
          </Section>
          <Section title={t('cmdb.rel.storage')}>
            <RefList items={c.storage} />
          </Section>
        </Stack>
      );
    }
    case 'site': {
      const s = ci as SiteDetail;
      return (
        <Stack gap="md">
          <Section title={t('cmdb.rel.clusters', { count: s.clusters.length })} testId="rel-clusters">
            <RefList items={s.clusters} kind="cluster" />
          </Section>
          <Section title={t('cmdb.rel.hosts', { count: s.hosts.length })} testId="rel-hosts" action={openLedger('hosts', { siteId: s.id, siteIdName: s.name })}>
            <RefList items={s.hosts} kind="host" />
          </Section>
          <Section title={t('cmdb.rel.storage')}>
            <RefList items={[...s.storage, ...s.networkDevices, ...s.managementServers]} />
          </Section>
        </Stack>
      );
    }
  }
}

const BACK: Record<ScreenKind, string> = { system: 'systems', vm: 'vms', host: 'hosts', cluster: 'sites', site: 'sites' };

/** One CI: its fields, status and allowed moves, relations both ways, and its history (CMDB-2/3). */
export function CiPage({ kind }: { kind: ScreenKind }) {
  const t = useT();
  const { id = '' } = useParams();
  const canManage = useCanManage();
  const infra = useInfraVisible() ?? false;
  const [editing, setEditing] = useState(false);
  const [moving, setMoving] = useState(false);
  const [flash, setFlash] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['cmdb', kind, id], queryFn: ({ signal }) => getCi(kind, id, signal), enabled: /^[0-9a-f-]{36}$/i.test(id) });
  const life = useQuery({ queryKey: ['cmdb', 'lifecycle'], queryFn: getLifecycle, staleTime: Number.POSITIVE_INFINITY });

  if (!/^[0-9a-f-]{36}$/i.test(id)) return <NotFoundScreen />;
  if (q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 400)) return <NotFoundScreen />;
  if (q.error instanceof ApiError && q.error.status === 403) return <ForbiddenScreen />;
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data) return <PageLoader />;

  const ci = q.data as DetailOf[ScreenKind] & Row;
  const next = life.data?.statuses.find((s) => s.status === ci.status)?.next ?? [];
  const editable = canManage && ci.status !== 'retired';
  const reload = async () => ({ data: (await q.refetch()).data as CiBase | undefined });

  return (
    <Stack gap="md" data-testid={`ci-${kind}`} data-ci-id={ci.id}>
      <Anchor component={Link} to={`/cmdb/${BACK[kind]}`} size="sm" w="fit-content">
        ← {t('cmdb.ci.back')}
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4}>
          <Text size="sm" c="dimmed">
            {t(`cmdb.kind.${kind}`)}
          </Text>
          <Group gap="sm" wrap="wrap">
            <Title order={2} data-testid="ci-name" style={{ wordBreak: 'break-all' }}>
              {ci.name}
            </Title>
            <StatusBadge status={ci.status} size="lg" />
          </Group>
          <Group gap={6} data-testid="next-statuses">
            <Text size="xs" c="dimmed">
              {t('cmdb.ci.nextStatuses')}:
            </Text>
            {next.length ? (
              next.map((s) => (
                <Badge key={s} variant="dot" color="gray" tt="none" size="sm" data-status={s}>
                  {statusLabel(t, s)}
                </Badge>
              ))
            ) : (
              <Text size="xs" c="dimmed">
                {t('cmdb.ci.final')}
              </Text>
            )}
          </Group>
        </Stack>
        {editable ? (
          <Group gap="xs">
            <Button variant="default" onClick={() => setEditing(true)} data-testid="ci-edit">
              {t('cmdb.ci.edit')}
            </Button>
            {next.length > 0 && (
              <Button onClick={() => setMoving(true)} data-testid="ci-transition">
                {t('cmdb.ci.changeStatus')}
              </Button>
            )}
          </Group>
        ) : (
          !canManage && (
            <Text size="xs" c="dimmed" data-testid="ci-readonly">
              {t('cmdb.ci.readOnly')}
            </Text>
          )
        )}
      </Group>
      {flash && (
        <Alert color="green" variant="light" withCloseButton onClose={() => setFlash(null)} data-testid="ci-flash">
          {flash}
        </Alert>
      )}
      <Section title={t('cmdb.ci.fields')} testId="ci-fields-card">
        <Fields kind={kind} ci={ci} />
      </Section>
      <Title order={3} size="h4">
        {t('cmdb.ci.relations')}
      </Title>
      <Relations kind={kind} ci={ci} infra={infra} />
      {(kind === 'vm' || kind === 'system') && <LicencePanel vms={kind === 'vm' ? [{ id: ci.id, name: ci.name }] : (ci as SystemDetail).vms} />}
      <Section title={t('cmdb.ci.history')} testId="ci-history">
        <HistoryTimeline kind={kind} id={ci.id} />
      </Section>
      {editable && (
        <>
          <EditForm kind={kind} ci={ci} opened={editing} onClose={() => setEditing(false)} reload={reload} onSaved={setFlash} />
          <TransitionForm kind={kind} ci={ci} next={next} opened={moving} onClose={() => setMoving(false)} reload={reload} onSaved={setFlash} />
        </>
      )}
    </Stack>
  );
}
