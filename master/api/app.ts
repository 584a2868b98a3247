// The daemon's HTTP API: a fastify instance with one encapsulated plugin holding the authenticated
// routes, GET /health open to all, every query, body and reply described by a JSON Schema that
// admits no unknown field, and every error answered as {code, message} with a stable code.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { JobStore } from '../jobs/store.ts';
import { addAuth } from './auth.ts';
import type { ApiContext } from './context.ts';
import { ApiError } from './errors.ts';
import { EventBus } from './events.ts';
import { JobLauncher, type LaunchEnv } from './launcher.ts';
import { Metrics } from './metrics.ts';
import { eventRoutes } from './routes/events.ts';
import { hostRoutes } from './routes/hosts.ts';
import { jobRoutes } from './routes/jobs.ts';
import { metricRoutes } from './routes/metrics.ts';
import { healthReply } from './schemas.ts';
import { TokenStore } from './tokens.ts';

export interface ApiOptions extends Omit<LaunchEnv, 'store' | 'bus'> {
  store: JobStore;
  /** Request logging (fastify's logger); off by default. */
  logger?: boolean;
  /** Front ends served beside the API (the dashboard), each adding its routes with its own authentication. */
  frontends?: readonly Frontend[];
  /** The daemon's SSH connections, for /metrics. */
  connections?: () => { opened: number; open: number };
}

/** Adds a front end's routes to the daemon's app; it works through the API's context. */
export type Frontend = (app: FastifyInstance, context: ApiContext) => void;

export interface Api {
  app: FastifyInstance;
  context: ApiContext;
}

const MAX_BODY = 64 * 1024;

export function buildApi(opts: ApiOptions): Api {
  const bus = new EventBus();
  const launch: LaunchEnv = { ...opts, bus };
  const context: ApiContext = {
    store: opts.store,
    tokens: new TokenStore(opts.store.db),
    bus,
    launcher: new JobLauncher(launch),
    metrics: new Metrics(bus, opts.store, opts.connections),
    launch,
  };
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: MAX_BODY,
    // no coercion: a body field of the wrong type is refused, not converted (query values are strings)
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  app.setErrorHandler((err: FastifyError | ApiError, _req, reply) => {
    if (err instanceof ApiError) {
      if (err.statusCode === 401) reply.header('www-authenticate', 'Bearer');
      return reply
        .code(err.statusCode)
        .send({ code: err.code, message: err.message, ...(err.details.length ? { details: err.details } : {}) });
    }
    if (err.validation) {
      const v = err.validation[0];
      const unknown =
        v?.keyword === 'additionalProperties'
          ? (v.params as { additionalProperty?: string }).additionalProperty
          : undefined;
      const where = `${err.validationContext ?? 'request'}${v?.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`;
      const message = unknown !== undefined ? `${where}: unknown field '${unknown}'` : err.message;
      return reply.code(400).send({ code: 'INVALID_REQUEST', message });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500)
      return reply.code(status).send({ code: 'INVALID_REQUEST', message: err.message });
    opts.log?.(`internal error: ${err.stack ?? err.message}`);
    return reply.code(500).send({ code: 'INTERNAL', message: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }),
  );

  app.get('/health', { schema: { response: { 200: healthReply } } }, async () => ({ status: 'ok' as const }));
  for (const add of opts.frontends ?? []) add(app, context);
  app.register(async (scope) => {
    addAuth(scope, context.tokens);
    jobRoutes(scope, context);
    hostRoutes(scope, context);
    eventRoutes(scope, context);
    metricRoutes(scope, context);
  });
  return { app, context };
}
