// One measured run of a tool: wall time, the master's CPU time and peak memory (the command's
// cgroup), and the fleet's CPU time (fleet-cpu.ts).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createGroup, emptyGroup } from './cgroup.ts';
import { namespacesCpuSec } from './fleet-cpu.ts';

export interface Sample {
  wallSec: number;
  masterCpuSec: number;
  fleetCpuSec: number;
  /** Master peak memory in MB (undefined where the kernel does not report it). */
  masterPeakMb?: number;
  exitCode: number;
  output: string;
}

export interface RunSpec {
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** PID namespaces of the fleet hosts. */
  namespaces: Set<string>;
}

let groups = 0;

/** Runs argv to completion inside a fresh cgroup. */
export async function measure(spec: RunSpec): Promise<Sample> {
  const group = createGroup(`halite-bench-${process.pid}-${groups++}`);
  // The wrapper joins the cgroup before exec'ing the command, so nothing it starts escapes.
  const join = group ? group.procs.map((p) => `echo $$ > '${p}'`).join(' && ') : 'true';
  const selfBefore = cutimeSec();
  const fleetBefore = namespacesCpuSec(spec.namespaces);
  const started = process.hrtime.bigint();
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `${join} && exec "$@"`, 'sh', ...spec.argv], {
      cwd: spec.cwd, env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('close', (c) => resolve({ code: c ?? 1, output: Buffer.concat(chunks).toString('utf8') }));
  });
  const wallSec = Number(process.hrtime.bigint() - started) / 1e9;
  const fleetCpuSec = namespacesCpuSec(spec.namespaces) - fleetBefore;
  let masterCpuSec = cutimeSec() - selfBefore;
  let masterPeakMb: number | undefined;
  if (group) {
    const u = group.usage();
    masterCpuSec = u.cpuSec;
    if (u.peakBytes) masterPeakMb = u.peakBytes / 1024 / 1024;
    emptyGroup(group);
    try {
      group.remove();
    } catch {
      // a process still on its way out; the empty group is harmless
    }
  }
  return { wallSec, masterCpuSec, fleetCpuSec, ...(masterPeakMb !== undefined ? { masterPeakMb } : {}), exitCode: code, output };
}

/** CPU seconds of this process's reaped children (the fallback without cgroups). */
function cutimeSec(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}
