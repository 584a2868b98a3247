// Where a resident agent listens, and leaving one behind after a job. A resident agent is the same
// bundle, started detached from the SSH session, listening on a unix socket under /run/halite that
// only root can reach; the master reaches it through its SSH connection (a streamlocal channel), so
// the next job needs no exec and no Node start. The socket's name says which bundle listens and
// with which serve options, so a new agent version or other options never reach an old process.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { getPriority } from 'node:os';
import { RUNTIME_DIR } from './runtime-dir.ts';
import { CODE_CACHE_LOADER, writeCodeCacheNow } from './code-cache.ts';
import { BACKGROUND_NICE, canRestorePriority, groupPriority, lowered, setGroupPriority } from './priority.ts';

export const RESIDENT_DIR = RUNTIME_DIR;

/** The socket of the resident agent `agent` (bundle name) started with `serveArgs`. */
export function residentSocketPath(agent: string, serveArgs: readonly string[], dir = RESIDENT_DIR): string {
  const args = createHash('sha256').update(JSON.stringify(serveArgs)).digest('hex').slice(0, 12);
  const name = agent.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
  return `${dir}/${name}-${args}.sock`;
}

/** Whether something accepts connections on `path`. */
export function socketAlive(path: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (alive: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(alive);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Starts a resident agent for `lingerSec` seconds unless one already listens: this bundle
 * (process.argv[1]) again, through the code-cache loader, in its own session with no terminal.
 * The code cache is written first, so the resident agent does not compile the bundle afresh. It
 * starts at the lowest priority (when run as root) and takes this process's priority back once it
 * listens: starting it is never in the way of the jobs other agents are running.
 */
export async function leaveResident(agent: string, serveArgs: readonly string[], lingerSec: number): Promise<boolean> {
  const bundle = process.argv[1];
  if (!bundle) return false;
  const socket = residentSocketPath(agent, serveArgs);
  if (await socketAlive(socket)) return false;
  writeCodeCacheNow();
  const group = groupPriority();
  const own = [
    'resident',
    '--socket',
    socket,
    '--linger',
    String(lingerSec),
    '--priority',
    String(getPriority()),
    ...(group !== undefined ? ['--group-priority', String(group)] : []),
  ];
  lowered(BACKGROUND_NICE, () => {
    const child = spawn(process.execPath, ['-e', CODE_CACHE_LOADER, bundle, ...own, '--', ...serveArgs], {
      detached: true,
      stdio: 'ignore',
      cwd: '/',
    });
    // its own session is its own scheduling group: lower the group too (the child is past exec,
    // still starting Node, when spawn returns)
    if (group !== undefined && child.pid !== undefined && canRestorePriority())
      setGroupPriority(child.pid, BACKGROUND_NICE);
    child.unref();
  });
  return true;
}
