// GET /metrics: Prometheus text exposition.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';

export function metricRoutes(app: FastifyInstance, api: ApiContext): void {
  app.get('/metrics', { schema: { response: { 200: { type: 'string' } } } }, async (_req, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(api.metrics.text());
  });
}
