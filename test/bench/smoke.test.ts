// The benchmark's short version: both tools on 2 hosts, both workloads, one run each, the hosts
// checked equivalent after each tool, and the results table written.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdown } from '../../bench/report.ts';
import { runBench } from '../../bench/run.ts';
import { WORKLOADS } from '../../bench/workloads.ts';
import { fleetNames } from '../fleet/index.ts';

if (process.getuid?.() !== 0) {
  t.plan(0, 'the test fleet needs root (network namespaces, overlay mounts)');
  process.exit(0);
}

t.test('halite and Ansible side by side on 2 hosts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-bench-smoke-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const results = await runBench({ hosts: [2], runs: 1, firstRuns: 1, workloads: Object.values(WORKLOADS), scale: [], out: join(dir, 'results.md'), ansible: true, fleet: 'bench-smoke' });
  t.same(results.pairs.map((p) => `${p.workload} ${p.run}`), ['memcached first converge', 'memcached no-op', 'base first converge', 'base no-op']);
  for (const p of results.pairs) {
    t.ok(p.halite.wallSec > 0 && p.ansible && p.ansible.wallSec > 0, `${p.workload} ${p.run}: both tools timed`);
    t.ok(p.halite.masterCpuSec > 0 && p.halite.fleetCpuSec > 0, `${p.workload} ${p.run}: halite CPU on master and fleet`);
    t.ok(p.ansible!.masterCpuSec > 0 && p.ansible!.fleetCpuSec > 0, `${p.workload} ${p.run}: Ansible CPU on master and fleet`);
  }
  for (const p of results.pairs.filter((x) => x.run === 'first converge')) {
    t.ok(p.floor && p.floor.wallSec > 0 && p.floor.fleetCpuSec > 0, `${p.workload}: packages alone timed`);
    t.ok(p.floor!.wallSec < p.halite.wallSec, `${p.workload}: the packages alone take less than a whole first converge`);
  }
  const noop = results.pairs.find((p) => p.workload === 'base' && p.run === 'no-op')!;
  t.ok(noop.halite.wallSec < noop.ansible!.wallSec, 'halite is faster on the no-op base run');
  writeFileSync(join(dir, 'results.md'), markdown(results));
  const md = readFileSync(join(dir, 'results.md'), 'utf8');
  t.match(md, /\| base \| no-op \| 2 \|/);
  t.match(md, /Ansible ansible-core/);
  t.match(md, /## First converge above the package floor/);
  t.match(md, /\| memcached \| 2 \| [\d.]+ \| [\d.]+ \|/);
  t.notOk(fleetNames().includes('bench-smoke'), 'the fleet is down again');
});
