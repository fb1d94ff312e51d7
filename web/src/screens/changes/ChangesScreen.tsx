import { Route, Routes } from 'react-router-dom';
import { NotFoundScreen } from '../NotFoundScreen';
import { ChangeIntake } from './ChangeIntake';
import { ChangeLedger } from './ChangeLedger';
import { ChangePage } from './ChangePage';
import { MaintenanceDays } from './MaintenanceDays';
import { ReleaseNew, ReleasePage, ReleaseRedirect } from './ReleasePage';
import { SchedulePage } from './SchedulePage';

/**
 * 変更・リリース管理 (/changes/*): the change ledger, registration and one page per change. The
 * release, schedule and maintenance-day screens add their routes here (one line each), before ":id".
 */
export default function ChangesScreen() {
  return (
    <Routes>
      <Route index element={<ChangeLedger />} />
      <Route path="new" element={<ChangeIntake />} />
      <Route path="schedule" element={<SchedulePage />} />
      <Route path="maintenance-days" element={<MaintenanceDays />} />
      <Route path="releases/:id" element={<ReleaseRedirect />} />
      <Route path=":id/releases/new" element={<ReleaseNew />} />
      <Route path=":id/releases/:rid" element={<ReleasePage />} />
      <Route path=":id" element={<ChangePage />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
