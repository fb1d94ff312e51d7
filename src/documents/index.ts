import { registerMessages } from '../kernel/messages.ts';
import { documentMessages } from './messages.ts';

registerMessages(documentMessages);

export { type ChangeDocument, changeDocumentRoutes, createChangeDocumentService, documentsOfChange } from './attach.ts';
export { documentInput, documentListQuery, documentUpdate } from './inputs.ts';
export { revisionNotice, TEAM_ROLES } from './mails.ts';
export { documentMessages } from './messages.ts';
export { type DocumentRevision, revisionProcess } from './process.ts';
export { APPROVER_ROLES, AUTHOR_ROLES, N_REGISTER, REVIEWER_ROLES, seedDocumentRegister } from './register.ts';
export { documentRoutes } from './routes.ts';
export * from './schema.ts';
export { documentScope, revisionScope } from './scope.ts';
export { createDocumentService, type DocumentDeps, type DocumentService, type RegisterEntry, type RevisionView } from './service.ts';
