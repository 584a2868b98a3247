// Process state read from /proc. A process that has exited but not been reaped (a zombie, as an
// `unshare` whose parent is gone often is) is dead for every purpose here, so liveness is decided
// by the state field, never by the mere existence of /proc/<pid>.
import { readFileSync, readdirSync, statSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z, T, X… */
  state: string;
  ppid: number;
  /** Start time in clock ticks since boot: with the pid, identifies a process across pid reuse. */
  startTime: number;
}

/** Parses /proc/<pid>/stat. The command name may contain spaces and parentheses. */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`malformed /proc stat line: ${text.slice(0, 80)}`);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); starttime is field 22.
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0],
    ppid: Number(rest[1]),
    startTime: Number(rest[19]),
  };
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True while the process exists, is not a zombie and (when given) started at `startTime`. */
export function isRunning(pid: number, startTime?: number): boolean {
  const st = readProcStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return false;
  return startTime === undefined || st.startTime === startTime;
}

export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    const out: number[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      if (readProcStat(Number(name))?.ppid === pid) out.push(Number(name));
    }
    return out;
  }
}

export function killIfRunning(pid: number, startTime: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  if (!isRunning(pid, startTime)) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Waits until none of the processes is running; returns those still running at the deadline. */
export async function waitGone(
  procs: ReadonlyArray<{ pid: number; startTime?: number }>,
  timeoutMs: number,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = procs.filter((p) => isRunning(p.pid, p.startTime)).map((p) => p.pid);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Processes whose network namespace is the one bound at `nsPath` (e.g. /run/netns/NAME). */
export function pidsInNetns(nsPath: string): number[] {
  let target: { dev: number; ino: number };
  try {
    target = statSync(nsPath);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const st = statSync(`/proc/${name}/ns/net`);
      if (st.ino === target.ino && st.dev === target.dev) out.push(Number(name));
    } catch {
      // exited, or a kernel thread
    }
  }
  return out;
}
