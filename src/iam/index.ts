export { type Actor, can, permissionsOf, requirePermission, systemActor, visibleDepartments } from './actor.ts';
export { actorFor, type AuthService, createAuthService, type DirectoryAuthenticator, tokensEqual } from './auth.ts';
export { departmentInput, loginInput, personInput, personUpdate } from './inputs.ts';
export { ROLE_LABELS, ROLES, type Permission, type Role } from './roles.ts';
export { actorsByLogin } from './lookup.ts';
export { createIamService, exclusiveClash, type IamService, type PersonView } from './service.ts';
