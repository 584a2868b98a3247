// Starts a host: `nsenter` into its network namespace, `unshare` fresh mount, pid, uts and ipc
// namespaces, and run boot.sh there as PID 1; boot.sh ends by becoming the host's /sbin/init.
// The process tree on the master is: unshare (pid) → init (initPid, PID 1 inside the host).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { REPO_MOUNT } from './base.ts';
import { FleetError } from './errors.ts';
import { netnsPath } from './network.ts';
import type { OverlayDirs } from './overlay.ts';
import type { HostPlan } from './plan.ts';
import { childrenOf, isRunning, readProcStat } from './proc.ts';

const BOOT_SCRIPT = new URL('./boot.sh', import.meta.url).pathname;
const MASTER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface HostProcess {
  /** The `unshare` process on the master. */
  pid: number;
  startTime: number;
  /** The host's init (PID 1 in its pid namespace), as the master sees it. */
  initPid: number;
  initStartTime: number;
}

export interface BootRequest {
  host: HostPlan;
  dirs: OverlayDirs;
  repo: string;
  consoleLog: string;
  timeoutMs?: number;
}

/** TCP ports in LISTEN state in a /proc/<pid>/net/tcp or tcp6 table. */
export function listeningPorts(table: string): Set<number> {
  const ports = new Set<number>();
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 3 && f[3] === '0A') ports.add(parseInt(f[1].split(':')[1], 16));
  }
  return ports;
}

function consoleTail(path: string): string {
  try {
    return `console log ${path}:\n${readFileSync(path, 'utf8').trimEnd().split('\n').slice(-20).join('\n')}`;
  } catch {
    return '';
  }
}

export function bootArgv(r: BootRequest): string[] {
  return [
    'nsenter',
    `--net=${netnsPath(r.host.netns)}`,
    '--',
    'unshare',
    '--mount',
    '--pid',
    '--uts',
    '--ipc',
    '--fork',
    '--kill-child',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    BOOT_SCRIPT,
    r.host.id,
    r.dirs.lower,
    r.dirs.upper,
    r.dirs.work,
    r.dirs.root,
    r.repo,
    REPO_MOUNT,
  ];
}

/** Starts the host and waits until its sshd listens. */
export async function bootHost(r: BootRequest): Promise<HostProcess> {
  const argv = bootArgv(r);
  const fd = openSync(r.consoleLog, 'a');
  const child = spawn(argv[0], argv.slice(1), {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { PATH: MASTER_PATH },
  });
  closeSync(fd);
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = signal ? `killed by ${signal}` : `exit code ${code}`));
  child.on('error', (e) => (exited = e.message));
  child.unref();
  const fail = (message: string): never => {
    throw new FleetError(message, { step: 'boot', host: r.host.id, command: argv, detail: consoleTail(r.consoleLog) });
  };
  const deadline = Date.now() + (r.timeoutMs ?? 60_000);
  const pid = child.pid ?? fail(`could not start: ${exited}`);
  const startTime = readProcStat(pid)?.startTime ?? fail(`exited at once (${exited ?? 'no status'})`);
  let init: number | undefined;
  for (;;) {
    if (exited) fail(`boot failed (${exited})`);
    init ??= childrenOf(pid)[0];
    if (init !== undefined) {
      if (!isRunning(init)) fail(`init exited during boot${exited ? ` (${exited})` : ''}`);
      if (sshListening(init)) break;
    }
    if (Date.now() > deadline) fail('sshd did not start listening in time');
    await new Promise((res) => setTimeout(res, 25));
  }
  const initStartTime = readProcStat(init)?.startTime ?? fail('init vanished');
  return { pid, startTime, initPid: init, initStartTime };
}

function sshListening(initPid: number): boolean {
  for (const table of ['tcp', 'tcp6']) {
    try {
      if (listeningPorts(readFileSync(`/proc/${initPid}/net/${table}`, 'utf8')).has(22)) return true;
    } catch {
      // not readable yet
    }
  }
  return false;
}
