// GET /hosts: the roster (read afresh), each host with its last highstate or SLS run.
import type { FastifyInstance } from 'fastify';
import { CliError } from '../../cli-error.ts';
import { formatError } from '../../../agent/errors.ts';
import { openWorkspace } from '../../config/workspace.ts';
import { ApiError } from '../errors.ts';
import type { ApiContext } from '../context.ts';
import { errorReply, hostsReply } from '../schemas.ts';

export function hostRoutes(app: FastifyInstance, api: ApiContext): void {
  app.get('/hosts', { schema: { response: { 200: hostsReply, '4xx': errorReply } } }, async () => {
    let ws;
    try {
      ws = openWorkspace({ config: api.launch.configFile, env: api.launch.env, cwd: api.launch.cwd, allowRosterErrors: true });
    } catch (err) {
      if (err instanceof CliError) throw new ApiError(422, 'CONFIG_INVALID', err.message, err.errors.map((e) => formatError(e)));
      throw err;
    }
    const hosts = ws.roster.hosts.map((h) => {
      const last = api.store.lastRun(h.id);
      return {
        id: h.id,
        level: h.level,
        roles: h.roles,
        address: h.port === 22 ? h.host : `${h.host}:${h.port}`,
        lastRun: last ? { jid: last.jid, status: last.status, finishedAt: last.finishedAt } : null,
      };
    });
    return { hosts };
  });
}
