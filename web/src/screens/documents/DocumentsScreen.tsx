import { Route, Routes } from 'react-router-dom';
import { NotFoundScreen } from '../NotFoundScreen';
import { DocumentLedger } from './DocumentLedger';
import { DocumentPage } from './DocumentPage';
import { MonthlyChanges } from './MonthlyChanges';
import { RevisionPage } from './RevisionPage';

/**
 * システム運用ドキュメント管理 (/documents/*): ドキュメント一覧, one page per document, one per revision
 * (the inbox links to /documents/revisions/:id), and the month's register changes.
 */
export default function DocumentsScreen() {
  return (
    <Routes>
      <Route index element={<DocumentLedger />} />
      <Route path="changes" element={<MonthlyChanges />} />
      <Route path="revisions/:id" element={<RevisionPage />} />
      <Route path=":id" element={<DocumentPage />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
