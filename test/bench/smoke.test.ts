// The benchmark's short version: both tools on 2 hosts, both workloads, one run each, the hosts
// converged and equivalent after each tool, and the results table written. Which tool is faster is
// the benchmark's report (bench/results.md), never an assertion here.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { differences } from '../../bench/fingerprint.ts';
import { markdown } from '../../bench/report.ts';
import { runBench } from '../../bench/run.ts';
import { WORKLOADS, type Workload } from '../../bench/workloads.ts';
import { fleetNames } from '../fleet/index.ts';

if (process.getuid?.() !== 0) {
  t.plan(0, 'the test fleet needs root (network namespaces, overlay mounts)');
  process.exit(0);
}

/** What a host's fingerprint (bench/fingerprint.ts) shows that the workload did not leave as it says. */
function unconverged(print: string, w: Workload): string[] {
  const lines = print.split('\n');
  const has = (re: RegExp) => lines.some((l) => re.test(l));
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [
    ...w.check.paths.filter((p) => !has(new RegExp(`^path ${esc(p)} (file|dir|link) `))).map((p) => `path ${p}`),
    ...w.check.packages
      .filter((p) => !has(new RegExp(`^package ${esc(p)} install ok installed `)))
      .map((p) => `package ${p}`),
    ...w.check.services
      .filter((s) => !has(new RegExp(`^service ${esc(s)} running enabled=1$`)))
      .map((s) => `service ${s}`),
    ...w.check.users.filter((u) => !has(new RegExp(`^user ${esc(u)}:`))).map((u) => `user ${u}`),
    ...w.check.groups.filter((g) => !has(new RegExp(`^group ${esc(g)}:\\d+$`))).map((g) => `group ${g}`),
    ...w.check.crontabs.filter((u) => !has(new RegExp(`^cron ${esc(u)} `))).map((u) => `crontab of ${u}`),
  ];
}

t.test('halite and Ansible side by side on 2 hosts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-bench-smoke-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const results = await runBench({
    hosts: [2],
    runs: 1,
    firstRuns: 1,
    workloads: Object.values(WORKLOADS),
    scale: [],
    out: join(dir, 'results.md'),
    ansible: true,
    fleet: 'bench-smoke',
  });
  t.same(
    results.pairs.map((p) => `${p.workload} ${p.run}`),
    ['memcached first converge', 'memcached no-op', 'base first converge', 'base no-op'],
  );
  for (const p of results.pairs) {
    t.ok(p.halite.wallSec > 0 && p.ansible && p.ansible.wallSec > 0, `${p.workload} ${p.run}: both tools timed`);
    t.ok(
      p.halite.masterCpuSec > 0 && p.halite.fleetCpuSec > 0,
      `${p.workload} ${p.run}: halite CPU on master and fleet`,
    );
    t.ok(
      p.ansible!.masterCpuSec > 0 && p.ansible!.fleetCpuSec > 0,
      `${p.workload} ${p.run}: Ansible CPU on master and fleet`,
    );
  }
  for (const p of results.pairs.filter((x) => x.run === 'first converge')) {
    t.ok(p.floor && p.floor.wallSec > 0 && p.floor.fleetCpuSec > 0, `${p.workload}: packages alone timed`);
    const prints = p.fingerprints;
    t.ok(prints?.ansible, `${p.workload}: both fleets fingerprinted`);
    if (!prints?.ansible) continue;
    t.same(
      Object.keys(prints.halite).sort(),
      ['bench1', 'bench2'],
      `${p.workload}: every host fingerprinted after halite`,
    );
    t.same(
      Object.keys(prints.ansible).sort(),
      ['bench1', 'bench2'],
      `${p.workload}: every host fingerprinted after Ansible`,
    );
    t.same(
      differences(prints.halite, prints.ansible, ['halite', 'ansible']),
      [],
      `${p.workload}: the hosts end the same after either tool`,
    );
    for (const [tool, print] of Object.entries(prints)) {
      for (const [host, text] of Object.entries(print ?? {}))
        t.same(unconverged(text, WORKLOADS[p.workload]), [], `${p.workload}: ${host} converged by ${tool}`);
    }
  }
  writeFileSync(join(dir, 'results.md'), markdown(results));
  const md = readFileSync(join(dir, 'results.md'), 'utf8');
  t.match(md, /\| base \| no-op \| 2 \|/);
  t.match(md, /Ansible ansible-core/);
  t.match(md, /## First converge above the package floor/);
  t.match(md, /\| memcached \| 2 \| [\d.]+ \| [\d.]+ \|/);
  t.notOk(fleetNames().includes('bench-smoke'), 'the fleet is down again');
});
