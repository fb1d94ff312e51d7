import { registerMessages } from '../kernel/messages.ts';
import { changeMessages } from './messages.ts';

import './release-overrun.ts'; // registers the release as a holder of its suppression (overrun)

registerMessages(changeMessages);

export { changeInput, changeListQuery } from './inputs.ts';
export { CHANGE_LEDGER, CHANGE_SOURCE_LABELS } from './ledger.ts';
export { changeMessages } from './messages.ts';
export { createMaintenanceDays, type MaintenanceDay, type MaintenanceDays } from './maintenance.ts';
export { type Change, CHANGE_CRITERIA_OPTIONS, changeProcess } from './process.ts';
export { changeRoutes } from './routes.ts';
export * from './schema.ts';
export { changeScope } from './scope.ts';
export { CI_TYPE_LABELS, type ChangeDeps, type ChangeService, type ChangeView, createChangeService } from './service.ts';
export { type PlannedDowntime, plannedDowntime } from './release-chain.ts';
