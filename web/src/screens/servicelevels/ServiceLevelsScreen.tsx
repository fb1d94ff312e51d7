import { Group, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { Route, Routes, useSearchParams } from 'react-router-dom';
import { NotFoundScreen } from '../NotFoundScreen';
import { AvailabilityTab } from './AvailabilityTab';
import { Dashboard } from './Dashboard';
import { useSLT } from './i18n';
import { KpiTab } from './KpiTab';
import { MenuPage, MenuTab } from './MenuTab';
import { previousMonth } from './slApi';
import { TargetPage, TargetsTab } from './TargetsTab';

const TABS = ['dashboard', 'availability', 'kpis', 'targets', 'menu'] as const;

/** サービスレベル管理 (/servicelevels): the dashboard first, then period picker (default the previous month) and four tabs. */
function Overview() {
  const t = useSLT();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as (typeof TABS)[number]) : 'dashboard';
  const month = /^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? params.get('month')! : previousMonth();
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    next.set(k, v);
    setParams(next, { replace: true });
  };
  return (
    <Stack gap="md" data-testid="servicelevels-screen">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2}>{t('sl.title')}</Title>
          <Text size="sm" c="dimmed">{t('sl.lead')}</Text>
        </Stack>
        {(tab === 'availability' || tab === 'kpis') && (
          <TextInput type="month" label={t('sl.month')} value={month} max={previousMonth(new Date(Date.now() + 31 * 86_400_000))} onChange={(e) => e.currentTarget.value && set('month', e.currentTarget.value)} data-testid="sl-month" w={180} />
        )}
      </Group>
      <Tabs value={tab} onChange={(v) => v && set('tab', v)} keepMounted={false}>
        <Tabs.List>
          {TABS.map((k) => (
            <Tabs.Tab key={k} value={k} data-testid={`sl-tab-${k}`}>
              {t(`sl.tab.${k}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="dashboard" pt="md">
          <Dashboard open={(k, m) => setParams(new URLSearchParams({ tab: k, month: m }))} />
        </Tabs.Panel>
        <Tabs.Panel value="availability" pt="md"><AvailabilityTab month={month} /></Tabs.Panel>
        <Tabs.Panel value="kpis" pt="md"><KpiTab month={month} /></Tabs.Panel>
        <Tabs.Panel value="targets" pt="md"><TargetsTab /></Tabs.Panel>
        <Tabs.Panel value="menu" pt="md"><MenuTab /></Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

export default function ServiceLevelsScreen() {
  return (
    <Routes>
      <Route index element={<Overview />} />
      <Route path="targets/:id" element={<TargetPage />} />
      <Route path="menu/:id" element={<MenuPage />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
