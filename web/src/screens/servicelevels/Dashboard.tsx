import { Alert, Badge, Card, Group, SimpleGrid, Skeleton, Stack, Text, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import type { ServiceLevelService } from '../../../../src/servicelevels/service.ts';
import { api } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageLoader } from '../../components/PageLoader';
import { useLang } from '../../i18n';
import type { Wire } from '../../workbench';
import { pct } from './slApi';

const DashboardSparkline = lazy(() => import('./DashboardSparkline'));

type DashboardData = Wire<Awaited<ReturnType<ServiceLevelService['dashboard']>>>;
type Month = DashboardData['months'][number];
type Fig = Month['kpis'][keyof Month['kpis']];

const getDashboard = (signal?: AbortSignal) => api.get<DashboardData>('/api/servicelevels/dashboard', undefined, signal);

const WORDS = {
  ja: {
    lead: '今月（計測中）と前月の実績を品質目標と比べています。線は直近12か月、破線は目標、赤は目標未達。数値や点を押すと根拠の記録を開きます。',
    scopeDept: '所管部署のシステムの数値のみを表示しています（集約率は基盤全体の値）。',
    thisMonth: '今月',
    lastMonth: '前月',
    target: '目標',
    partial: '計測中',
    unmet: '目標未達',
    met: '達成',
    noTarget: '目標なし',
    noSource: 'データソースなし',
    none: '対象なし',
    noneHint: '計上する案件（判定済みの案件）がありません',
    level: (l: string) => `レベル${l}の稼働率`,
    levelC: 'レベルCの稼働率（業務時間）',
    vms: (n: number) => `対象 ${n} 台`,
    incidents: (n: number) => `非稼働の根拠 ${n} 件`,
  },
  en: {
    lead: 'This month (still running) and last month against the quality targets. Lines: the last 12 months; dashed: the target; red: target missed. Click a figure or a point to open the records behind it.',
    scopeDept: "Only your department's systems are counted (consolidation is the platform's figure).",
    thisMonth: 'This month',
    lastMonth: 'Last month',
    target: 'Target',
    partial: 'running',
    unmet: 'Missed',
    met: 'Met',
    noTarget: 'No target',
    noSource: 'No data source',
    none: 'No cases',
    noneHint: 'No (judged) cases to count in this month',
    level: (l: string) => `Availability, level ${l}`,
    levelC: 'Availability, level C (business hours)',
    vms: (n: number) => `${n} VMs`,
    incidents: (n: number) => `${n} troubles behind it`,
  },
};

interface Tile {
  key: string;
  label: string;
  tab: 'availability' | 'kpis';
  fig: (m: Month) => Fig & { vmCount?: number; incidents?: number };
}

function FigureButton({ label, f, onClick, testId, w }: { label: string; f: Fig | undefined; onClick: () => void; testId: string; w: (typeof WORDS)['ja'] }) {
  const red = f?.met === false;
  return (
    <UnstyledButton onClick={onClick} data-testid={testId} data-met={f?.met === null || f?.met === undefined ? 'none' : String(f.met)}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {f?.status === 'no_source' ? (
        <Text size="sm" c="dimmed" td="underline dotted">
          {w.noSource}
        </Text>
      ) : f?.value === null && f.denominator === 0 ? (
        <Text size="sm" c="dimmed" td="underline dotted" title={w.noneHint} data-none="true">
          {w.none}
        </Text>
      ) : (
        <Text fw={700} size="lg" c={red ? 'red.7' : undefined} td="underline dotted">
          {pct(f?.value)}
        </Text>
      )}
    </UnstyledButton>
  );
}

/**
 * サービスレベルのダッシュボード (issue 12 item 8): each figure of this month and last month against
 * its target with a 12-month sparkline (ECharts, lazy), red where the target is missed; a figure opens
 * the availability or KPI tab of its month, where the incidents, windows and cases behind it are.
 */
export function Dashboard({ open }: { open: (tab: 'availability' | 'kpis', month: string) => void }) {
  const { lang } = useLang();
  const w = WORDS[lang === 'en' ? 'en' : 'ja'];
  const q = useQuery({ queryKey: ['servicelevels', 'dashboard'], queryFn: ({ signal }) => getDashboard(signal) });
  if (q.isPending) return <PageLoader />;
  if (!q.data) return <ErrorAlert error={q.error} />;
  const d = q.data;
  const cur = d.months.at(-1)!;
  const prev = d.months.at(-2)!;
  const labelOf = (k: string) => d.kpis.find((x) => x.key === k)?.label;
  const tiles: Tile[] = [
    { key: 'level-A', label: w.level('A'), tab: 'availability', fig: (m) => m.levels.A },
    { key: 'level-B', label: w.level('B'), tab: 'availability', fig: (m) => m.levels.B },
    { key: 'level-C', label: w.levelC, tab: 'availability', fig: (m) => m.levels.C },
    ...d.kpis
      .filter((k) => k.key !== 'availability_a' && k.key !== 'availability_b')
      .map((k) => ({ key: k.key, label: lang === 'en' ? labelOf(k.key)!.en : labelOf(k.key)!.ja, tab: 'kpis' as const, fig: (m: Month) => m.kpis[k.key] })),
  ];
  return (
    <Stack gap="md" data-testid="sl-dashboard">
      <Text size="sm" c="dimmed">
        {w.lead}
      </Text>
      {d.scope === 'department' && (
        <Alert color="blue" py="xs">
          {w.scopeDept}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md">
        {tiles.map((tile) => {
          const fc = tile.fig(cur);
          const fp = tile.fig(prev);
          const target = fc.target ?? fp.target;
          const missed = fp.met === false || fc.met === false;
          return (
            <Card
              key={tile.key}
              withBorder
              padding="sm"
              data-testid={`sl-dash-${tile.key}`}
              style={missed ? { borderColor: 'var(--mantine-color-red-5)' } : undefined}
            >
              <Stack gap={6}>
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <Text size="sm" fw={600} lh={1.3}>
                    {tile.label}
                  </Text>
                  {fp.met === null ? (
                    <Badge color="gray" tt="none" variant="light" style={{ flexShrink: 0 }}>
                      {target === null ? w.noTarget : '—'}
                    </Badge>
                  ) : (
                    <Badge color={fp.met ? 'green' : 'red'} tt="none" style={{ flexShrink: 0 }}>
                      {fp.met ? w.met : w.unmet}
                    </Badge>
                  )}
                </Group>
                <Group gap="lg" align="flex-end">
                  <FigureButton
                    label={`${w.lastMonth}（${prev.month}）`}
                    f={fp}
                    onClick={() => open(tile.tab, prev.month)}
                    testId={`sl-dash-${tile.key}-last`}
                    w={w}
                  />
                  <FigureButton
                    label={`${w.thisMonth}（${w.partial}）`}
                    f={fc}
                    onClick={() => open(tile.tab, cur.month)}
                    testId={`sl-dash-${tile.key}-this`}
                    w={w}
                  />
                  <Stack gap={0}>
                    <Text size="xs" c="dimmed">
                      {w.target}
                    </Text>
                    <Text size="sm">{target === null ? '—' : `${target} %`}</Text>
                  </Stack>
                </Group>
                <Suspense fallback={<Skeleton h={56} />}>
                  <DashboardSparkline
                    testId={`sl-dash-${tile.key}-spark`}
                    target={target}
                    points={d.months.map((m) => ({ month: m.month, value: tile.fig(m).value, met: tile.fig(m).met }))}
                    onPick={(month) => open(tile.tab, month)}
                  />
                </Suspense>
                {fp.vmCount !== undefined && (
                  <Text size="xs" c="dimmed">
                    {w.vms(fp.vmCount)}・{w.incidents(fp.incidents ?? 0)}（{prev.month}）
                  </Text>
                )}
              </Stack>
            </Card>
          );
        })}
      </SimpleGrid>
    </Stack>
  );
}
