/**
 * The workbench's response types, taken type-only from the server modules that produce them (never
 * mirrored by hand). `Wire<T>` is what JSON makes of a server type: a Date arrives as its ISO string.
 */
import type {
  ActionField as ServerActionField,
  AllowedAction as ServerAllowedAction,
  Bilingual as ServerBilingual,
  LabelledHistoryEntry as ServerHistoryEntry,
  ProcessFlow as ServerProcessFlow,
  ProcessView as ServerProcessView,
  RecordDeadline as ServerRecordDeadline,
} from '../../../src/process/index.ts';
import type {
  Inbox as ServerInbox,
  InboxCount as ServerInboxCount,
  InboxEntry as ServerInboxEntry,
  SearchGroup as ServerSearchGroup,
  SearchHit as ServerSearchHit,
  WorkbenchSettings as ServerWorkbenchSettings,
} from '../../../src/workbench/index.ts';

export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type Bilingual = ServerBilingual;
export type ActionField = Wire<ServerActionField>;
export type AllowedAction = Wire<ServerAllowedAction>;
export type HistoryEntry = Wire<ServerHistoryEntry>;
export type RecordDeadline = Wire<ServerRecordDeadline>;
export type ProcessView = Wire<ServerProcessView>;
export type ProcessFlow = Wire<ServerProcessFlow>;
export type Inbox = Wire<ServerInbox>;
export type InboxEntry = Wire<ServerInboxEntry>;
export type InboxCount = Wire<ServerInboxCount>;
export type SearchGroup = Wire<ServerSearchGroup>;
export type SearchHit = Wire<ServerSearchHit>;
export type WorkbenchSettings = Wire<ServerWorkbenchSettings>;
