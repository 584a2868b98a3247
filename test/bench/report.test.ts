// The results table's package-floor section, the parsing of bash's `times` it is built from, and the
// daemon rows' section.
import t from 'tap';
import { childrenCpuSec } from '../../bench/floor.ts';
import { markdown, type PairRow } from '../../bench/report.ts';
import type { DaemonRow } from '../../bench/daemon.ts';
import { daemonSection, spliceSection } from '../../bench/daemon-report.ts';

const summary = (wallSec: number) => ({
  runs: 3,
  wallSec,
  masterCpuSec: 1,
  fleetCpuSec: 2,
  wallMinSec: wallSec * 0.9,
  wallMaxSec: wallSec * 1.2,
  loadMin: 1.5,
  loadMax: 2.25,
});

t.test('children CPU time from bash times', async (t) => {
  t.equal(childrenCpuSec('0m0.004s 0m0.001s\n0m1.888s 0m1.378s\n'), 3.266);
  t.equal(childrenCpuSec('0m0.000s 0m0.000s\n1m2.500s 0m0.500s'), 63);
  t.throws(() => childrenCpuSec('apt-get: not found'), /unexpected output of bash's times/);
});

t.test('first converges with a floor get a row above the floor', async (t) => {
  const pairs: PairRow[] = [
    {
      workload: 'memcached',
      run: 'first converge',
      hosts: 8,
      halite: summary(24),
      ansible: summary(36),
      floor: { runs: 3, wallSec: 18, fleetCpuSec: 30.5 },
    },
    { workload: 'memcached', run: 'no-op', hosts: 8, halite: summary(0.8), ansible: summary(12) },
  ];
  const md = markdown({ date: '2026-12-04', versions: {}, settings: [], pairs, scaling: [] });
  t.match(md, /## First converge above the package floor/);
  // halite 6 s above the floor, Ansible 18 s: ratio 0.333
  t.match(md, '| memcached | 8 | 18.00 | 30.50 | 24.00 | 36.00 | 6.00 | 18.00 | 0.333 | 3 |');
  t.equal(md.split('\n').filter((l) => l.startsWith('| memcached | 8 |')).length, 1, 'no-op rows have no floor');
});

t.test('no floor section without floors', async (t) => {
  const md = markdown({
    date: '2026-12-04',
    versions: {},
    settings: [],
    pairs: [{ workload: 'base', run: 'no-op', hosts: 4, halite: summary(1) }],
    scaling: [],
  });
  t.notMatch(md, /package floor/);
});

t.test('the daemon section: medians with their spread, ratios, load; put in place of an earlier one', async (t) => {
  const rows: DaemonRow[] = [
    { workload: 'memcached', hosts: 8, daemon: summary(0.3), alone: summary(0.8), ansible: summary(12) },
  ];
  const section = daemonSection('2026-12-08', { Ansible: 'ansible-core 2.14' }, rows);
  t.match(section, /npm run bench -- --daemon --hosts 8`/);
  t.match(
    section,
    '| memcached | 8 | 0.30 (0.27–0.36) | 0.80 (0.72–0.96) | 12.00 (10.80–14.40) | 0.025 | 0.067 | 1.00 | 1.00 | 1.00 | 1.5–2.3 | 3 |',
  );
  const doc = '# results\n\n| a |\n\n## halite scaling\n\n| b |\n';
  const once = spliceSection(doc, section);
  t.ok(once.startsWith(doc), 'added at the end');
  t.match(once, section);
  const newer = daemonSection('2026-12-09', {}, rows);
  const twice = spliceSection(once, newer);
  t.equal(twice, spliceSection(doc, newer), 'an earlier daemon section is replaced');
  const middle = spliceSection(`# results\n\n${section}\n## later\n\ntext\n`, newer);
  t.match(middle, /2026-12-09[\s\S]*## later\n\ntext/);
  t.notMatch(middle, /2026-12-08/);
});
