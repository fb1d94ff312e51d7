export { computeCapacity, computeN1, type ClusterCapacity, type ClusterN1, type HostCapacity, type HostLoss } from './capacity.ts';
export { type CmdbConfig, cmdbConfig, DEFAULT_CMDB_CONFIG } from './config.ts';
export { loadDemoEstate, type DemoEstateSummary } from './demo.ts';
export { EXPORT_COLUMNS, neutralise } from './export.ts';
export {
  CI_KINDS,
  type ChangeMeta,
  type CiKind,
  ciInputs,
  type CreateInput,
  type HostRef,
  type PlacementInput,
  placementInput,
  type TransitionInput,
  transitionInput,
  type UpdateInput,
  type VmRef,
} from './inputs.ts';
export { CI_STATUSES, type CiStatus, canMove, STATUS_LABELS, TRANSITIONS } from './lifecycle.ts';
export { KIND_LABELS } from './messages.ts';
export { exampleName, followsNamingRule } from './naming.ts';
export { ciListQueries } from './queries.ts';
export { CI_SEGMENTS, cmdbRoutes } from './routes.ts';
export * from './schema.ts';
export {
  CI_TABLES,
  type ChangeOptions,
  type CiRow,
  type CiRowOf,
  type CiSource,
  type CmdbDeps,
  type CmdbService,
  createCmdbService,
  diff,
  type HistoryEntry,
} from './service.ts';
export { type CiHit, cmdbSearcher, searchCis } from './search.ts';
