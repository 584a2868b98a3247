// Starting a highstate or a test run for a level (and optionally a role) from the fleet page: a
// confirmation page naming the hosts it will run on, then the job, started by the same request
// building and launcher as POST /jobs and recorded as the session's token's.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../api/errors.ts';
import { jobRequest } from '../../api/routes/jobs.ts';
import { readWorkspace } from '../../api/workspace.ts';
import { applyTargetOptions } from '../../commands/target-options.ts';
import { CliError } from '../../cli-error.ts';
import { type DashboardContext, page } from '../context.ts';
import { BASE, sameOrigin, sessionToken } from '../session.ts';

const name = { type: 'string', maxLength: 256 } as const;
const flag = { type: 'string', enum: ['', '1'] } as const;
const startQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { level: { ...name, minLength: 1 }, role: name, test: flag },
  required: ['level'],
} as const;
const startBody = {
  type: 'object',
  additionalProperties: false,
  properties: { csrf: name, level: { ...name, minLength: 1 }, role: name, test: flag },
  required: ['level'],
} as const;

interface StartForm {
  level: string;
  role?: string;
  test?: '' | '1';
}

export function startRoutes(app: FastifyInstance, dash: DashboardContext): void {
  const { api } = dash;
  const targeting = (f: StartForm) => ({ level: [f.level], role: f.role ? [f.role] : [] });

  app.get<{ Querystring: StartForm }>('/start', { schema: { querystring: startQuery } }, async (req, reply) => {
    const f = req.query;
    let hosts: string[];
    try {
      hosts = applyTargetOptions(readWorkspace(api).roster.hosts, targeting(f)).hosts.map((h) => h.id);
    } catch (err) {
      if (err instanceof CliError) throw new ApiError(400, 'INVALID_TARGET', err.message);
      throw err;
    }
    return page(dash, req, reply, 'confirm', { level: f.level, role: f.role ?? '', test: f.test === '1', hosts });
  });

  app.post<{ Body: StartForm & { csrf?: string } }>('/start', { schema: { body: startBody } }, async (req, reply) => {
    const session = sessionToken(req);
    if (!session || !sameOrigin(req) || !dash.csrf.check(session, req.body.csrf)) {
      return page(
        dash,
        req,
        reply,
        'message',
        {
          heading: 'Refused',
          text: 'the form is not from this session: start the job again from the fleet page',
          details: [],
        },
        403,
      );
    }
    const f = req.body;
    const launched = await api.launcher.start(
      jobRequest({ kind: 'highstate', ...targeting(f), test: f.test === '1' }),
      { origin: 'api', who: req.tokenName },
    );
    await recorded(dash, launched.jid);
    return reply.redirect(`${BASE}/jobs/${launched.jid}`, 303);
  });
}

/** Resolves once the job is in the job history (its first event), or it has ended. */
async function recorded(dash: DashboardContext, jid: string): Promise<void> {
  const { store, bus, launcher } = dash.api;
  if (store.job(jid)) return;
  let stop = () => {};
  await Promise.race([
    new Promise<void>((resolve) => {
      stop = bus.subscribe((e) => {
        if (e.jid === jid) resolve();
      });
    }),
    launcher.running.get(jid)?.catch(() => undefined),
  ]);
  stop();
}
