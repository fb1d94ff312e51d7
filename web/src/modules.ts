/**
 * The module registry: one entry per top-level screen. It drives the navigation, the routes
 * and the cards on the home screen. To add a module (CMDB, incidents, monitoring …) add ONE
 * line here plus its screen file under screens/ and its `nav.*` / `navDesc.*` dictionary keys.
 *
 * A module's screen owns everything below its path (`/cmdb/*`), so it can use nested <Routes>.
 */
import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import type { DictKey } from './i18n';
import type { User } from './api';
import { hasPermission } from './session';
import { isDemoMode } from './screens/demo/demoMode';

export interface ModuleDef {
  /** Stable id; used in test ids (`nav-<id>`, `home-card-<id>`). */
  id: string;
  /** Top-level path, e.g. '/departments'. */
  path: string;
  label: DictKey;
  description: DictKey;
  /** Permission required to see and open the module; none = everybody signed in. */
  permission?: string;
  /** The vendor's own screens (priority review, stocktake): only for roles that see every department. */
  allDepartments?: boolean;
  /** Only in demo mode (the server answers /api/demo/status): the demo's mail catcher. */
  demoOnly?: boolean;
  screen: LazyExoticComponent<ComponentType>;
}

export const MODULES: readonly ModuleDef[] = [
  { id: 'home', path: '/', label: 'nav.home', description: 'navDesc.home', screen: lazy(() => import('./screens/HomeScreen')) },
  { id: 'departments', path: '/departments', label: 'nav.departments', description: 'navDesc.departments', permission: 'org.read', screen: lazy(() => import('./screens/DepartmentsScreen')) },
  { id: 'people', path: '/people', label: 'nav.people', description: 'navDesc.people', permission: 'org.read', screen: lazy(() => import('./screens/PeopleScreen')) },
  { id: 'cmdb', path: '/cmdb', label: 'nav.cmdb', description: 'navDesc.cmdb', permission: 'cmdb.read', screen: lazy(() => import('./screens/cmdb/CmdbScreen')) },
  { id: 'cmdb-import', path: '/cmdb/import', label: 'nav.cmdbImport', description: 'navDesc.cmdbImport', permission: 'cmdb.manage', screen: lazy(() => import('./screens/cmdb/ImportWizard')) },
  { id: 'capacity', path: '/capacity', label: 'nav.capacity', description: 'navDesc.capacity', permission: 'cmdb.read', screen: lazy(() => import('./screens/cmdb/CapacityScreen')) },
  { id: 'incidents', path: '/incidents', label: 'nav.incidents', description: 'navDesc.incidents', permission: 'incident.read', screen: lazy(() => import('./screens/incidents/IncidentsScreen')) },
  { id: 'incident-priority', allDepartments: true, path: '/incidents/priority', label: 'nav.incidentPriority', description: 'navDesc.incidentPriority', permission: 'incident.read', screen: lazy(() => import('./screens/incidents/PriorityReview')) },
  { id: 'incident-stocktake', allDepartments: true, path: '/incidents/stocktake', label: 'nav.incidentStocktake', description: 'navDesc.incidentStocktake', permission: 'incident.read', screen: lazy(() => import('./screens/incidents/Stocktake')) },
  { id: 'problems', path: '/problems', label: 'nav.problems', description: 'navDesc.problems', permission: 'problem.read', screen: lazy(() => import('./screens/problems/ProblemsScreen')) },
  { id: 'changes', path: '/changes', label: 'nav.changes', description: 'navDesc.changes', permission: 'change.read', screen: lazy(() => import('./screens/changes/ChangesScreen')) },
  { id: 'documents', path: '/documents', label: 'nav.documents', description: 'navDesc.documents', permission: 'document.read', screen: lazy(() => import('./screens/documents/DocumentsScreen')) },
  { id: 'meetings', path: '/meetings', label: 'nav.meetings', description: 'navDesc.meetings', permission: 'org.read', screen: lazy(() => import('./screens/meetings/MeetingsScreen')) },
  { id: 'monitoring', path: '/monitoring', label: 'nav.monitoring', description: 'navDesc.monitoring', permission: 'monitoring.read', screen: lazy(() => import('./screens/monitoring/MonitoringScreen')) },
  { id: 'servicelevels', path: '/servicelevels', label: 'nav.servicelevels', description: 'navDesc.servicelevels', permission: 'servicelevel.read', screen: lazy(() => import('./screens/servicelevels/ServiceLevelsScreen')) },
  { id: 'reports', path: '/reports', label: 'nav.reports', description: 'navDesc.reports', permission: 'report.read', screen: lazy(() => import('./screens/reports/ReportsScreen')) },
  { id: 'portal', path: '/portal', label: 'nav.portal', description: 'navDesc.portal', permission: 'portal.read', screen: lazy(() => import('./screens/portal/PortalScreen')) },
  { id: 'operations', path: '/operations', label: 'nav.operations', description: 'navDesc.operations', permission: 'operations.read', screen: lazy(() => import('./screens/operations/OperationsScreen')) },
  { id: 'demo-mail', demoOnly: true, path: '/demo/mail', label: 'nav.demoMail', description: 'navDesc.demoMail', permission: 'mail.read', screen: lazy(() => import('./screens/demo/MailCatcherScreen')) },
  { id: 'audit', path: '/audit', label: 'nav.audit', description: 'navDesc.audit', permission: 'audit.read', screen: lazy(() => import('./screens/AuditScreen')) },
];

/** Whether `user` may see and open module `m` (the server checks the same on every request). */
export function canOpen(user: User, m: ModuleDef): boolean {
  return hasPermission(user, m.permission) && (!m.allDepartments || user.allDepartments) && (!m.demoOnly || isDemoMode());
}
