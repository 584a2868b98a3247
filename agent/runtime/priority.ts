// Scheduling priority (nice values) for work that should only use spare CPU. A resident agent is
// started in the background at the lowest priority, so that starting it never slows the packages
// and services other jobs are converging on the same CPUs, and takes its normal priority back once
// it is ready for jobs. Only root can give a priority back, so only root starts anything lowered.
//
// With the kernel's autogroup scheduling on, every session is one group that gets its fair share of
// the CPUs whatever its processes' nice values; nice only orders a group's own processes. A process
// started in a session of its own is lowered by its group's nice value (/proc/PID/autogroup) too.
import { getPriority, setPriority } from 'node:os';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** The lowest priority: runs only on CPU time nothing else wants. */
export const BACKGROUND_NICE = 19;

/** Whether this process may lower a nice value again (raising one needs no privilege). */
export function canRestorePriority(): boolean {
  return typeof process.geteuid === 'function' && process.geteuid() === 0;
}

/**
 * Runs `fn` (which starts child processes) with this thread at `nice`, so what it starts inherits
 * it; the thread's own priority is restored after. Returns the priority the thread had, or
 * undefined when nothing was lowered (not root, or already at least that low).
 */
export function lowered<T>(nice: number, fn: () => T): { result: T; previous: number | undefined } {
  let previous: number | undefined;
  try {
    const now = getPriority();
    if (canRestorePriority() && now < nice) {
      setPriority(nice);
      previous = now;
    }
  } catch {
    previous = undefined;
  }
  try {
    return { result: fn(), previous };
  } finally {
    if (previous !== undefined) {
      try {
        setPriority(previous);
      } catch {
        // the process that asked is about to end; its children have what they need
      }
    }
  }
}

/** Sets every thread of this process to `nice` (a priority applies per thread on Linux). */
export function setProcessPriority(nice: number): boolean {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    tids = [String(process.pid)];
  }
  let ok = true;
  for (const tid of tids) {
    try {
      setPriority(Number(tid), nice);
    } catch {
      ok = false;
    }
  }
  return ok;
}

/** The nice value of the scheduling group (autogroup) of `pid`; undefined without autogroups. */
export function groupPriority(pid: number | 'self' = 'self'): number | undefined {
  try {
    const m = /\bnice\s+(-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Sets the nice value of the scheduling group of `pid`; false where that cannot be done. */
export function setGroupPriority(pid: number | 'self', nice: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
    return true;
  } catch {
    return false;
  }
}
