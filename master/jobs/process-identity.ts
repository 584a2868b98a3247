// Who runs a job: the master's pid and its start time (field 22 of /proc/<pid>/stat, in clock
// ticks since boot, with the boot id), so that a pid reused by another process after a crash or
// a reboot is not mistaken for the master that started the job.
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** `<boot id>:<start ticks>`; empty where /proc cannot tell (then the pid alone is checked). */
  start: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The start time of `pid` as `<boot id>:<ticks>`, or undefined when no such process runs. */
export function processStart(pid: number, proc = '/proc'): string | undefined {
  const stat = read(`${proc}/${pid}/stat`);
  if (stat === undefined) return undefined;
  // the command name (field 2) is in parentheses and may hold spaces and parentheses itself
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // a zombie has ended: only its exit status waits to be collected
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  const ticks = fields[22 - 3];
  const boot = (read(`${proc}/sys/kernel/random/boot_id`) ?? '').trim();
  return ticks ? `${boot}:${ticks}` : '';
}

/** This process's identity. */
export function currentProcess(proc = '/proc'): ProcessIdentity {
  return { pid: process.pid, start: processStart(process.pid, proc) ?? '' };
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process `id` names still runs (the same pid with the same start time). */
export function processAlive(id: ProcessIdentity, proc = '/proc'): boolean {
  if (!Number.isInteger(id.pid) || id.pid <= 0) return false;
  if (!id.start) return pidExists(id.pid);
  const now = processStart(id.pid, proc);
  return now !== undefined && now === id.start;
}
