import { Stack } from '@mantine/core';
import { Route, Routes } from 'react-router-dom';
import { NotFoundScreen } from '../NotFoundScreen';
import { AlertLedger } from './AlertLedger';
import { AlertPage } from './AlertPage';
import { MonitoringTabs } from './common';
import { GroupItems } from './GroupItems';
import { ItemPage } from './ItemPage';
import { SettingsLedger } from './SettingsLedger';
import { SuppressionForm } from './SuppressionForm';
import { SuppressionPage } from './SuppressionPage';
import { Suppressions } from './Suppressions';
import { StatusBoard } from './StatusBoard';

/**
 * 監視 (/monitoring/*): the live status board and its item pages, the 監視対応台帳 (alerts),
 * 監視の一時抑止 (calendar, requests, record pages) and the 監視設定一覧, under one set of tabs.
 */
export default function MonitoringScreen() {
  return (
    <Stack gap="md" data-testid="monitoring">
      <MonitoringTabs />
      <Routes>
        <Route index element={<StatusBoard />} />
        <Route path="items" element={<GroupItems />} />
        <Route path="items/:id" element={<ItemPage key="item" />} />
        <Route path="alerts" element={<AlertLedger />} />
        <Route path="alerts/:id" element={<AlertPage key="alert" />} />
        <Route path="suppressions" element={<Suppressions />} />
        <Route path="suppressions/new" element={<SuppressionForm />} />
        <Route path="suppressions/:id" element={<SuppressionPage key="suppression" />} />
        <Route path="settings" element={<SettingsLedger />} />
        <Route path="*" element={<NotFoundScreen />} />
      </Routes>
    </Stack>
  );
}
