export { loadVcenterConfig, type VcenterConfig, vcenterConnector } from './config.ts';
export {
  createVcenterSync,
  type FollowHandle,
  SYNC_REASON,
  type SyncCounts,
  type SyncIssue,
  type SyncReport,
  type VcenterConnection,
  type VcenterSync,
  type VcenterSyncDeps,
} from './vcenter.ts';
