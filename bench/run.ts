// The benchmark: halite and Ansible on the same namespace fleet, in the same run, on the same
// workloads; equivalence checked after each pair; medians, ratios and a markdown results table.
//
//   npm run bench                     # full run (hosts 4,8,16; 3 first converges, 5 no-op runs; scaling 8..128)
//   npm run bench:smoke               # 2 hosts, 1 run, no scaling, results in a temporary file
//   node --import tsx bench/run.ts --hosts 8 --runs 3 --workloads base --scale '' --out /tmp/r.md
//   npm run bench -- --daemon --hosts 8,16     # no-op through a running daemon, beside the command alone and Ansible
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import pLimit from 'p-limit';
import { ensureBundle } from '../bin/fresh-bundle.js';
import { up, type Fleet } from '../test/fleet/index.ts';
import { differences, fleetFingerprint } from './fingerprint.ts';
import { packageFloor, type FloorSample, type FloorSummary } from './floor.ts';
import { releaseGroup, toolGroup, type Sample } from './measure.ts';
import { freshFleet, hostSpecs, log, quiet, timed } from './steps.ts';
import { consoleRow, markdown, type PairRow, type Results, type ScaleRow } from './report.ts';
import { median, summarize } from './stats.ts';
import { ansibleRun, ensureAnsible, haliteRun, type ToolRun } from './tools.ts';
import { WORKLOADS, type Workload } from './workloads.ts';
import { type DaemonOptions, type DaemonRow, daemonRow } from './daemon.ts';
import { daemonSection, spliceSection } from './daemon-report.ts';

interface Options {
  hosts: number[];
  runs: number;
  /** First converges per tool and size, each on a fresh fleet (medians). */
  firstRuns: number;
  workloads: Workload[];
  scale: number[];
  out: string;
  ansible: boolean;
  fleet: string;
}

const numbers = (v: string): number[] =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const n = Number(x);
      if (!Number.isInteger(n) || n < 1) throw new Error(`not a host count: ${x}`);
      return n;
    });

/**
 * The scaling series measures no-op runs only, so its hosts get the workload's packages the
 * cheapest way first (apt-get, no recommended packages, a few hosts at a time) instead of through
 * a full first converge of every host; the highstate that follows converges the rest.
 */
async function preinstall(fleet: Fleet, packages: string[]): Promise<void> {
  if (!packages.length) return;
  const started = Date.now();
  const limit = pLimit(4);
  const env = { DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
  await Promise.all(
    fleet.hosts.map((h) =>
      limit(() =>
        fleet.exec(h, ['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...packages], {
          env,
          timeoutMs: 600_000,
        }),
      ),
    ),
  );
  log(
    `  ${packages.join(', ')} installed on ${fleet.hosts.length} hosts in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

/** How many first converges a workload gets per tool and size (and package floors with them). */
const firstConverges = (o: Options, w: Workload): number => (w.repeatFirstConverge ? o.firstRuns : 1);

/**
 * First converges of one tool, each on a fresh fleet, then the no-op runs on the last of those
 * fleets; returns the fingerprint of that fleet too.
 */
async function oneTool(o: Options, w: Workload, n: number, make: (f: Fleet, dir: string) => ToolRun, dir: string) {
  const firsts: Sample[] = [];
  const count = firstConverges(o, w);
  for (let k = 1; ; k++) {
    const fleet = await freshFleet(o, n);
    // every fleet starts from a fresh tool state too: no kept connections, no job history
    const toolDir = join(dir, `run${k}`);
    const tool = make(fleet, toolDir);
    const group = toolGroup();
    try {
      firsts.push(await timed(tool, fleet, `first converge ${k}/${count}`, false, group));
      if (k < count) continue;
      await quiet(fleet);
      const print = await fleetFingerprint(fleet, w);
      const noops: Sample[] = [];
      for (let i = 0; i < o.runs; i++) noops.push(await timed(tool, fleet, `no-op ${i + 1}/${o.runs}`, true, group));
      return { firsts, noops, print };
    } finally {
      await releaseGroup(group);
    }
  }
}

/** The workload's packages alone on fresh fleets, as often as its first converge runs. */
async function floor(o: Options, w: Workload, n: number): Promise<FloorSummary> {
  const samples: FloorSample[] = [];
  const count = firstConverges(o, w);
  for (let k = 1; k <= count; k++) {
    const fleet = await freshFleet(o, n);
    const sample = await packageFloor(fleet, w.check.packages);
    log(
      `  packages alone ${k}/${count}: ${sample.wallSec.toFixed(2)} s wall, fleet ${sample.fleetCpuSec.toFixed(2)} s CPU`,
    );
    samples.push(sample);
  }
  return {
    runs: samples.length,
    wallSec: median(samples.map((x) => x.wallSec)),
    fleetCpuSec: median(samples.map((x) => x.fleetCpuSec)),
  };
}

async function pair(o: Options, w: Workload, n: number): Promise<PairRow[]> {
  log(`${w.name}, ${n} hosts`);
  const dir = mkdtempSync(join(tmpdir(), `halite-bench-${w.name}-${n}-`));
  try {
    const h = await oneTool(o, w, n, (f, d) => haliteRun(f, w, join(d, 'halite')), dir);
    const rows: PairRow[] = [
      {
        workload: w.name,
        run: 'first converge',
        hosts: n,
        halite: summarize(h.firsts),
        fingerprints: { halite: h.print },
      },
      { workload: w.name, run: 'no-op', hosts: n, halite: summarize(h.noops) },
    ];
    if (w.check.packages.length) rows[0].floor = await floor(o, w, n);
    if (o.ansible) {
      const a = await oneTool(o, w, n, (f, d) => ansibleRun(f, w, join(d, 'ansible')), dir);
      const diff = differences(h.print, a.print, ['halite', 'ansible']);
      if (diff.length)
        throw new Error(`${w.name}: the hosts differ after halite and after Ansible:\n${diff.join('\n')}`);
      log(
        `  equivalent: ${Object.keys(h.print).length} hosts agree on ${h.print[Object.keys(h.print)[0]].trim().split('\n').length} checked facts each`,
      );
      rows[0].ansible = summarize(a.firsts);
      rows[0].fingerprints = { halite: h.print, ansible: a.print };
      rows[1].ansible = summarize(a.noops);
    }
    for (const r of rows) log(consoleRow(r));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function scale(o: Options, n: number): Promise<ScaleRow> {
  log(`halite scaling, base workload, ${n} hosts`);
  const dir = mkdtempSync(join(tmpdir(), `halite-bench-scale-${n}-`));
  try {
    const fleet = await freshFleet(o, n);
    await preinstall(fleet, WORKLOADS.base.check.packages);
    const tool = haliteRun(fleet, WORKLOADS.base, dir);
    const group = toolGroup();
    try {
      await timed(tool, fleet, 'first converge', false, group);
      await quiet(fleet);
      const noops: Sample[] = [];
      for (let i = 0; i < o.runs; i++) noops.push(await timed(tool, fleet, `no-op ${i + 1}/${o.runs}`, true, group));
      return { hosts: n, halite: summarize(noops) };
    } finally {
      await releaseGroup(group);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function firstConvergeSetting(o: Options): string {
  const names = (repeat: boolean) =>
    o.workloads
      .filter((w) => w.repeatFirstConverge === repeat)
      .map((w) => w.name)
      .join(', ');
  const parts: string[] = [];
  if (names(true)) parts.push(`${names(true)}: ${o.firstRuns} per tool and size, each on a fresh fleet (medians)`);
  if (names(false)) parts.push(`${names(false)}: one, the setup of its no-op rows`);
  return `first converges: ${parts.join('; ')}`;
}

export async function runBench(o: Options): Promise<Results> {
  const started = new Date();
  // the commands timed below start from the bundle, built now rather than by the first of them
  await ensureBundle({ force: true });
  const versions: Record<string, string> = { halite: haliteVersion(), 'master Node.js': process.version };
  if (o.ansible) versions.Ansible = ensureAnsible(log);
  const pairs: PairRow[] = [];
  const scaling: ScaleRow[] = [];
  let fleet: Fleet | undefined;
  try {
    for (const w of o.workloads) for (const n of o.hosts) pairs.push(...(await pair(o, w, n)));
    for (const n of o.scale) scaling.push(await scale(o, n));
    fleet = await up({ name: o.fleet, replace: true, hosts: hostSpecs(1) });
    versions['VM Node.js'] = (await fleet.exec('bench1', ['node', '--version'])).stdout.trim();
  } finally {
    if (fleet) await fleet.down();
    else
      await up({ name: o.fleet, replace: true, hosts: hostSpecs(1) })
        .then((f) => f.down())
        .catch(() => undefined);
  }
  return {
    date: started.toISOString().slice(0, 10),
    versions,
    settings: [
      'halite: the bundled master (`npm run build`), `highstate --level bench`, concurrency = max(8, N), agents stay resident between jobs (`agent_linger` 600 s, the default), SSH connections kept between commands by the connection keeper (`ssh.persist` 60 s, the default)',
      `Ansible: ansible-playbook, forks = N, gathering = explicit (no facts), pipelining = True, ControlMaster=auto ControlPersist=60s through the same ssh configuration (ProxyJump via the jump host), service module told the init system (use: sysvinit) so it skips detection`,
      firstConvergeSetting(o),
      "packages alone: the first converge's packages installed on every host of a fresh fleet at once by the apt-get command halite runs, with no tool around it (as many times as that first converge); both tools do this work, the rest of their time is their own",
      'no-op runs: on the fleet of the last first converge, once its VMs are quiet again (at most 2 minutes)',
      "scaling series: the hosts get the workload's packages by apt-get (no recommended packages) before a first highstate, which is not timed; then the no-op runs",
      "equivalence: after each tool, every host's managed paths (type, mode, owner, content), packages, services, accounts and cron entries are compared; the run stops if they differ",
    ],
    pairs,
    scaling,
  };
}

const haliteVersion = (): string =>
  (JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string })
    .version;

function workload(name: string): Workload {
  const w = WORKLOADS[name];
  if (!w) throw new Error(`unknown workload: ${name}`);
  return w;
}

/** The daemon rows (daemon.ts) for each workload and size, written into `out` as its daemon section. */
async function daemonBench(o: DaemonOptions & { hosts: number[]; workloads: Workload[]; out: string }): Promise<void> {
  const started = new Date();
  await ensureBundle({ force: true });
  const versions: Record<string, string> = { halite: haliteVersion(), 'master Node.js': process.version };
  if (o.ansible) versions.Ansible = ensureAnsible(log);
  const rows: DaemonRow[] = [];
  try {
    for (const w of o.workloads) for (const n of o.hosts) rows.push(await daemonRow(o, w, n));
  } finally {
    await up({ name: o.fleet, replace: true, hosts: hostSpecs(1) })
      .then((f) => f.down())
      .catch(() => undefined);
  }
  const section = daemonSection(started.toISOString().slice(0, 10), versions, rows);
  process.stderr.write(`\n${section}\n`);
  const before = existsSync(o.out) ? readFileSync(o.out, 'utf8') : '';
  writeFileSync(o.out, spliceSection(before, section));
  log(`results: ${o.out}`);
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('bench')
    .option('--hosts <list>', 'fleet sizes for the side-by-side runs', '4,8,16')
    .option('--runs <n>', 'no-op runs per tool and size (medians)', '5')
    .option('--first-runs <n>', 'first converges of memcached per tool and size, each on a fresh fleet (medians)', '3')
    .option('--workloads <list>', `workloads (${Object.keys(WORKLOADS).join(', ')})`, 'memcached,base')
    .option('--scale <list>', 'fleet sizes for the halite scaling series (empty: none)', '8,32,64,128')
    .option('--out <file>', 'markdown results', fileURLToPath(new URL('./results.md', import.meta.url)))
    .option('--skip-ansible', 'halite only')
    .option('--smoke', 'quick check that the benchmark works: 2 hosts, 1 run, no scaling, results in a temporary file')
    .option('--fleet <name>', 'name of the fleet to use', 'bench')
    .option(
      '--daemon',
      'only the rows through a running daemon (hosts 8,16 and memcached unless given), written into --out in place of earlier ones',
    )
    .parse(argv, { from: 'user' });
  const v = program.opts<{
    hosts: string;
    runs: string;
    firstRuns: string;
    workloads: string;
    scale: string;
    out: string;
    skipAnsible?: boolean;
    smoke?: boolean;
    fleet: string;
    daemon?: boolean;
  }>();
  if (v.daemon) {
    const given = (name: string): boolean => program.getOptionValueSource(name) !== 'default';
    return daemonBench({
      hosts: numbers(given('hosts') ? v.hosts : '8,16'),
      workloads: (given('workloads') ? v.workloads : 'memcached').split(',').map((x) => workload(x.trim())),
      runs: Math.max(1, Number(v.runs)),
      ansible: !v.skipAnsible,
      fleet: v.fleet,
      out: v.out,
    });
  }
  const workloads = v.workloads
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map(workload);
  const o: Options = {
    hosts: v.smoke ? [2] : numbers(v.hosts),
    runs: v.smoke ? 1 : Math.max(1, Number(v.runs)),
    firstRuns: v.smoke ? 1 : Math.max(1, Number(v.firstRuns)),
    workloads,
    scale: v.smoke ? [] : numbers(v.scale),
    out:
      v.smoke && v.out.endsWith('bench/results.md')
        ? join(mkdtempSync(join(tmpdir(), 'halite-bench-')), 'results.md')
        : v.out,
    ansible: !v.skipAnsible,
    fleet: v.fleet,
  };
  const results = await runBench(o);
  writeFileSync(o.out, markdown(results));
  log(`results: ${o.out}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
