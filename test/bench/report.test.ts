// The results table's package-floor section and the parsing of bash's `times` it is built from.
import t from 'tap';
import { childrenCpuSec } from '../../bench/floor.ts';
import { markdown, type PairRow } from '../../bench/report.ts';

const summary = (wallSec: number) => ({ runs: 3, wallSec, masterCpuSec: 1, fleetCpuSec: 2 });

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
