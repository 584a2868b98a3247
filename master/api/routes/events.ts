// GET /events: server-sent events, live — each job's start, host starts, every state result as its
// host reports it, host outcomes and the job's end. `?jid=` follows one job and ends with it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.ts';
import type { ApiEvent } from '../events.ts';
import { errorReply, eventsQuery } from '../schemas.ts';

const frame = (e: ApiEvent): string => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;

export function eventRoutes(app: FastifyInstance, api: ApiContext): void {
  app.get<{ Querystring: { jid?: string } }>(
    '/events',
    { schema: { querystring: eventsQuery, response: { '4xx': errorReply } } },
    async (req, reply) => {
      streamEvents(api, req, reply, req.query.jid);
    },
  );
}

/** Answers the request with the bus's events from now on (one job's with `jid`, ending with it). */
export function streamEvents(api: ApiContext, req: FastifyRequest, reply: FastifyReply, jid: string | undefined): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': halite events\n\n');
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    unsubscribe();
    clearInterval(ping);
    res.end();
  };
  const unsubscribe = api.bus.subscribe((e) => {
    if (jid !== undefined && e.jid !== jid) return;
    res.write(frame(e));
    if (jid !== undefined && e.type === 'job-done') end();
  });
  // a comment line now and then keeps proxies from closing an idle stream
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  ping.unref();
  req.raw.on('close', end);
  if (jid !== undefined) {
    // the job may have ended before the stream opened: its end is sent from the history
    const job = api.store.job(jid);
    if (job && job.status !== 'running') {
      res.write(frame({ type: 'job-done', jid, kind: job.kind, status: job.status, durationMs: job.durationMs ?? 0 }));
      end();
    }
  }
}
