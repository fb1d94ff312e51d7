import { Navigate, Route, Routes } from 'react-router-dom';
import { NotFoundScreen } from '../NotFoundScreen';
import { CiPage } from './CiPage';
import { HostsLedger, SitesClustersView, SystemsLedger, VmsLedger } from './Ledgers';

/** 構成管理台帳 (/cmdb/*): the ledgers and one page per CI. Capacity is its own module (/capacity). */
export default function CmdbScreen() {
  return (
    <Routes>
      <Route index element={<Navigate to="systems" replace />} />
      <Route path="systems" element={<SystemsLedger />} />
      <Route path="systems/:id" element={<CiPage key="system" kind="system" />} />
      <Route path="vms" element={<VmsLedger />} />
      <Route path="vms/:id" element={<CiPage key="vm" kind="vm" />} />
      <Route path="hosts" element={<HostsLedger />} />
      <Route path="hosts/:id" element={<CiPage key="host" kind="host" />} />
      <Route path="sites" element={<SitesClustersView />} />
      <Route path="clusters" element={<Navigate to="../sites" replace />} />
      <Route path="clusters/:id" element={<CiPage key="cluster" kind="cluster" />} />
      <Route path="sites/:id" element={<CiPage key="site" kind="site" />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
