// Logging in and out: the token typed into the form is checked as the API checks it and kept in
// the session cookie; logging out clears the cookie.
import type { FastifyInstance } from 'fastify';
import { tokenName } from '../../api/auth.ts';
import { type DashboardContext, page } from '../context.ts';
import { BASE, sameOrigin, sessionCookie, sessionToken } from '../session.ts';

const str = { type: 'string', maxLength: 1024 } as const;
const loginQuery = { type: 'object', additionalProperties: false, properties: { next: str } } as const;
const loginBody = {
  type: 'object',
  additionalProperties: false,
  properties: { token: str, next: str },
  required: ['token'],
} as const;
const logoutBody = { type: 'object', additionalProperties: false, properties: { csrf: str } } as const;

/** Where to go after logging in: a dashboard page, never another site. */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith(`${BASE}/`) && !next.startsWith(`${BASE}//`) && !/[\\\r\n]/.test(next)
    ? next
    : `${BASE}/`;
}

export function loginRoutes(app: FastifyInstance, dash: DashboardContext): void {
  app.get<{ Querystring: { next?: string } }>('/login', { schema: { querystring: loginQuery } }, async (req, reply) =>
    page(dash, req, reply, 'login', { next: safeNext(req.query.next) }),
  );

  app.post<{ Body: { token: string; next?: string } }>(
    '/login',
    { schema: { body: loginBody } },
    async (req, reply) => {
      const next = safeNext(req.body.next);
      if (!sameOrigin(req))
        return page(dash, req, reply, 'login', { next, error: 'the form was sent from another site' }, 403);
      const name = tokenName(dash.api.tokens, req.body.token.trim());
      if (name === undefined)
        return page(dash, req, reply, 'login', { next, error: 'that token is not valid (unknown or revoked)' }, 401);
      reply.header('set-cookie', sessionCookie(req.body.token.trim(), req.protocol === 'https'));
      return reply.redirect(next, 303);
    },
  );

  app.post<{ Body: { csrf?: string } }>('/logout', { schema: { body: logoutBody } }, async (req, reply) => {
    const session = sessionToken(req);
    if (!session || !sameOrigin(req) || !dash.csrf.check(session, req.body.csrf))
      return page(
        dash,
        req,
        reply,
        'message',
        { heading: 'Refused', text: 'the form is not from this session', details: [] },
        403,
      );
    reply.header('set-cookie', sessionCookie(undefined, req.protocol === 'https'));
    return reply.redirect(`${BASE}/login`, 303);
  });
}
