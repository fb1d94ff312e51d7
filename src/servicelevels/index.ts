import { registerMessages } from '../kernel/messages.ts';
import { serviceLevelMessages } from './messages.ts';

registerMessages(serviceLevelMessages);

export { type Availability, computeAvailability, computeAvailabilitySeries, type Figure, type LevelFigure, RECOVERY_TARGET_LABELS, type SystemFigure, type TroubleRow, type VmFigure, type Window } from './availability.ts';
export { createImprovementJob, type ImprovementJobDeps } from './improvements.ts';
export { computeKpis, KPI_DEFINITIONS, type KpiCase, type KpiDefinition, type KpiRow, type KpiSource, registerKpiSource, targetFor } from './kpis.ts';
export { serviceLevelMessages } from './messages.ts';
export { addMonths, monthOf, monthPeriod, type Period, parsePeriod, periodQuery } from './period.ts';
export { type MenuVersion, slMenuProcess, slTargetProcess, type Target } from './process.ts';
export { serviceLevelRoutes } from './routes.ts';
export * from './schema.ts';
export { createServiceLevelService, KPI_LABEL, type ServiceLevelDeps, type ServiceLevelService } from './service.ts';
