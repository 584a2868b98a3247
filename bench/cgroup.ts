// A cgroup for one measured command: CPU time and peak memory of the command and everything it
// starts, daemons included (Ansible's ControlPersist masters outlive the command but stay in its
// cgroup). cgroup v2 when mounted, else v1's cpuacct and memory controllers.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
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

/** Creates a fresh cgroup named `name`; undefined when this machine does not let us. */
export function createGroup(name: string): MeasuredGroup | undefined {
  try {
    if (isV2()) {
      const dir = join(ROOT, name);
      mkdirSync(dir, { recursive: true });
      return {
        procs: [join(dir, 'cgroup.procs')],
        usage: () => {
          const stat = readFileSync(join(dir, 'cpu.stat'), 'utf8');
          const usec = Number(/usage_usec (\d+)/.exec(stat)?.[1] ?? 0);
          return { cpuSec: usec / 1e6, peakBytes: readNumber(join(dir, 'memory.peak')) };
        },
        remove: () => rmdirSync(dir),
      };
    }
    const cpu = join(ROOT, 'cpuacct', name);
    const mem = join(ROOT, 'memory', name);
    mkdirSync(cpu, { recursive: true });
    mkdirSync(mem, { recursive: true });
    writeFileSync(join(mem, 'memory.max_usage_in_bytes'), '0');
    return {
      procs: [join(cpu, 'cgroup.procs'), join(mem, 'cgroup.procs')],
      usage: () => ({ cpuSec: (readNumber(join(cpu, 'cpuacct.usage')) ?? 0) / 1e9, peakBytes: readNumber(join(mem, 'memory.max_usage_in_bytes')) }),
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
