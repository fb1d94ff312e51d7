import { registerMessages } from '../kernel/messages.ts';
import { operationMessages } from './messages.ts';

registerMessages(operationMessages);

export { changeInput, entryContent, restoreInput } from './inputs.ts';
export { estimateLicences, hostsItMayRunOn, LICENCE_UNIT_LABELS, LICENCE_UNITS, type LicenceEstimate, type LicenceUnit } from './licences.ts';
export { operationMessages } from './messages.ts';
export { type EntryChange, entryChangeProcess, type RestoreRequest, restoreProcess } from './process.ts';
export { matchOperationEntries, N_OPERATIONS, type OperationEntry, routeWorkRequest, seedOperations } from './register.ts';
export { createRestoreService, type RestoreService, restoreChecklist, restoreDueAt } from './restores.ts';
export { operationRoutes } from './routes.ts';
export * from './schema.ts';
export { changeScope, entryScope, restoreScope } from './scope.ts';
export { createOperationService, type EntryRow, type OperationService } from './service.ts';
