// A cgroup for one tool's measured commands: CPU time and peak memory of each command and
// everything it starts, daemons included. The daemons a command leaves (Ansible's ControlPersist
// masters, halite's connection keeper) stay in the group, so the work they do for the next
// commands is counted with those. cgroup v2 when mounted, else v1's cpuacct and memory controllers.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmdirSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

export interface Usage {
  /** CPU seconds (user + system). */
  cpuSec: number;
  /** Peak memory in bytes, when the kernel tells it. */
  peakBytes?: number;
}

export interface MeasuredGroup {
  /** Paths whose `cgroup.procs` a process must join (written by the wrapper). */
  procs: string[];
  usage(): Usage;
  /** Starts the peak memory over from the current use (for the next command). */
  resetPeak(): void;
  /** Processes in the group now. */
  pids(): number[];
  remove(): void;
}

const isV2 = (): boolean => existsSync(join(ROOT, 'cgroup.controllers'));

function readNumber(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

function readPids(procs: string): number[] {
  try {
    return readFileSync(procs, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Creates a fresh cgroup named `name`; undefined when this machine does not let us. */
export function createGroup(name: string): MeasuredGroup | undefined {
  try {
    if (isV2()) {
      const dir = join(ROOT, name);
      mkdirSync(dir, { recursive: true });
      // memory.peak is reset per open file: a reset counts only for reads through the same descriptor
      let peakFd: number | undefined;
      const readPeak = (): number | undefined => {
        if (peakFd === undefined) return readNumber(join(dir, 'memory.peak'));
        const buf = Buffer.alloc(64);
        const n = readSync(peakFd, buf, 0, buf.length, 0);
        const v = Number(buf.subarray(0, n).toString('utf8').trim());
        return Number.isFinite(v) ? v : undefined;
      };
      return {
        procs: [join(dir, 'cgroup.procs')],
        pids: () => readPids(join(dir, 'cgroup.procs')),
        usage: () => {
          const stat = readFileSync(join(dir, 'cpu.stat'), 'utf8');
          const usec = Number(/usage_usec (\d+)/.exec(stat)?.[1] ?? 0);
          return { cpuSec: usec / 1e6, peakBytes: readPeak() };
        },
        resetPeak: () => {
          try {
            peakFd ??= openSync(join(dir, 'memory.peak'), 'r+');
            writeSync(peakFd, 'reset\n');
          } catch {
            // kernels before 6.12 cannot reset it: the peak is then the group's since it was made
          }
        },
        remove: () => {
          if (peakFd !== undefined) closeSync(peakFd);
          rmdirSync(dir);
        },
      };
    }
    const cpu = join(ROOT, 'cpuacct', name);
    const mem = join(ROOT, 'memory', name);
    mkdirSync(cpu, { recursive: true });
    mkdirSync(mem, { recursive: true });
    writeFileSync(join(mem, 'memory.max_usage_in_bytes'), '0');
    return {
      procs: [join(cpu, 'cgroup.procs'), join(mem, 'cgroup.procs')],
      pids: () => readPids(join(cpu, 'cgroup.procs')),
      usage: () => ({
        cpuSec: (readNumber(join(cpu, 'cpuacct.usage')) ?? 0) / 1e9,
        peakBytes: readNumber(join(mem, 'memory.max_usage_in_bytes')),
      }),
      resetPeak: () => writeFileSync(join(mem, 'memory.max_usage_in_bytes'), '0'),
      remove: () => {
        rmdirSync(cpu);
        rmdirSync(mem);
      },
    };
  } catch {
    return undefined;
  }
}

/** Moves every process still in the group to the root group (so the group can be removed). */
export function emptyGroup(group: MeasuredGroup): void {
  for (const procs of group.procs) {
    const root = join(procs, '..', '..', 'cgroup.procs');
    for (const pid of readFileSync(procs, 'utf8').split('\n').filter(Boolean)) {
      try {
        writeFileSync(root, pid);
      } catch {
        // gone meanwhile
      }
    }
  }
}
