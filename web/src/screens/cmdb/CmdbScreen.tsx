import { Navigate, Route, Routes } from 'react-router-dom';
import { NotFoundScreen } from '../NotFoundScreen';
import { NamingViolationsScreen, RetirementScreen } from './Checks';
import { CiPage } from './CiPage';
import { ContactsLedger } from './ContactsLedger';
import { HostsLedger, SitesClustersView, SystemsLedger, VmsLedger } from './Ledgers';
import { ContractsLedger, ManagementServersLedger, NetworkDevicesLedger, StorageLedger } from './PlatformLedgers';

/**
 * 構成管理台帳 (/cmdb/*): the ledgers, one page per CI and the checks (retirement candidates, naming
 * rule). Capacity (/capacity) and the RVTools import (/cmdb/import, managers only) are modules of their own.
 */
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
      <Route path="storage" element={<StorageLedger />} />
      <Route path="network-devices" element={<NetworkDevicesLedger />} />
      <Route path="management-servers" element={<ManagementServersLedger />} />
      <Route path="contracts" element={<ContractsLedger />} />
      <Route path="contacts" element={<ContactsLedger />} />
      <Route path="retirement" element={<RetirementScreen />} />
      <Route path="naming" element={<NamingViolationsScreen />} />
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
