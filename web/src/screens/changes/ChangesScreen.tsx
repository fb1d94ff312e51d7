import { Route, Routes } from 'react-router-dom';
import { NotFoundScreen } from '../NotFoundScreen';
import { ChangeIntake } from './ChangeIntake';
import { ChangeLedger } from './ChangeLedger';
import { ChangePage } from './ChangePage';

/**
 * 変更・リリース管理 (/changes/*): the change ledger, registration and one page per change. The
 * release, schedule and maintenance-day screens add their routes here (one line each), before ":id".
 */
export default function ChangesScreen() {
  return (
    <Routes>
      <Route index element={<ChangeLedger />} />
      <Route path="new" element={<ChangeIntake />} />
      <Route path=":id" element={<ChangePage />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
