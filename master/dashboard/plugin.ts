// The dashboard, served under /ui by the daemon's fastify (a front end handed to buildApi): pages
// rendered on the server, a login that keeps the API token in a cookie, and the API's job launcher
// and event bus behind them.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { tokenName } from '../api/auth.ts';
import type { Frontend } from '../api/app.ts';
import type { ApiContext } from '../api/context.ts';
import { ApiError } from '../api/errors.ts';
import { type DashboardContext, page } from './context.ts';
import { loginRoutes } from './routes/login.ts';
import { pageRoutes } from './routes/pages.ts';
import { startRoutes } from './routes/start.ts';
import { BASE, Csrf, sessionToken } from './session.ts';
import { ICON, LIVE_JS, STYLE } from './static.ts';
import { makeViews } from './views.ts';

const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // not no-referrer: with it a browser sends `Origin: null` on the dashboard's own form posts
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** Paths that need no login: the login form itself, the stylesheet, script and icon. */
const OPEN = new Set([
  `${BASE}/login`,
  `${BASE}/static/style.css`,
  `${BASE}/static/live.js`,
  `${BASE}/static/icon.svg`,
]);

/** Where a request without a valid session is sent: the login form, coming back to a page it asked for. */
function loginRedirect(req: FastifyRequest): string {
  const path = req.url;
  return req.method === 'GET' && path.startsWith(`${BASE}/`)
    ? `${BASE}/login?next=${encodeURIComponent(path)}`
    : `${BASE}/login`;
}

/** The dashboard as a front end of the daemon: its pages under /ui, and / leading there. */
export const dashboard: Frontend = (app, api) => {
  app.get('/', async (_req, reply) => reply.redirect(`${BASE}/`, 302));
  app.register(dashboardPlugin(api), { prefix: BASE });
};

function dashboardPlugin(api: ApiContext) {
  return async function dashboardRoutes(scope: FastifyInstance): Promise<void> {
    const dash: DashboardContext = { api, views: makeViews(), csrf: new Csrf() };
    if (!scope.hasRequestDecorator('tokenName')) scope.decorateRequest('tokenName', '');
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_req, body, done) => {
        const fields: Record<string, string> = {};
        for (const [k, v] of new URLSearchParams(body as string)) fields[k] = v;
        done(null, fields);
      },
    );
    scope.addHook('onSend', async (_req, reply) => {
      reply.headers(HEADERS);
    });
    scope.addHook('onRequest', async (req, reply) => {
      const path = req.url.split('?')[0]!;
      if (OPEN.has(path)) return;
      const name = tokenName(api.tokens, sessionToken(req));
      if (name !== undefined) {
        req.tokenName = name;
        return;
      }
      if (path === `${BASE}/events` || (path.startsWith(`${BASE}/jobs/`) && path.includes('/hosts/')))
        return reply.code(401).type('text/plain; charset=utf-8').send('log in first');
      return reply.redirect(loginRedirect(req), 303);
    });
    scope.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
      if (err instanceof ApiError)
        return page(
          dash,
          req,
          reply,
          'message',
          { heading: 'Not done', text: err.message, details: err.details },
          err.statusCode,
        );
      const status = err.validation ? 400 : err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) api.launch.log?.(`dashboard: internal error: ${err.stack ?? err.message}`);
      return page(
        dash,
        req,
        reply,
        'message',
        {
          heading: status === 500 ? 'Internal error' : 'Bad request',
          text: status === 500 ? 'internal error' : err.message,
          details: [],
        },
        status,
      );
    });

    scope.get('/static/style.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(STYLE));
    scope.get('/static/icon.svg', async (_req, reply) => reply.type('image/svg+xml').send(ICON));
    scope.get('/static/live.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(LIVE_JS));
    loginRoutes(scope, dash);
    pageRoutes(scope, dash);
    startRoutes(scope, dash);
  };
}
