export { DIGEST_INTERVAL_MS, digestMail, runApprovalDigests } from './digest.ts';
export { INBOX_READ_LIMIT, type Inbox, type InboxEntry, inboxOf } from './inbox.ts';
export { workbenchRoutes } from './routes.ts';
export { workbenchSettings } from './schema.ts';
export { parseSearch, type SearchGroup, type SearchHit, type SearchQuery, type Searcher, searchAll } from './search.ts';
export { createWorkbench, type InboxCount, type Workbench, type WorkbenchDeps, type WorkbenchSettings } from './service.ts';
