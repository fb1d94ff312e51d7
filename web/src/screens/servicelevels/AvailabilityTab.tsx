import { Anchor, Badge, Button, Group, Modal, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useDateTime } from '../../i18n';
import { type Availability, exportHref, getAvailability, pct } from './slApi';
import { type SLT, useSLT } from './i18n';

type Figure = Pick<Availability['levels'][number], 'periodMinutes' | 'plannedMinutes' | 'nonOperatingMinutes' | 'availability' | 'incidentIds' | 'windowIds'>;
type Basis = { title: string; figure: Figure };

const windowHref = (w: Availability['windows'][number]) => (w.kind === 'release' ? `/changes/releases/${w.id}` : `/monitoring/suppressions/${w.id}`);

/** The troubles and windows behind one figure, linked to their records. */
function BasisModal({ basis, a, onClose, t }: { basis: Basis | null; a: Availability; onClose: () => void; t: SLT }) {
  const fmt = useDateTime();
  if (!basis) return null;
  const inc = a.incidents.filter((i) => basis.figure.incidentIds.includes(i.id));
  const win = a.windows.filter((w) => basis.figure.windowIds.includes(w.id));
  return (
    <Modal opened onClose={onClose} size="min(1100px, 95vw)" title={`${basis.title} — ${pct(basis.figure.availability)}`} data-testid="sl-basis">
      <Stack gap="md">
        <Text size="sm">
          ({basis.figure.periodMinutes} − {basis.figure.plannedMinutes} − {basis.figure.nonOperatingMinutes}) ÷ ({basis.figure.periodMinutes} − {basis.figure.plannedMinutes}) = {pct(basis.figure.availability)}
        </Text>
        <Title order={5}>{t('sl.incidents')}</Title>
        {inc.length === 0 ? <Text size="sm" c="dimmed">{t('sl.none')}</Text> : <IncidentTable rows={inc} t={t} fmt={fmt} />}
        <Title order={5}>{t('sl.windows')}</Title>
        {win.length === 0 ? (
          <Text size="sm" c="dimmed">{t('sl.none')}</Text>
        ) : (
          <Table withTableBorder fz="sm" data-testid="sl-basis-windows">
            <Table.Tbody>
              {win.map((w) => (
                <Table.Tr key={`${w.kind}${w.id}`}>
                  <Table.Td>{t(w.kind === 'release' ? 'sl.window.release' : 'sl.window.suppression')}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={windowHref(w)} size="sm">{w.ref}</Anchor>
                  </Table.Td>
                  <Table.Td>{fmt(w.from)} – {fmt(w.to)}</Table.Td>
                  <Table.Td>{w.ciNames.join('、')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Modal>
  );
}

function IncidentTable({ rows, t, fmt }: { rows: Availability['incidents']; t: SLT; fmt: (s: string | null) => string }) {
  return (
    <ScrollArea>
      <Table withTableBorder fz="sm" data-testid="sl-incidents">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>No.</Table.Th>
            <Table.Th>{t('sl.level')}</Table.Th>
            <Table.Th>{t('sl.detected')}</Table.Th>
            <Table.Th>{t('sl.recovered')}</Table.Th>
            <Table.Th>{t('sl.recoveryMin')}</Table.Th>
            <Table.Th>{t('sl.target')}</Table.Th>
            <Table.Th>{t('sl.countedAs')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((i) => (
            <Table.Tr key={i.id}>
              <Table.Td>
                <Anchor component={Link} to={`/incidents/${i.id}`} size="sm" ff="monospace">{i.receiptNo}</Anchor>
                <Text size="xs" c="dimmed">{i.title}</Text>
              </Table.Td>
              <Table.Td>{i.level ?? '—'}</Table.Td>
              <Table.Td>{fmt(i.detectedAt)}</Table.Td>
              <Table.Td>{i.recoveredAt ? fmt(i.recoveredAt) : <Badge color="orange" tt="none">{t('sl.notRecovered')}</Badge>}</Table.Td>
              <Table.Td>{i.recoveryMinutes ?? '—'}</Table.Td>
              <Table.Td>
                <Text size="xs">{i.recoveryTarget ?? '—'}</Text>
                {i.targetMet !== null && <Badge color={i.targetMet ? 'green' : 'red'} tt="none" size="sm">{t(i.targetMet ? 'sl.met' : 'sl.missed')}</Badge>}
              </Table.Td>
              <Table.Td>
                <Badge color={i.treatedAs === "degraded" ? "gray" : "red"} variant="light" tt="none" style={{ overflow: "visible" }} styles={{ label: { overflow: "visible" } }}>{t(i.treatedAs === 'degraded' ? 'sl.degraded' : 'sl.nonOperating')}</Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

const NOWRAP = { whiteSpace: 'nowrap' } as const;

function FigureCells({ f }: { f: Figure }) {
  return (
    <>
      <Table.Td ta="right" style={NOWRAP}>{f.periodMinutes.toLocaleString()}</Table.Td>
      <Table.Td ta="right" style={NOWRAP}>{f.plannedMinutes.toLocaleString()}</Table.Td>
      <Table.Td ta="right" style={NOWRAP} c={f.nonOperatingMinutes > 0 ? 'red' : undefined}>{f.nonOperatingMinutes.toLocaleString()}</Table.Td>
      <Table.Td ta="right" fw={700} style={NOWRAP}>{pct(f.availability)}</Table.Td>
    </>
  );
}

/** 稼働率 per level, system and VM for the month, each row opening to its incidents and windows. */
export function AvailabilityTab({ month }: { month: string }) {
  const t = useSLT();
  const fmt = useDateTime();
  const q = useQuery({ queryKey: ['servicelevels', 'availability', month], queryFn: ({ signal }) => getAvailability(month, signal) });
  const [basis, setBasis] = useState<Basis | null>(null);
  if (q.isPending) return <PageLoader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const a = q.data;
  const heads = (
    <>
      <Table.Th ta="right" style={NOWRAP}>{t('sl.period')}</Table.Th>
      <Table.Th ta="right" style={NOWRAP}>{t('sl.planned')}</Table.Th>
      <Table.Th ta="right" style={NOWRAP}>{t('sl.nonop')}</Table.Th>
      <Table.Th ta="right" style={NOWRAP}>{t('sl.availability')}</Table.Th>
      <Table.Th />
    </>
  );
  const open = (title: string, figure: Figure) => (
    <Table.Td style={NOWRAP}>
      <Button size="compact-xs" variant="subtle" onClick={() => setBasis({ title, figure })} data-testid="sl-open-basis">
        {t('sl.open')}（{figure.incidentIds.length}／{figure.windowIds.length}）
      </Button>
    </Table.Td>
  );
  return (
    <Stack gap="md" data-testid="sl-availability">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">{t('sl.formula')}</Text>
        <Group gap="xs">
          <Button component="a" href={exportHref('availability', 'xlsx', month)} size="xs" variant="light">XLSX</Button>
          <Button component="a" href={exportHref('availability', 'csv', month)} size="xs" variant="light">CSV</Button>
        </Group>
      </Group>
      <Title order={4}>{t('sl.levels')}</Title>
      <Table withTableBorder striped data-testid="sl-levels">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sl.level')}</Table.Th>
            <Table.Th ta="right">{t('sl.vmCount')}</Table.Th>
            {heads}
            <Table.Th>{t('sl.target')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {a.levels.map((l) => (
            <Table.Tr key={l.level} data-testid={`sl-level-${l.level}`}>
              <Table.Td fw={700}>{l.level}</Table.Td>
              <Table.Td ta="right">{l.vmCount}</Table.Td>
              <FigureCells f={l} />
              {open(`${t('sl.level')} ${l.level}`, l)}
              <Table.Td><Text size="xs">{a.recoveryTargets.find((r) => r.level === l.level)?.label}</Text></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={4}>{t('sl.systems')}</Title>
      <ScrollArea h={a.systems.length > 12 ? 460 : undefined}>
        <Table withTableBorder striped fz="sm" stickyHeader data-testid="sl-systems">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('sl.name')}</Table.Th>
              <Table.Th>{t('sl.department')}</Table.Th>
              <Table.Th style={NOWRAP}>{t('sl.level')}</Table.Th>
              <Table.Th ta="right" style={NOWRAP}>{t('sl.vmCount')}</Table.Th>
              {heads}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {a.systems.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{s.name}</Table.Td>
                <Table.Td>{s.departmentName ?? '—'}</Table.Td>
                <Table.Td>{s.level}</Table.Td>
                <Table.Td ta="right">{s.vmCount}</Table.Td>
                <FigureCells f={s} />
                {open(s.name, s)}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      <Title order={4}>{t('sl.vms')}</Title>
      <ScrollArea h={a.vms.length > 12 ? 420 : undefined}>
        <Table withTableBorder striped fz="sm" stickyHeader data-testid="sl-vms">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('sl.name')}</Table.Th>
              <Table.Th>{t('sl.system')}</Table.Th>
              <Table.Th style={NOWRAP}>{t('sl.countedAs')}</Table.Th>
              {heads}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {a.vms.map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td ff="monospace">{v.name}</Table.Td>
                <Table.Td>{v.systemName ?? '—'}</Table.Td>
                <Table.Td>
                  {v.countedLevel ?? '—'}
                  {v.countedAs && <Text size="xs" c="orange">{v.countedAs}</Text>}
                </Table.Td>
                <FigureCells f={v} />
                {open(v.name, v)}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      <Title order={4}>{t('sl.incidents')}</Title>
      {a.incidents.length ? <IncidentTable rows={a.incidents} t={t} fmt={fmt} /> : <Text size="sm" c="dimmed">{t('sl.none')}</Text>}
      <BasisModal basis={basis} a={a} onClose={() => setBasis(null)} t={t} />
    </Stack>
  );
}
