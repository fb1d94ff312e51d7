import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../iam/auth.ts';
import { tokensEqual } from '../iam/auth.ts';
import type { SessionInfo } from '../iam/auth.ts';
import { ForbiddenError } from '../kernel/errors.ts';

export const SESSION_COOKIE = 'kiban_sid';

declare module 'fastify' {
  interface FastifyRequest {
    session?: SessionInfo;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the session for every /api request except the public ones, and checks the CSRF token
 * (header X-CSRF-Token, synchronizer token stored with the session) on every state-changing request.
 * Routes declare `config: { public: true }` to opt out of the session.
 *
 * Both run at onRequest, before the body is read or validated: a request without a session answers
 * 401 and one without the right token 403 whatever its body holds, so neither learns anything about
 * the route's input from its field errors (nor makes the server parse a body it will refuse).
 */
export function registerSessionHooks(app: FastifyInstance, auth: AuthService): void {
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/') || req.url.startsWith('/api/docs')) return;
    // Unknown routes answer 404 (the not-found handler has no route URL), not 401.
    if (!req.routeOptions.url) return;
    const cfg = req.routeOptions.config as { public?: boolean } | undefined;
    if (cfg?.public) return;
    req.session = await auth.authenticate(req.cookies[SESSION_COOKIE]);
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.headers['x-csrf-token'];
      if (!tokensEqual(typeof header === 'string' ? header : undefined, req.session.csrfToken)) {
        throw new ForbiddenError('error.csrf');
      }
    }
  });
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, secure: 'auto' | 'true' | 'false'): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: secure === 'true' || (secure === 'auto' && req.protocol === 'https'),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The session of an authenticated route (the hook guarantees it). */
export function sessionOf(req: FastifyRequest): SessionInfo {
  if (!req.session) throw new Error('route is public but asked for a session');
  return req.session;
}
