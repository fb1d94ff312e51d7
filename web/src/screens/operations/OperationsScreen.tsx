import { Group, Tabs } from '@mantine/core';
import { Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { NotFoundScreen } from '../NotFoundScreen';
import { ChangePage } from './ChangePage';
import { ChangesList } from './ChangesList';
import { EntryLedger } from './EntryLedger';
import { EntryPage } from './EntryPage';
import { useOT } from './i18n';
import { RestoreLedger } from './RestoreLedger';
import { RestorePage } from './RestorePage';

/** The three lists of the module, as tabs above each (the record pages have their own back links). */
export function OperationsTabs() {
  const t = useOT();
  const nav = useNavigate();
  const { pathname } = useLocation();
  const tab = pathname.startsWith('/operations/restores') ? 'restores' : pathname.startsWith('/operations/changes') ? 'changes' : 'entries';
  return (
    <Group>
      <Tabs value={tab} onChange={(v) => nav(v === 'entries' ? '/operations' : `/operations/${v}`)} data-testid="operations-tabs">
        <Tabs.List>
          <Tabs.Tab value="entries" data-testid="tab-entries">
            {t('ops.tab.entries')}
          </Tabs.Tab>
          <Tabs.Tab value="changes" data-testid="tab-changes">
            {t('ops.tab.changes')}
          </Tabs.Tab>
          <Tabs.Tab value="restores" data-testid="tab-restores">
            {t('ops.tab.restores')}
          </Tabs.Tab>
        </Tabs.List>
      </Tabs>
    </Group>
  );
}

/**
 * オペレーション管理 (/operations/*): オペレーション一覧 (OPS-1) and one page per entry, the add/change/delete
 * requests (the inbox links /operations/changes/:id), restore requests (BAK-5; /operations/restores/:id).
 */
export default function OperationsScreen() {
  return (
    <Routes>
      <Route index element={<EntryLedger />} />
      <Route path="entries/:id" element={<EntryPage />} />
      <Route path="changes" element={<ChangesList />} />
      <Route path="changes/:id" element={<ChangePage />} />
      <Route path="restores" element={<RestoreLedger />} />
      <Route path="restores/:id" element={<RestorePage />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
