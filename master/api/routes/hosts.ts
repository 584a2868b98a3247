// GET /hosts: the roster (read afresh), each host with its last highstate or SLS run and its drift.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import { errorReply, hostsReply } from '../schemas.ts';
import { readWorkspace } from '../workspace.ts';

export function hostRoutes(app: FastifyInstance, api: ApiContext): void {
  app.get('/hosts', { schema: { response: { 200: hostsReply, '4xx': errorReply } } }, async () => {
    const ws = readWorkspace(api);
    const drift = api.store.drift();
    const hosts = ws.roster.hosts.map((h) => {
      const last = api.store.lastRun(h.id);
      const d = drift.get(h.id);
      return {
        id: h.id,
        level: h.level,
        roles: h.roles,
        address: h.port === 22 ? h.host : `${h.host}:${h.port}`,
        lastRun: last ? { jid: last.jid, status: last.status, finishedAt: last.finishedAt } : null,
        drift: d
          ? { jid: d.jid, mode: d.mode, checkedAt: d.checkedAt, drifted: d.states.length > 0, states: d.states }
          : null,
      };
    });
    return { hosts };
  });
}
