// The pages: the fleet grid, a job with its hosts' results, one host's section of a job (what the
// live script swaps in), a host with its history and plot, and the job events for the live script.
import type { FastifyInstance } from 'fastify';
import { streamEvents } from '../../api/routes/events.ts';
import { ApiError } from '../../api/errors.ts';
import { readWorkspace } from '../../api/workspace.ts';
import { type DashboardContext, page } from '../context.ts';
import { fleetGrid } from '../fleet-grid.ts';
import { hostPlot } from '../host-plot.ts';
import { driftView, hostSection, hostsFailedFirst } from '../job-view.ts';

const jid = { type: 'string', pattern: '^[0-9]{20}$' } as const;
const hostName = { type: 'string', minLength: 1, maxLength: 256 } as const;
const jidParams = { type: 'object', additionalProperties: false, properties: { jid }, required: ['jid'] } as const;
const jidHostParams = {
  type: 'object',
  additionalProperties: false,
  properties: { jid, host: hostName },
  required: ['jid', 'host'],
} as const;
const hostParams = {
  type: 'object',
  additionalProperties: false,
  properties: { host: hostName },
  required: ['host'],
} as const;
const eventsQuery = { type: 'object', additionalProperties: false, properties: { jid }, required: ['jid'] } as const;

const HISTORY = 100;

export function pageRoutes(app: FastifyInstance, dash: DashboardContext): void {
  const { store } = dash.api;
  const findJob = (id: string) => {
    const job = store.job(id);
    if (!job) throw new ApiError(404, 'JOB_NOT_FOUND', `no job ${id} in the job history`);
    return job;
  };

  app.get('/', async (req, reply) => {
    const ws = readWorkspace(dash.api);
    const drift = store.drift();
    const grid = fleetGrid(ws.roster.hosts, Object.keys(ws.config.levels), {
      lastRun: (h) => store.lastRun(h),
      drift: (h) => drift.get(h),
    });
    return page(dash, req, reply, 'fleet', { grid, warnings: ws.warnings, jobs: store.jobs({ limit: 20 }) });
  });

  app.get<{ Params: { jid: string } }>('/jobs/:jid', { schema: { params: jidParams } }, async (req, reply) => {
    const job = findJob(req.params.jid);
    const hosts = hostsFailedFirst(store.hostRuns(job.jid)).map((run) =>
      hostSection(run, store.stateResults(job.jid, run.host)),
    );
    // only the jobs the daemon runs (its own, and the command line's handed to it) publish events;
    // one run by another process is shown as recorded
    const live = job.status === 'running' && (dash.api.launcher.running.has(job.jid) || dash.api.bus.running(job.jid));
    return page(dash, req, reply, 'job', { job, hosts, live });
  });

  app.get<{ Params: { jid: string; host: string } }>(
    '/jobs/:jid/hosts/:host',
    { schema: { params: jidHostParams } },
    async (req, reply) => {
      const job = findJob(req.params.jid);
      const run = store.hostRun(job.jid, req.params.host);
      if (!run)
        throw new ApiError(404, 'HOST_NOT_FOUND', `host ${req.params.host} did not take part in job ${job.jid}`);
      return page(dash, req, reply, 'host-section', {
        section: hostSection(run, store.stateResults(job.jid, run.host)),
      });
    },
  );

  app.get<{ Params: { host: string } }>('/hosts/:host', { schema: { params: hostParams } }, async (req, reply) => {
    const id = req.params.host;
    const entry = readWorkspace(dash.api).roster.hosts.find((h) => h.id === id);
    const runs = store.jobs({ host: id, limit: HISTORY }).flatMap((job) => {
      const run = store.hostRun(job.jid, id);
      return run ? [{ ...run, kind: job.kind, test: job.test }] : [];
    });
    if (!entry && !runs.length)
      throw new ApiError(404, 'HOST_NOT_FOUND', `no host ${id} in the roster or the job history`);
    const host = entry
      ? {
          id,
          level: entry.level,
          roles: entry.roles,
          address: entry.port === 22 ? entry.host : `${entry.host}:${entry.port}`,
        }
      : { id, level: '(not in the roster)', roles: [], address: '' };
    const plotted = runs.filter((r) => r.kind !== 'run' && r.status !== 'blocked' && r.status !== 'running');
    const plot = hostPlot(
      plotted.map((r) => ({
        jid: r.jid,
        status: r.status,
        at: r.startedAt ?? r.finishedAt ?? '',
        durationMs: r.durationMs,
        changed: r.changed,
      })),
    );
    const d = store.drift([id]).get(id);
    return page(dash, req, reply, 'host', { host, last: store.lastRun(id), runs, plot, drift: d && driftView(d) });
  });

  app.get<{ Querystring: { jid: string } }>('/events', { schema: { querystring: eventsQuery } }, async (req, reply) => {
    streamEvents(dash.api, req, reply, req.query.jid);
  });
}
