import { Badge, SimpleGrid, Skeleton, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useDateTime } from '../../i18n';
import { Section } from '../../workbench';
import type { HT } from './halfyearI18n';
import type { HalfData, HalfTexts } from './halfyearApi';

const HalfyearTrend = lazy(() => import('./HalfyearCharts'));
const nowrap = { style: { whiteSpace: 'nowrap' } } as const;
/** A figure as people read it: at most three decimals (a trend slope comes as 1.6300000000000001). */
const num = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '—' : `${Math.round(v * 1000) / 1000}${unit}`);
type Props = { d: HalfData; t: HT; texts: HalfTexts; setTexts?: (x: HalfTexts) => void };

/** A team text: a textarea while drafting, the text otherwise. */
function Txt({ label, value, onChange, testId }: { label: string; value: string; onChange?: (v: string) => void; testId: string }) {
  return onChange ? (
    <Textarea label={label} autosize minRows={2} value={value} onChange={(e) => onChange(e.currentTarget.value)} data-testid={testId} />
  ) : (
    <Stack gap={2}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid={`${testId}-text`}>
        {value || '—'}
      </Text>
    </Stack>
  );
}

/** 1. KPI results by month and over the half with the target in force; the comment and next target per KPI. */
export function HalfKpiSection({ d, t, texts, setTexts }: Props) {
  const set = (k: string, patch: Partial<{ percent: number | null; note: string }>) =>
    setTexts?.({ ...texts, nextTargets: { ...texts.nextTargets, [k]: { percent: null, note: '', ...texts.nextTargets[k], ...patch } } });
  return (
    <Section title={t('hy.s.kpi')} testId="hy-kpis">
      <Stack gap="sm">
        <Table withTableBorder fz="sm" verticalSpacing={6} data-testid="hy-kpi-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('hy.kpi.name')}</Table.Th>
              <Table.Th {...nowrap}>{t('hy.kpi.target')}</Table.Th>
              {d.months.map((m) => (
                <Table.Th key={m} {...nowrap}>
                  {m}
                </Table.Th>
              ))}
              <Table.Th {...nowrap}>{t('hy.kpi.half')}</Table.Th>
              <Table.Th {...nowrap}>{t('hy.kpi.next')}</Table.Th>
              <Table.Th miw={180}>{t('hy.kpi.note')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.kpis.map((k) => {
              const next = texts.nextTargets[k.key];
              return (
                <Table.Tr key={k.key} data-testid={`hy-kpi-${k.key}`} data-met={String(k.met)}>
                  <Table.Td>{k.label}</Table.Td>
                  <Table.Td {...nowrap}>{num(k.target, ' %')}</Table.Td>
                  {k.months.map((v, i) => (
                    <Table.Td key={d.months[i]} {...nowrap}>
                      {num(v)}
                    </Table.Td>
                  ))}
                  <Table.Td {...nowrap} fw={600} c={k.met === false ? 'red.7' : undefined}>
                    {num(k.half, ' %')}
                  </Table.Td>
                  <Table.Td w={110}>
                    {setTexts ? (
                      <TextInput
                        size="xs"
                        value={next?.percent ?? ''}
                        onChange={(e) => set(k.key, { percent: e.currentTarget.value === '' ? null : Number(e.currentTarget.value) })}
                        aria-label={`${k.label} ${t('hy.kpi.next')}`}
                        data-testid={`hy-next-${k.key}`}
                      />
                    ) : (
                      num(next?.percent, ' %')
                    )}
                  </Table.Td>
                  <Table.Td>
                    {setTexts ? (
                      <Textarea
                        size="xs"
                        autosize
                        minRows={1}
                        value={texts.kpiNotes[k.key] ?? ''}
                        onChange={(e) => setTexts({ ...texts, kpiNotes: { ...texts.kpiNotes, [k.key]: e.currentTarget.value } })}
                        aria-label={`${k.label} ${t('hy.kpi.note')}`}
                        data-testid={`hy-note-${k.key}`}
                      />
                    ) : (
                      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                        {texts.kpiNotes[k.key] || '—'}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        <Txt label={t('hy.summary')} value={texts.summary} onChange={setTexts && ((v) => setTexts({ ...texts, summary: v }))} testId="hy-summary" />
      </Stack>
    </Section>
  );
}

/** 2. Systems and VMs added or retired in the half (CMDB history). */
export function HalfScopeSection({ d, t, texts, setTexts }: Props) {
  const fmt = useDateTime();
  const rows = [...d.scope.added.map((c) => ({ ...c, kind: 'added' as const })), ...d.scope.removed.map((c) => ({ ...c, kind: 'removed' as const }))];
  const c = d.scope.counts;
  return (
    <Section title={t('hy.s.scope')} testId="hy-scope">
      <Stack gap="sm">
        <Text size="sm" data-testid="hy-scope-counts">
          {t('hy.system')}: {t('hy.scope.added')} {c.systemsAdded} / {t('hy.scope.removed')} {c.systemsRemoved}　{t('hy.vm')}: {t('hy.scope.added')}{' '}
          {c.vmsAdded} / {t('hy.scope.removed')} {c.vmsRemoved}
        </Text>
        {rows.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('hy.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={500} mah={320}>
            <Table withTableBorder fz="sm" stickyHeader data-testid="hy-scope-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('hy.scope.kind')}</Table.Th>
                  <Table.Th>{t('hy.scope.name')}</Table.Th>
                  <Table.Th>{t('hy.scope.at')}</Table.Th>
                  <Table.Th>{t('hy.scope.reason')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={`${r.kind}-${r.ciType}-${r.name}-${r.at}`}>
                    <Table.Td {...nowrap}>
                      <Badge tt="none" variant="light" color={r.kind === 'added' ? 'blue' : 'gray'}>
                        {r.ciType === 'system' ? t('hy.system') : t('hy.vm')} {t(r.kind === 'added' ? 'hy.scope.added' : 'hy.scope.removed')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{r.name}</Table.Td>
                    <Table.Td {...nowrap}>{fmt(r.at)}</Table.Td>
                    <Table.Td>{r.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Txt label={t('hy.scopeNote')} value={texts.scopeNote} onChange={setTexts && ((v) => setTexts({ ...texts, scopeNote: v }))} testId="hy-scopeNote" />
      </Stack>
    </Section>
  );
}

const RES = [
  ['cpu', 'CPU'],
  ['memory', 'メモリ / Memory'],
  ['disk', 'ディスク / Disk'],
] as const;

/** 3. Allocated ÷ capacity per cluster at 12 month ends (a chart per resource with its threshold) and the months to the threshold. */
export function HalfForecastSection({ d, t, texts, setTexts }: Props) {
  const f = d.forecast;
  const months = (x: { monthsToThreshold: number | null; slope: number | null }) =>
    x.monthsToThreshold === null ? t('hy.fc.notRising') : x.monthsToThreshold === 0 ? t('hy.fc.reached') : String(x.monthsToThreshold);
  return (
    <Section title={t('hy.s.forecast')} testId="hy-forecast">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, lg: 3 }}>
          {RES.map(([r, name]) => (
            <Stack key={r} gap={2}>
              <Text size="sm" fw={600}>
                {name}（{f.thresholds[r]} %）
              </Text>
              <Suspense fallback={<Skeleton h={200} />}>
                <HalfyearTrend
                  testId={`hy-chart-${r}`}
                  months={f.months}
                  threshold={f.thresholds[r]}
                  series={f.clusters.map((c) => ({ name: c.name, values: c.points.map((p) => p?.[r].percent ?? null) }))}
                />
              </Suspense>
            </Stack>
          ))}
        </SimpleGrid>
        <Table withTableBorder fz="sm" data-testid="hy-forecast-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('hy.fc.cluster')}</Table.Th>
              {RES.map(([r, name]) => (
                <Table.Th key={r}>
                  {name}: {t('hy.fc.slope')} / {t('hy.fc.months')}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {f.clusters.map((c) => (
              <Table.Tr key={c.name} data-testid="hy-forecast-row" data-cluster={c.name}>
                <Table.Td>{c.name}</Table.Td>
                {RES.map(([r]) => (
                  <Table.Td key={r} {...nowrap}>
                    {num(c.trend[r].last, ' %')}　{num(c.trend[r].slope)} / {months(c.trend[r])}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Txt
          label={t('hy.forecastNote')}
          value={texts.forecastNote}
          onChange={setTexts && ((v) => setTexts({ ...texts, forecastNote: v }))}
          testId="hy-forecastNote"
        />
      </Stack>
    </Section>
  );
}

/** 4–5. Migration results and plan, next year's IT plans: the team's texts (Kiban has no ledger for them yet). */
export function HalfTextSections({ d, t, texts, setTexts }: Props) {
  const on = (k: 'migrationResults' | 'migrationPlan' | 'itPlans') => setTexts && ((v: string) => setTexts({ ...texts, [k]: v }));
  return (
    <>
      <Section title={t('hy.s.migration')} testId="hy-migration">
        <Stack gap="sm">
          <Text size="xs" c="dimmed">
            {d.migration.note}
          </Text>
          <Txt label={t('hy.migrationResults')} value={texts.migrationResults} onChange={on('migrationResults')} testId="hy-migrationResults" />
          <Txt label={t('hy.migrationPlan')} value={texts.migrationPlan} onChange={on('migrationPlan')} testId="hy-migrationPlan" />
        </Stack>
      </Section>
      <Section title={t('hy.s.it')} testId="hy-it">
        <Txt label={t('hy.s.it')} value={texts.itPlans} onChange={on('itPlans')} testId="hy-itPlans" />
      </Section>
    </>
  );
}
