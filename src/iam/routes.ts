import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clearSessionCookie, SESSION_COOKIE, sessionOf, setSessionCookie } from '../http/session.ts';
import { listQuery } from '../kernel/paging.ts';
import { permissionsOf } from './actor.ts';
import type { AuthService } from './auth.ts';
import { departmentInput, loginInput, personInput, personUpdate } from './inputs.ts';
import { ALL_DEPARTMENTS_ROLES, ROLES } from './roles.ts';
import type { IamService, PersonView } from './service.ts';

/** The signed-in user as the web UI sees it. */
export function userBody(u: PersonView) {
  return {
    id: u.id,
    login: u.login,
    displayName: u.displayName,
    email: u.email,
    department: u.department,
    roles: u.roles.map((role) => ({ role, departmentId: role === 'system_owner' ? (u.department?.id ?? null) : null })),
    permissions: permissionsOf(u.roles),
    /** Sees every department's records (ORG-4); false for a system owner, who sees their own only. */
    allDepartments: u.roles.some((r) => ALL_DEPARTMENTS_ROLES.includes(r)),
  };
}

const idParam = z.object({ id: z.uuid() }).strict();

export function iamRoutes(
  app: FastifyInstance,
  deps: { iam: IamService; auth: AuthService; secureCookies: 'auto' | 'true' | 'false'; loginRatePerMinute?: number },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { iam, auth } = deps;

  r.get('/api/setup/status', { config: { public: true }, schema: { tags: ['auth'] } }, async () => ({
    needsAdmin: !(await iam.hasActiveAdmin()),
  }));

  r.post(
    '/api/auth/login',
    {
      config: { public: true, rateLimit: { max: deps.loginRatePerMinute ?? 20, timeWindow: '1 minute' } },
      schema: { tags: ['auth'], summary: 'ログイン / Log in', body: loginInput },
    },
    async (req, reply) => {
      const s = await auth.login({
        login: req.body.login,
        password: req.body.password,
        ip: req.ip,
        userAgent: req.headers['user-agent'],
        previousToken: req.cookies[SESSION_COOKIE],
      });
      setSessionCookie(req, reply, s.token, deps.secureCookies);
      return { user: userBody(s.user), csrfToken: s.csrfToken };
    },
  );

  r.get('/api/auth/session', { schema: { tags: ['auth'], summary: 'Current session' } }, async (req) => {
    const s = sessionOf(req);
    return { user: userBody(s.user), csrfToken: s.csrfToken };
  });

  r.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'ログアウト / Log out' } }, async (req, reply) => {
    await auth.logout(sessionOf(req).token);
    clearSessionCookie(reply);
    return reply.status(204).send();
  });

  const deptList = listQuery(['code', 'name', 'kind']);
  r.get('/api/departments', { schema: { tags: ['org'], summary: '所属一覧', querystring: deptList } }, async (req) => {
    const page = await iam.listDepartments(sessionOf(req).actor, req.query);
    return { ...page, items: page.items.map(({ id, code, name, kind, active, peopleCount }) => ({ id, code, name, kind, active, peopleCount })) };
  });
  r.post('/api/departments', { schema: { tags: ['org'], summary: '所属の登録', body: departmentInput } }, async (req, reply) => {
    const d = await iam.createDepartment(sessionOf(req).actor, req.body);
    return reply.status(201).send(d);
  });

  const peopleList = listQuery(['login', 'displayName', 'email', 'department']).extend({ departmentId: z.uuid().optional() });
  r.get('/api/people', { schema: { tags: ['org'], summary: '利用者一覧', querystring: peopleList } }, async (req) =>
    iam.listPeople(sessionOf(req).actor, req.query),
  );
  r.get('/api/people/:id', { schema: { tags: ['org'], params: idParam } }, async (req) =>
    iam.getPerson(sessionOf(req).actor, req.params.id),
  );
  r.post('/api/people', { schema: { tags: ['org'], summary: '利用者の登録', body: personInput } }, async (req, reply) => {
    const p = await iam.createPerson(sessionOf(req).actor, req.body);
    return reply.status(201).send(p);
  });
  r.patch('/api/people/:id', { schema: { tags: ['org'], params: idParam, body: personUpdate } }, async (req) =>
    iam.updatePerson(sessionOf(req).actor, req.params.id, req.body),
  );
  r.post(
    '/api/people/:id/roles',
    { schema: { tags: ['org'], summary: 'ロールの付与', params: idParam, body: z.object({ role: z.enum(ROLES) }).strict() } },
    async (req) => iam.assignRole(sessionOf(req).actor, req.params.id, req.body.role),
  );
  r.delete(
    '/api/people/:id/roles/:role',
    { schema: { tags: ['org'], summary: 'ロールの解除', params: z.object({ id: z.uuid(), role: z.enum(ROLES) }).strict() } },
    async (req) => iam.revokeRole(sessionOf(req).actor, req.params.id, req.params.role),
  );
  r.post(
    '/api/people/:id/disabled',
    { schema: { tags: ['org'], summary: '利用者の無効化・有効化', params: idParam, body: z.object({ disabled: z.boolean() }).strict() } },
    async (req) => iam.setDisabled(sessionOf(req).actor, req.params.id, req.body.disabled),
  );
}
