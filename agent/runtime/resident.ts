// `halite-agent resident --socket PATH --linger SEC -- [serve options]`: a resident agent. It
// listens on PATH (mode 0600 in a 0700 directory) and runs each connection as one job, exactly like
// `serve` does over stdin/stdout, one job at a time. It exits when no job came for the linger time
// of the last job (a job with linger 0 ends it after that job), on SIGTERM/SIGINT, or when another
// resident already owns the socket. Started with --priority N (by a job's agent, at the lowest
// priority), it takes priority N once it listens, and with --group-priority G its scheduling
// group's (its session's autogroup) nice value G.
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { ensurePrivateDir } from './runtime-dir.ts';
import { setGroupPriority, setProcessPriority } from './priority.ts';
import { socketAlive } from './resident-start.ts';
import { serve, serveOptionsFrom, type ServeOptions } from './serve.ts';

export interface ResidentOptions {
  socket: string;
  lingerSec: number;
  /** The nice value jobs run at, taken once the socket is bound (default: as started). */
  priority?: number;
  /** The nice value of its scheduling group, taken with `priority` (default: as started). */
  groupPriority?: number;
  serve: Omit<ServeOptions, 'stdin' | 'out'>;
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

/** Takes the socket: a stale file left by a dead process is replaced; a live one wins. */
export async function bindSocket(server: Server, path: string): Promise<boolean> {
  ensurePrivateDir(dirname(path));
  const old = process.umask(0o177);
  try {
    try {
      await listen(server, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || (await socketAlive(path))) return false;
      unlinkSync(path);
      await listen(server, path);
    }
  } finally {
    process.umask(old);
  }
  chmodSync(path, 0o600);
  return true;
}

export async function runResident(o: ResidentOptions): Promise<number> {
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
  if (!(await bindSocket(server, o.socket))) return 0;
  if (o.priority !== undefined) setProcessPriority(o.priority);
  if (o.groupPriority !== undefined) setGroupPriority('self', o.groupPriority);
  const stopping = new AbortController();
  let linger = o.lingerSec;
  let idle: NodeJS.Timeout | undefined;
  let queue = Promise.resolve();
  const close = (): void => {
    if (idle) clearTimeout(idle);
    server.close();
  };
  const arm = (): void => {
    if (idle) clearTimeout(idle);
    if (linger <= 0) return close();
    idle = setTimeout(close, linger * 1000);
    idle.unref();
  };
  const job = async (sock: Socket): Promise<void> => {
    if (idle) clearTimeout(idle);
    sock.resume();
    try {
      await serve({
        ...o.serve,
        stdin: sock,
        signal: stopping.signal,
        out: (line) => void (sock.writable && sock.write(line)),
        onEnvelope: (env) => void (linger = env.linger ?? 0),
      });
    } catch {
      // the job reported what it could; the resident carries on
    } finally {
      sock.end();
    }
    if (!stopping.signal.aborted) arm();
  };
  server.on('connection', (sock: Socket) => {
    sock.on('error', () => undefined);
    queue = queue.then(() => job(sock));
  });
  const stop = (): void => {
    stopping.abort();
    close();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  arm();
  await new Promise<void>((resolve) => server.once('close', resolve));
  await queue;
  return 0;
}

/** `halite-agent resident …` */
export async function residentCommand(argv: string[]): Promise<number> {
  const split = argv.indexOf('--');
  const own = split < 0 ? argv : argv.slice(0, split);
  const rest = split < 0 ? [] : argv.slice(split + 1);
  const { values: v } = parseArgs({
    args: own,
    strict: true,
    options: {
      socket: { type: 'string' },
      linger: { type: 'string' },
      priority: { type: 'string' },
      'group-priority': { type: 'string' },
    },
  });
  const lingerSec = Number(v.linger ?? 0);
  const nice = (x: string | undefined): number | undefined | null => {
    if (x === undefined) return undefined;
    const n = Number(x);
    return Number.isInteger(n) && n >= -20 && n <= 19 ? n : null;
  };
  const priority = nice(v.priority);
  const groupPriority = nice(v['group-priority']);
  if (!v.socket || !Number.isFinite(lingerSec) || lingerSec < 0 || priority === null || groupPriority === null) {
    process.stderr.write(
      'usage: halite-agent resident --socket PATH --linger SEC [--priority -20..19] [--group-priority -20..19] [-- SERVE-OPTIONS]\n',
    );
    return 64;
  }
  return runResident({
    socket: v.socket,
    lingerSec,
    serve: serveOptionsFrom(rest),
    ...(priority !== undefined ? { priority } : {}),
    ...(groupPriority !== undefined ? { groupPriority } : {}),
  });
}
