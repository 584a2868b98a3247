// What the dashboard's routes work with: the API's context (store, tokens, bus, launcher), the
// templates, the CSRF key, and the page renderer.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type nunjucks from 'nunjucks';
import type { ApiContext } from '../api/context.ts';
import { BASE, type Csrf, sessionToken } from './session.ts';

export interface DashboardContext {
  api: ApiContext;
  views: nunjucks.Environment;
  csrf: Csrf;
}

/** Answers with the page `name` rendered with `data`, plus what every page needs. */
export function page(
  dash: DashboardContext,
  req: FastifyRequest,
  reply: FastifyReply,
  name: string,
  data: Record<string, unknown> = {},
  status = 200,
): FastifyReply {
  const session = sessionToken(req);
  const user = req.tokenName || undefined;
  const html = dash.views.render(name, {
    base: BASE,
    user,
    csrf: user && session ? dash.csrf.token(session) : '',
    ...data,
  });
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}
