/**
 * vCenter connector, protocol layer: the vim25 SOAP client, its typed inventory records and live VM
 * events. The CMDB sync service builds on this; nothing here knows about the ledger.
 */
export {
  type KeepAliveScheduler,
  type ObjectContent,
  type ServiceContent,
  toRef,
  VsphereClient,
  type VsphereClientOptions,
} from './client.ts';
export { InvalidLoginError, NotAuthenticatedError, TaskFailedError, VsphereError, type VsphereErrorCode } from './errors.ts';
export type * from './types.ts';
export { VmWatcher, type VmWatcherOptions } from './watch.ts';
