// The daemon rows: a workload's no-op highstate through a running `halite serve` (the command a thin
// client handing it its command line), beside the same no-op run by the command in its own process
// and by Ansible, on one converged fleet, each run's load average noted.
//
//   npm run bench -- --daemon --hosts 8,16      # memcached; the section is written into bench/results.md
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fleet } from '../test/fleet/index.ts';
import type { MeasuredGroup } from './cgroup.ts';
import { releaseGroup, toolGroup, type Sample } from './measure.ts';
import { summarize, type Summary } from './stats.ts';
import { freshFleet, log, quiet, timed } from './steps.ts';
import { ansibleRun, haliteRun, type ToolRun } from './tools.ts';
import type { Workload } from './workloads.ts';

export interface DaemonRow {
  workload: string;
  hosts: number;
  /** `halite highstate` handing the job to the running daemon. */
  daemon: Summary;
  /** The same command run in its own process (`--no-daemon`), its connections kept by the keeper. */
  alone: Summary;
  ansible?: Summary;
}

export interface DaemonOptions {
  fleet: string;
  runs: number;
  ansible: boolean;
}

/** The halite command with a global flag before its arguments. */
const withFlag = (tool: ToolRun, flag: string): ToolRun => ({
  ...tool,
  argv: [...tool.argv.slice(0, 2), flag, ...tool.argv.slice(2)],
});

/**
 * `halite serve` for the tool's configuration, in the tool's cgroup (its CPU is the master's);
 * resolves once it takes jobs.
 */
async function startDaemon(tool: ToolRun, group: MeasuredGroup | undefined): Promise<ChildProcess> {
  const config = tool.argv[tool.argv.indexOf('--config') + 1];
  const join = group ? group.procs.map((p) => `echo $$ > '${p}'`).join(' && ') : 'true';
  const child = spawn(
    '/bin/sh',
    ['-c', `${join} && exec "$@"`, 'sh', tool.argv[0], tool.argv[1], '--config', config, 'serve', '--port', '0'],
    { env: tool.env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let said = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (b: Buffer) => {
      said += b.toString();
      if (said.includes('taking command-line jobs on ') && said.includes('listening on ')) resolve();
    });
    child.once('close', () => reject(new Error(`halite serve ended:\n${said}`)));
  });
  return child;
}

async function stopDaemon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((r) => child.once('close', r));
  child.kill('SIGTERM');
  await closed;
}

/**
 * `runs` no-op runs of each tool, taken in turns (one of each, then again), so that what warms up
 * on the fleet as runs go by (the resident agents' code) favours neither.
 */
async function noops(
  tools: readonly { tool: ToolRun; what: string }[],
  fleet: Fleet,
  runs: number,
  group: MeasuredGroup | undefined,
): Promise<Summary[]> {
  const samples: Sample[][] = tools.map(() => []);
  for (let i = 0; i < runs; i++)
    for (const [k, { tool, what }] of tools.entries())
      samples[k]!.push(await timed(tool, fleet, `no-op ${i + 1}/${runs} ${what}`, true, group));
  return samples.map(summarize);
}

/**
 * One fleet of `n` hosts converged by halite (untimed), then the no-op runs: through the daemon
 * (after one untimed run that opens its connections) and by the command alone, in turns; then
 * Ansible's (after one untimed run of its own on the same converged hosts, which opens its
 * ControlPersist masters).
 */
export async function daemonRow(o: DaemonOptions, w: Workload, n: number): Promise<DaemonRow> {
  log(`${w.name} through the daemon, ${n} hosts`);
  const dir = mkdtempSync(join(tmpdir(), `halite-bench-daemon-${n}-`));
  try {
    const fleet = await freshFleet(o, n);
    const halite = haliteRun(fleet, w, join(dir, 'halite'));
    const group = toolGroup();
    let row: DaemonRow;
    try {
      await timed(withFlag(halite, '--no-daemon'), fleet, 'first converge (setup)', false, group);
      const daemon = await startDaemon(halite, group);
      try {
        const through = withFlag(halite, '--daemon');
        await timed(through, fleet, 'first run through the daemon (opens its connections)', true, group);
        await quiet(fleet);
        const [daemonRuns, aloneRuns] = await noops(
          [
            { tool: through, what: 'through the daemon' },
            { tool: withFlag(halite, '--no-daemon'), what: 'by the command alone' },
          ],
          fleet,
          o.runs,
          group,
        );
        row = { workload: w.name, hosts: n, daemon: daemonRuns!, alone: aloneRuns! };
      } finally {
        await stopDaemon(daemon);
      }
    } finally {
      await releaseGroup(group);
    }
    if (o.ansible) {
      const ansible = ansibleRun(fleet, w, join(dir, 'ansible'));
      const ag = toolGroup();
      try {
        await timed(ansible, fleet, 'first run on the converged hosts (setup)', true, ag);
        await quiet(fleet);
        [row.ansible] = await noops([{ tool: ansible, what: '' }], fleet, o.runs, ag);
      } finally {
        await releaseGroup(ag);
      }
    }
    return row;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
