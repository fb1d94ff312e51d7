import { Alert, Badge, Group, SimpleGrid, Skeleton, Stack, Table, Text, Textarea } from '@mantine/core';
import { lazy, type ReactNode, Suspense } from 'react';
import { Link } from 'react-router-dom';
import { useDateTime, useLang } from '../../i18n';
import { Section } from '../../workbench';
import type { RT } from './i18n';
import { labelOf, type ReportData, type ReportDetail } from './reportsApi';

const ReportBars = lazy(() => import('./ReportCharts'));

export type Texts = ReportDetail['texts'];
type Props = { d: ReportData; r: ReportDetail; t: RT };
const nowrap = { style: { whiteSpace: 'nowrap' } } as const;
const num = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '—' : `${v}${unit}`);

function Empty({ t }: { t: RT }) {
  return (
    <Text size="sm" c="dimmed">
      {t('rep.empty')}
    </Text>
  );
}

/** A two-column table of counts (label, count) with the total first. */
function Counts({ title, rows, t, testId }: { title: string; rows: [string, number][]; t: RT; testId: string }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {title}
      </Text>
      {rows.length === 0 ? (
        <Empty t={t} />
      ) : (
        <Table withTableBorder fz="sm" data-testid={testId}>
          <Table.Tbody>
            {rows.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Td>{k}</Table.Td>
                <Table.Td ta="right" w={80}>
                  {v}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function Chart({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Skeleton h={220} />}>{children}</Suspense>;
}

/** 1. 品質目標に対する実績: each KPI against its target; cause and countermeasure editable in draft. */
export function KpiSection({ d, r, t, texts, setTexts }: Props & { texts: Texts; setTexts?: (x: Texts) => void }) {
  const { lang } = useLang();
  const set = (key: string, field: 'cause' | 'countermeasure', v: string) => {
    if (!setTexts) return;
    const cur = texts.kpis[key] ?? { cause: '', countermeasure: '' };
    setTexts({ ...texts, kpis: { ...texts.kpis, [key]: { ...cur, [field]: v } } });
  };
  return (
    <Section title={t('rep.s.kpi')} testId="rep-kpis">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('rep.s.kpi.lead')}
        </Text>
        <Table withTableBorder fz="sm" verticalSpacing={6} data-testid="rep-kpi-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rep.kpi.name')}</Table.Th>
              <Table.Th {...nowrap}>{t('rep.kpi.target')}</Table.Th>
              <Table.Th {...nowrap}>{t('rep.kpi.value')}</Table.Th>
              <Table.Th {...nowrap}>{t('rep.kpi.met')}</Table.Th>
              <Table.Th miw={200}>{t('rep.kpi.cause')}</Table.Th>
              <Table.Th miw={200}>{t('rep.kpi.countermeasure')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.kpis.map((k) => {
              const x = texts.kpis[k.key] ?? { cause: '', countermeasure: '' };
              const missing = k.met === false && (!x.cause.trim() || !x.countermeasure.trim());
              return (
                <Table.Tr key={k.key} data-testid={`rep-kpi-${k.key}`} data-met={String(k.met)}>
                  <Table.Td>{lang === 'en' ? (KPI_EN[k.key] ?? k.label) : k.label}</Table.Td>
                  <Table.Td {...nowrap}>{num(k.target, ' %')}</Table.Td>
                  <Table.Td {...nowrap} fw={600} c={k.met === false ? 'red.7' : undefined}>
                    {k.status === 'no_source' ? labelOf(r.labels, 'kpiStatus', k.status, lang) : num(k.value, ' %')}
                  </Table.Td>
                  <Table.Td {...nowrap}>
                    {k.met === null ? (
                      '—'
                    ) : (
                      <Badge color={k.met ? 'green' : 'red'} tt="none">
                        {k.met ? t('rep.kpi.ok') : t('rep.kpi.ng')}
                      </Badge>
                    )}
                  </Table.Td>
                  {(['cause', 'countermeasure'] as const).map((f) => (
                    <Table.Td key={f}>
                      {setTexts ? (
                        <Textarea
                          size="xs"
                          autosize
                          minRows={1}
                          value={x[f]}
                          onChange={(e) => set(k.key, f, e.currentTarget.value)}
                          error={missing && !x[f].trim() ? t('rep.kpi.needText') : undefined}
                          data-testid={`rep-kpi-${k.key}-${f}`}
                          aria-label={`${k.label} ${t(f === 'cause' ? 'rep.kpi.cause' : 'rep.kpi.countermeasure')}`}
                        />
                      ) : (
                        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid={`rep-kpi-${k.key}-${f}-text`}>
                          {x[f] || '—'}
                        </Text>
                      )}
                    </Table.Td>
                  ))}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        {setTexts ? (
          <Textarea
            label={t('rep.summary')}
            autosize
            minRows={2}
            value={texts.summary}
            onChange={(e) => setTexts({ ...texts, summary: e.currentTarget.value })}
            data-testid="rep-summary"
          />
        ) : (
          texts.summary && (
            <Stack gap={2}>
              <Text size="sm" fw={600}>
                {t('rep.summary')}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {texts.summary}
              </Text>
            </Stack>
          )
        )}
      </Stack>
    </Section>
  );
}

/** The English names of N §2.6.3's indicators (the snapshot keeps the Japanese one). */
const KPI_EN: Record<string, string> = {
  availability_a: 'Availability of level A',
  availability_b: 'Availability of level B',
  consolidation: 'Consolidation rate',
  resource_addition_on_time: 'On-time resource additions',
  vm_provisioning_on_time: 'On-time VM provisioning',
  monitoring_first_response: 'Monitoring first response on time',
  provisional_response: 'Provisional response success',
};

/** 2. インシデント報告: counts by class, priority and level, and six months' trend (a chart). */
export function IncidentSection({ d, r, t }: Props) {
  const { lang } = useLang();
  const L = (g: Parameters<typeof labelOf>[1], k: string) => labelOf(r.labels, g, k, lang);
  const tr = d.incidents.trend;
  const up = tr.length >= 2 && tr.at(-1)!.total > tr.at(-2)!.total;
  const classes = ['work_request', 'qa', 'trouble'] as const;
  return (
    <Section title={t('rep.s.incidents')} testId="rep-incidents">
      <Stack gap="sm">
        <Group gap="xs">
          <Text size="sm">{t('rep.inc.total')}</Text>
          <Text fw={700} data-testid="rep-inc-total">
            {d.incidents.total}
          </Text>
          {up && (
            <Badge color="orange" tt="none" variant="light">
              {t('rep.inc.up')}
            </Badge>
          )}
        </Group>
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <Counts
            title={t('rep.inc.byClass')}
            rows={Object.entries(d.incidents.byClass).map(([k, v]) => [L('incidentClass', k), v])}
            t={t}
            testId="rep-inc-class"
          />
          <Counts
            title={t('rep.inc.byPriority')}
            rows={Object.entries(d.incidents.byPriority).map(([k, v]) => [L('priority', k), v])}
            t={t}
            testId="rep-inc-priority"
          />
          <Counts
            title={t('rep.inc.byLevel')}
            rows={Object.entries(d.incidents.byServiceLevel).map(([k, v]) => [L('serviceLevel', k), v])}
            t={t}
            testId="rep-inc-level"
          />
        </SimpleGrid>
        <Text size="sm" fw={600}>
          {t('rep.inc.trend')}
        </Text>
        <Chart>
          <ReportBars
            testId="rep-inc-chart"
            categories={tr.map((x) => x.month)}
            series={classes.map((c) => ({ name: L('incidentClass', c), values: tr.map((x) => x[c]) }))}
            stacked
          />
        </Chart>
        <Table withTableBorder fz="sm" data-testid="rep-inc-trend">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rep.month')}</Table.Th>
              {classes.map((c) => (
                <Table.Th key={c} ta="right">
                  {L('incidentClass', c)}
                </Table.Th>
              ))}
              <Table.Th ta="right">{t('rep.total')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tr.map((x) => (
              <Table.Tr key={x.month}>
                <Table.Td>{x.month}</Table.Td>
                {classes.map((c) => (
                  <Table.Td key={c} ta="right">
                    {x[c]}
                  </Table.Td>
                ))}
                <Table.Td ta="right" fw={600}>
                  {x.total}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Section>
  );
}

/** 3. 問題報告: registered/closed, high-priority progress, preventive maintenance information. */
export function ProblemSection({ d, r, t }: Props) {
  const { lang } = useLang();
  const fmt = useDateTime();
  const list = [
    ...d.problems.highOpen.map((p) => ({ ...p, kind: labelOf(r.labels, 'priority', 'high', lang), due: p.dueAt })),
    ...d.problems.preventive.map((p) => ({ ...p, kind: labelOf(r.labels, 'problemSource', p.source, lang), due: null })),
  ];
  return (
    <Section title={t('rep.s.problems')} testId="rep-problems">
      <Stack gap="sm">
        <Group gap="lg">
          <Text size="sm">
            {t('rep.prb.registered')} <b>{d.problems.registered}</b>
          </Text>
          <Text size="sm">
            {t('rep.prb.closed')} <b>{d.problems.closed}</b>
          </Text>
        </Group>
        {list.length === 0 ? (
          <Empty t={t} />
        ) : (
          <Table withTableBorder fz="sm" data-testid="rep-problem-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('rep.prb.source')}</Table.Th>
                <Table.Th>{t('rep.prb.no')}</Table.Th>
                <Table.Th>{t('rep.prb.title')}</Table.Th>
                <Table.Th>{t('rep.state')}</Table.Th>
                <Table.Th>{t('rep.prb.due')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((p) => (
                <Table.Tr key={`${p.kind}-${p.receiptNo}`}>
                  <Table.Td {...nowrap}>{p.kind}</Table.Td>
                  <Table.Td {...nowrap} ff="monospace">
                    {p.receiptNo}
                  </Table.Td>
                  <Table.Td>{p.title}</Table.Td>
                  <Table.Td>{labelOf(r.labels, 'problemState', p.state, lang)}</Table.Td>
                  <Table.Td {...nowrap}>{p.due ? fmt(p.due) : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Section>
  );
}

/** 4. 変更・リリース作業報告: plan vs actual and the maintenance days. */
export function ChangeSection({ d, r, t }: Props) {
  const { lang } = useLang();
  const fmt = useDateTime();
  const c = d.changes;
  return (
    <Section title={t('rep.s.changes')} testId="rep-changes">
      <Stack gap="sm">
        <Group gap="lg" data-testid="rep-chg-counts">
          {(
            [
              ['rep.chg.planned', c.planned],
              ['rep.chg.done', c.done],
              ['rep.chg.rolledBack', c.rolledBack],
              ['rep.chg.emergency', c.emergency],
            ] as const
          ).map(([k, v]) => (
            <Text key={k} size="sm">
              {t(k)} <b>{v}</b>
            </Text>
          ))}
        </Group>
        {c.releases.length === 0 ? (
          <Empty t={t} />
        ) : (
          <Table withTableBorder fz="sm" data-testid="rep-release-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('rep.chg.releaseNo')}</Table.Th>
                <Table.Th>{t('rep.chg.plannedStart')}</Table.Th>
                <Table.Th>{t('rep.chg.actualStart')}</Table.Th>
                <Table.Th>{t('rep.chg.result')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {c.releases.map((x) => (
                <Table.Tr key={x.releaseNo}>
                  <Table.Td ff="monospace" {...nowrap}>
                    {x.releaseNo}
                    {x.emergency && (
                      <Badge ml={6} color="red" size="xs" tt="none">
                        {t('rep.chg.emergency')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td {...nowrap}>{fmt(x.plannedStart)}</Table.Td>
                  <Table.Td {...nowrap}>{x.actualStart ? fmt(x.actualStart) : '—'}</Table.Td>
                  <Table.Td>{x.result ? labelOf(r.labels, 'releaseResult', x.result, lang) : labelOf(r.labels, 'releaseState', x.state, lang)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {c.maintenanceDays.length > 0 && <Counts title={t('rep.chg.days')} rows={c.maintenanceDays.map((m) => [m.day, m.used])} t={t} testId="rep-chg-days" />}
      </Stack>
    </Section>
  );
}

/** 5. 監視報告: alert counts by kind and severity, resource usage per cluster (a chart). */
export function MonitoringSection({ d, r, t }: Props) {
  const { lang } = useLang();
  const m = d.monitoring;
  return (
    <Section title={t('rep.s.monitoring')} testId="rep-monitoring">
      <Stack gap="sm">
        <Group gap="xs">
          <Text size="sm">{t('rep.mon.total')}</Text>
          <Text fw={700} data-testid="rep-alert-total">
            {m.alertTotal}
          </Text>
        </Group>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Counts
            title={t('rep.mon.byType')}
            rows={Object.entries(m.byItemType).map(([k, v]) => [labelOf(r.labels, 'itemType', k, lang), v])}
            t={t}
            testId="rep-alert-type"
          />
          <Counts
            title={t('rep.mon.bySeverity')}
            rows={Object.entries(m.bySeverity).map(([k, v]) => [labelOf(r.labels, 'severity', k, lang), v])}
            t={t}
            testId="rep-alert-severity"
          />
        </SimpleGrid>
        <Text size="sm" fw={600}>
          {t('rep.mon.clusters')}
        </Text>
        {m.clusters.length === 0 ? (
          <Empty t={t} />
        ) : (
          <>
            <Chart>
              <ReportBars
                testId="rep-cluster-chart"
                categories={m.clusters.map((c) => c.name)}
                max={100}
                unit=" %"
                series={[
                  { name: 'CPU', values: m.clusters.map((c) => c.cpuPercent) },
                  { name: lang === 'en' ? 'Memory' : 'メモリ', values: m.clusters.map((c) => c.memoryPercent) },
                  { name: lang === 'en' ? 'Disk' : 'ディスク', values: m.clusters.map((c) => c.diskPercent) },
                ]}
              />
            </Chart>
            <Table withTableBorder fz="sm" data-testid="rep-cluster-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('rep.mon.cluster')}</Table.Th>
                  <Table.Th ta="right">{t('rep.mon.hosts')}</Table.Th>
                  <Table.Th ta="right">{t('rep.mon.vms')}</Table.Th>
                  <Table.Th ta="right">CPU</Table.Th>
                  <Table.Th ta="right">{lang === 'en' ? 'Memory' : 'メモリ'}</Table.Th>
                  <Table.Th ta="right">{lang === 'en' ? 'Disk' : 'ディスク'}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {m.clusters.map((c) => (
                  <Table.Tr key={c.name}>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td ta="right">{c.hostCount}</Table.Td>
                    <Table.Td ta="right">{c.vmCount}</Table.Td>
                    <Table.Td ta="right">{num(c.cpuPercent, ' %')}</Table.Td>
                    <Table.Td ta="right">{num(c.memoryPercent, ' %')}</Table.Td>
                    <Table.Td ta="right">{num(c.diskPercent, ' %')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
    </Section>
  );
}

/** 6–9: migration, remote work (no source in Kiban yet), fix information (editable in draft), document changes. */
export function OtherSections({ d, t, texts, setTexts }: Props & { texts: Texts; setTexts?: (x: Texts) => void }) {
  const fmt = useDateTime();
  const { lang } = useLang();
  // The snapshot keeps the Japanese note of a section with no source in Kiban yet.
  const note = (ja: string, what: string) => (lang === 'en' ? `Kiban has no ${what} records yet. Report it separately.` : ja);
  return (
    <>
      <Section title={t('rep.s.migration')} testId="rep-migration">
        <Alert color="gray" variant="light" py="xs">
          {note(d.migration.note, 'migration or acceptance')}
        </Alert>
      </Section>
      <Section title={t('rep.s.remote')} testId="rep-remote">
        <Alert color="gray" variant="light" py="xs">
          {note(d.remoteWork.note, 'remote work')}
        </Alert>
      </Section>
      <Section title={t('rep.s.fix')} testId="rep-fix">
        <Stack gap={4}>
          <Text size="xs" c="dimmed">
            {t('rep.fix.hint')}
          </Text>
          {setTexts ? (
            <Textarea
              autosize
              minRows={2}
              value={texts.fixInfo}
              onChange={(e) => setTexts({ ...texts, fixInfo: e.currentTarget.value })}
              data-testid="rep-fixinfo"
              aria-label={t('rep.s.fix')}
            />
          ) : (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="rep-fixinfo-text">
              {texts.fixInfo || t('rep.fix.empty')}
            </Text>
          )}
        </Stack>
      </Section>
      <Section title={t('rep.s.documents')} testId="rep-documents">
        {d.documents.length === 0 ? (
          <Empty t={t} />
        ) : (
          <Table withTableBorder fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('rep.doc.no')}</Table.Th>
                <Table.Th>{t('rep.doc.name')}</Table.Th>
                <Table.Th>{t('rep.doc.rev')}</Table.Th>
                <Table.Th>{t('rep.doc.published')}</Table.Th>
                <Table.Th>{t('rep.doc.reason')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.documents.map((x) => (
                <Table.Tr key={`${x.docNo}-${x.revisionNo}`}>
                  <Table.Td>
                    <Link to="/documents">{x.docNo}</Link>
                  </Table.Td>
                  <Table.Td>{x.name}</Table.Td>
                  <Table.Td>{x.revisionNo}</Table.Td>
                  <Table.Td {...nowrap}>{x.publishedAt ? fmt(x.publishedAt) : '—'}</Table.Td>
                  <Table.Td>{x.reason ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
    </>
  );
}
