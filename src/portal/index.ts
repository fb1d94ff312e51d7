import { registerMessages } from '../kernel/messages.ts';
import { portalMessages } from './messages.ts';
import './requests.kpi.ts';

registerMessages(portalMessages);

export { checkOsSupport, ensurePortalCatalog, type PortalOs, type PortalTemplate, SEED_OS, SEED_TEMPLATES } from './catalog.ts';
export { portalMessages } from './messages.ts';
export { type IntegrationPlan, planProcess } from './process.ts';
export { PLAN_COLUMNS, type PlanRow, validatePlanRows } from './rows.ts';
export { portalRoutes } from './routes.ts';
export * from './schema.ts';
export { planScope } from './scope.ts';
export { type Placement, type PlacementVm, proposePlacement } from './placement.ts';
export { type ResourceReport, resourceReport } from './report.ts';
export { requestKpiCases } from './requests.kpi.ts';
export { requestProcess, requestScope, type VmRequest } from './requests.process.ts';
export { createRequestService, type RequestService } from './requests.service.ts';
export { approvedPlanRows, createPortalService, type PortalService } from './service.ts';
