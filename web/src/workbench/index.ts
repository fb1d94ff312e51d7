export { ActionDialog, bi, FieldInput, toBody } from './ActionDialog';
export { flowQuery, getFlow, getInbox, getInboxCount, getHolders, getWorkbenchSettings, jstLocalToIso, putWorkbenchSettings, searchAll } from './api';
export { ActionButtons, DeadlineList, Flash, FlowBar, ProcessHistory, ProcessSection, Section, useRecordPage } from './RecordPage';
export type * from './types';
export { GlobalSearch, InboxCountBadge } from './HeaderWork';
export { INBOX_REFRESH_MS, InboxPanel } from './Inbox';
