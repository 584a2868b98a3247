// /jobs: the job history (as `halite jobs`), one job with its hosts, one host's results, and
// starting a highstate or SLS job (202 with its id; it runs in the daemon, recorded as the token's).
import type { FastifyInstance } from 'fastify';
import type { JobStatus } from '../../jobs/store.ts';
import { parseSince } from '../../jobs/since.ts';
import { parseBatch } from '../../target/plan.ts';
import { ApiError } from '../errors.ts';
import type { ApiContext } from '../context.ts';
import type { JobRequest } from '../launcher.ts';
import {
  errorReply,
  hostResultsReply,
  jidHostParams,
  jidParams,
  jobReply,
  jobsQuery,
  jobsReply,
  startJobBody,
  startJobReply,
} from '../schemas.ts';

interface JobsQuery {
  host?: string;
  status?: JobStatus;
  since?: string;
  limit?: string;
}
export interface StartBody {
  kind: 'highstate' | 'sls' | 'run';
  sls?: string[];
  command?: string[];
  timeout?: number;
  level?: string[];
  role?: string[];
  host?: string[];
  target?: string[];
  all?: boolean;
  test?: boolean;
  batch?: string;
  failhard?: boolean;
  concurrency?: number;
}

export function jobRoutes(app: FastifyInstance, api: ApiContext): void {
  const { store } = api;
  const findJob = (jid: string) => {
    const job = store.job(jid);
    if (!job) throw new ApiError(404, 'JOB_NOT_FOUND', `no job ${jid} in the job history`);
    return job;
  };

  app.get<{ Querystring: JobsQuery }>(
    '/jobs',
    { schema: { querystring: jobsQuery, response: { 200: jobsReply, '4xx': errorReply } } },
    async (req) => {
      const q = req.query;
      let since: Date | undefined;
      if (q.since !== undefined) {
        since = parseSince(q.since);
        if (!since)
          throw new ApiError(
            400,
            'INVALID_REQUEST',
            `since: expected an age (30m, 6h, 2d, 1w) or a date (2026-12-01[T08:00:00Z]), not '${q.since}'`,
          );
      }
      return {
        jobs: store.jobs({
          host: q.host,
          status: q.status,
          since,
          limit: q.limit === undefined ? 50 : Number(q.limit),
        }),
      };
    },
  );

  app.get<{ Params: { jid: string } }>(
    '/jobs/:jid',
    { schema: { params: jidParams, response: { 200: jobReply, '4xx': errorReply } } },
    async (req) => {
      const job = findJob(req.params.jid);
      return { job, hosts: store.hostRuns(job.jid) };
    },
  );

  app.get<{ Params: { jid: string; host: string } }>(
    '/jobs/:jid/hosts/:host',
    { schema: { params: jidHostParams, response: { 200: hostResultsReply, '4xx': errorReply } } },
    async (req) => {
      const job = findJob(req.params.jid);
      const run = store.hostRun(job.jid, req.params.host);
      if (!run)
        throw new ApiError(404, 'HOST_NOT_FOUND', `host ${req.params.host} did not take part in job ${job.jid}`);
      return { job, run, results: store.stateResults(job.jid, run.host) };
    },
  );

  app.post<{ Body: StartBody }>(
    '/jobs',
    { schema: { body: startJobBody, response: { 202: startJobReply, '4xx': errorReply } } },
    async (req, reply) => {
      const b = req.body;
      const targeting = { level: b.level ?? [], role: b.role ?? [], host: b.host ?? [], target: b.target ?? [] };
      if (b.kind === 'run') {
        const misplaced = (['sls', 'test', 'batch', 'failhard', 'concurrency'] as const).filter(
          (k) => b[k] !== undefined,
        );
        if (!b.command) throw new ApiError(400, 'INVALID_REQUEST', "body: a run job needs 'command', the argv to run");
        if (misplaced.length)
          throw new ApiError(
            400,
            'INVALID_REQUEST',
            `body: ${misplaced.map((k) => `'${k}'`).join(', ')} not for a run job`,
          );
        return reply.code(202).send(
          await api.launcher.startRun(
            {
              kind: 'run',
              command: b.command,
              ...targeting,
              ...(b.all ? { all: true } : {}),
              ...(b.timeout ? { timeout: b.timeout } : {}),
            },
            { origin: 'api', who: req.tokenName },
          ),
        );
      }
      const launched = await api.launcher.start(jobRequest({ ...b, kind: b.kind }), {
        origin: 'api',
        who: req.tokenName,
      });
      return reply.code(202).send(launched);
    },
  );
}

/** The highstate or SLS job a start body asks for (the API's POST /jobs and the dashboard's form). */
export function jobRequest(b: StartBody & { kind: 'highstate' | 'sls' }): JobRequest {
  const targeting = { level: b.level ?? [], role: b.role ?? [], host: b.host ?? [], target: b.target ?? [] };
  if (b.command !== undefined || b.timeout !== undefined)
    throw new ApiError(400, 'INVALID_REQUEST', "body: 'command' and 'timeout' are for a run job");
  if (b.kind === 'sls' && !b.sls)
    throw new ApiError(400, 'INVALID_REQUEST', "body: an sls job needs 'sls', the SLS names to apply");
  if (b.kind === 'highstate' && b.sls)
    throw new ApiError(400, 'INVALID_REQUEST', "body: 'sls' is for an sls job; a highstate applies the top file");
  let batch;
  if (b.batch !== undefined) {
    try {
      batch = parseBatch(b.batch);
    } catch (err) {
      throw new ApiError(400, 'INVALID_REQUEST', `batch: ${(err as Error).message}`);
    }
  }
  const request: JobRequest = {
    kind: b.kind,
    ...(b.sls ? { sls: b.sls } : {}),
    ...targeting,
    ...(b.all ? { all: true } : {}),
    test: Boolean(b.test),
    failhard: Boolean(b.failhard),
    ...(batch ? { batch } : {}),
    ...(b.concurrency ? { concurrency: b.concurrency } : {}),
  };
  return request;
}
