// One measured run of a tool: wall time, the master's CPU time and peak memory (the tool's
// cgroup, daemons included), and the fleet's CPU time (fleet-cpu.ts).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createGroup, emptyGroup, type MeasuredGroup } from './cgroup.ts';
import { namespacesCpuSec, settledCpuSec } from './fleet-cpu.ts';

export interface Sample {
  wallSec: number;
  masterCpuSec: number;
  fleetCpuSec: number;
  /** Master peak memory in MB (undefined where the kernel does not report it). */
  masterPeakMb?: number;
  exitCode: number;
  output: string;
  /** The machine's 1-minute load average when the run started. */
  load1: number;
}

export interface RunSpec {
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** PID namespaces of the fleet hosts. */
  namespaces: Set<string>;
  /** The tool's cgroup (toolGroup()), shared by its runs on one fleet; default: one just for this run. */
  group?: MeasuredGroup;
}

let groups = 0;

/** A cgroup for one tool's runs; release it with releaseGroup() once the tool is done. */
export function toolGroup(): MeasuredGroup | undefined {
  return createGroup(`halite-bench-${process.pid}-${groups++}`);
}

/**
 * Ends what is left in the group (the daemons a tool leaves, so the next fleet starts without them)
 * and removes it.
 */
export async function releaseGroup(group: MeasuredGroup | undefined): Promise<void> {
  if (!group) return;
  for (const pid of group.pids()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
  for (let i = 0; i < 20 && group.pids().length; i++) await new Promise((r) => setTimeout(r, 100));
  emptyGroup(group);
  try {
    group.remove();
  } catch {
    // a process still on its way out; the empty group is harmless
  }
}

/** Runs argv to completion inside the tool's cgroup (or a fresh one). */
export async function measure(spec: RunSpec): Promise<Sample> {
  const own = !spec.group;
  const group = spec.group ?? toolGroup();
  group?.resetPeak();
  const cpuBefore = group?.usage().cpuSec ?? 0;
  // The wrapper joins the cgroup before exec'ing the command, so nothing it starts escapes.
  const join = group ? group.procs.map((p) => `echo $$ > '${p}'`).join(' && ') : 'true';
  const load1 = loadavg()[0];
  const selfBefore = cutimeSec();
  const fleetBefore = namespacesCpuSec(spec.namespaces);
  const started = process.hrtime.bigint();
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `${join} && exec "$@"`, 'sh', ...spec.argv], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('close', (c) => resolve({ code: c ?? 1, output: Buffer.concat(chunks).toString('utf8') }));
  });
  const wallSec = Number(process.hrtime.bigint() - started) / 1e9;
  // what the run left running on the fleet is its CPU too, and must not slow the next run
  const fleetCpuSec = (await settledCpuSec(spec.namespaces)) - fleetBefore;
  let masterCpuSec = cutimeSec() - selfBefore;
  let masterPeakMb: number | undefined;
  if (group) {
    const u = group.usage();
    masterCpuSec = u.cpuSec - cpuBefore;
    if (u.peakBytes) masterPeakMb = u.peakBytes / 1024 / 1024;
    if (own) await releaseGroup(group);
  }
  return {
    wallSec,
    masterCpuSec,
    fleetCpuSec,
    ...(masterPeakMb !== undefined ? { masterPeakMb } : {}),
    exitCode: code,
    output,
    load1,
  };
}

/** CPU seconds of this process's reaped children (the fallback without cgroups). */
function cutimeSec(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}
