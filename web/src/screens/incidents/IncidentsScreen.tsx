import { Route, Routes } from 'react-router-dom';
import { NotFoundScreen } from '../NotFoundScreen';
import { IncidentIntake } from './IncidentIntake';
import { IncidentLedger } from './IncidentLedger';
import { IncidentPage } from './IncidentPage';

/** インシデント管理 (/incidents/*): the ledger with the stocktake, registration, one page per incident. */
export default function IncidentsScreen() {
  return (
    <Routes>
      <Route index element={<IncidentLedger />} />
      <Route path="new" element={<IncidentIntake />} />
      <Route path=":id" element={<IncidentPage key="incident" />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
