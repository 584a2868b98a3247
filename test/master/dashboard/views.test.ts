// The dashboard's pure parts: the fleet grid by role and level, the host plot's geometry, the order
// and shape of a job's results.
import t from 'tap';
import { fleetGrid } from '../../../master/dashboard/fleet-grid.ts';
import { hostPlot } from '../../../master/dashboard/host-plot.ts';
import { hostSection, hostsFailedFirst, stateView } from '../../../master/dashboard/job-view.ts';
import type { HostRunRecord } from '../../../master/jobs/store.ts';
import type { RosterHost } from '../../../master/config/roster.ts';

const host = (id: string, level: string, roles: string[]): RosterHost => ({
  id,
  host: '10.0.0.1',
  port: 22,
  user: 'root',
  sudo: false,
  level,
  roles,
  grains: {},
});
const run = (hostId: string, status: HostRunRecord['status'], extra: Partial<HostRunRecord> = {}): HostRunRecord => ({
  jid: '20260101000000000000',
  host: hostId,
  status,
  succeeded: 0,
  failed: 0,
  changed: 0,
  total: 0,
  durationMs: 0,
  errors: [],
  warnings: [],
  startedAt: null,
  finishedAt: null,
  unresolved: false,
  recoveredAt: null,
  position: 0,
  reason: '',
  ...extra,
});

t.test(
  'the grid: a row per role, a column per level (configured ones first), a host in each of its roles',
  async (t) => {
    const hosts = [
      host('web1', 'staging', ['web', 'cache']),
      host('db1', 'production', ['db']),
      host('lone', 'staging', []),
      host('odd', 'qa', ['web']),
    ];
    const g = fleetGrid(hosts, ['production', 'staging'], {
      lastRun: (h) => (h === 'web1' ? run('web1', 'failed', { jid: '20260102000000000000' }) : undefined),
      drift: (h) =>
        h === 'db1'
          ? {
              host: 'db1',
              jid: '20260103000000000000',
              mode: 'test',
              checkedAt: '2026-01-03T00:00:00.000Z',
              states: [{ tag: 't', id: 'i', name: 'n', sls: 's', changes: { x: 1 }, comment: '' }],
            }
          : h === 'web1'
            ? {
                host: 'web1',
                jid: '20260102000000000000',
                mode: 'apply',
                checkedAt: '2026-01-02T00:00:00.000Z',
                states: [],
              }
            : undefined,
    });
    t.same(
      g.levels,
      ['production', 'staging', 'qa'],
      'a level only the roster names is shown after the configured ones',
    );
    t.same(
      g.rows.map((r) => r.role),
      ['(no role)', 'cache', 'db', 'web'],
    );
    const cell = (role: string, level: string) =>
      g.rows
        .find((r) => r.role === role)!
        .cells[g.levels.indexOf(level)]!.map((h) => `${h.id}:${h.status}${h.drift ? `:drift ${h.drift.states}` : ''}`);
    t.same(cell('web', 'staging'), ['web1:failed:drift 0']);
    t.same(cell('cache', 'staging'), ['web1:failed:drift 0']);
    t.same(cell('web', 'qa'), ['odd:never']);
    t.same(cell('db', 'production'), ['db1:never:drift 1']);
    const db1 = g.rows.find((r) => r.role === 'db')!.cells[0]![0]!;
    t.equal(db1.drift!.title, '1 state would change (test run 20260103000000000000 at 2026-01-03T00:00:00.000Z)');
    const web1 = g.rows.find((r) => r.role === 'web')!.cells[1]![0]!;
    t.equal(web1.drift!.title, 'in line: converged by highstate 20260102000000000000 at 2026-01-02T00:00:00.000Z');
    t.same(cell('(no role)', 'staging'), ['lone:never']);
    t.same(cell('db', 'staging'), []);
  },
);

t.test('the plot: time from left to right, the longest run at the top, bars scaled to the most changes', async (t) => {
  t.equal(hostPlot([]), undefined);
  const p = hostPlot([
    { jid: 'b', status: 'changed', at: '2026-01-01T00:10:00Z', durationMs: 2000, changed: 4 },
    { jid: 'a', status: 'ok', at: '2026-01-01T00:00:00Z', durationMs: 1000, changed: 0 },
    { jid: 'c', status: 'failed', at: '2026-01-01T00:05:00Z', durationMs: 500, changed: 2 },
  ])!;
  t.same(
    p.points.map((x) => x.x),
    [p.left, (p.left + p.right) / 2, p.right],
    'sorted by time, spaced by time',
  );
  t.same(
    p.points.map((x) => x.y),
    [p.bottom - (p.bottom - p.top) / 2, p.bottom - (p.bottom - p.top) / 4, p.top],
  );
  t.same(
    p.bars.map((b) => b.h),
    [0, (p.bottom - p.top) / 2, p.bottom - p.top],
  );
  t.equal(p.line, p.points.map((x) => `${x.x},${x.y}`).join(' '));
  t.match(p.points[2]!.title, /changed, 2\.0 s, 4 changed \(job b\)/);
  const one = hostPlot([{ jid: 'a', status: 'ok', at: '2026-01-01T00:00:00Z', durationMs: 0, changed: 0 }])!;
  t.equal(one.points[0]!.x, (one.left + one.right) / 2, 'a single run in the middle');
  t.equal(one.points[0]!.y, one.bottom);
});

t.test('results: failed, then pending, then changed, then unchanged, each in run order; diffs split', async (t) => {
  const r = (id: string, result: boolean | null, changes: Record<string, unknown> = {}) => ({
    tag: `test_|-${id}_|-${id}_|-nop`,
    id,
    name: id,
    sls: 's',
    result,
    changes,
    comment: `${id}\nmore`,
    start_time: '',
    duration_ms: 1,
    run_num: 0,
  });
  const s = hostSection(run('h', 'failed'), [
    r('a', true),
    r('b', true, { x: 1 }),
    r('c', false),
    r('d', null, { diff: '+x' }),
    r('e', false),
  ]);
  t.same(
    s.states.map((x) => `${x.label}:${x.outcome}`),
    ['c:failed', 'e:failed', 'd:pending', 'b:changed', 'a:ok'],
  );
  t.equal(s.states[0]!.headline, 'c');
  const v = stateView(
    r('f', true, { diff: '@@ -1 +1 @@\n-a\n+b\n c', '/etc/x': { diff: '+y', user: 'root' }, new: 'thing' }),
  );
  t.same(
    v.diffs.map((d) => [d.label, d.lines.map((l) => l.cls)]),
    [
      ['', ['hunk', 'del', 'add', 'ctx']],
      ['/etc/x', ['add']],
    ],
  );
  t.same(JSON.parse(v.otherChanges), { '/etc/x': { user: 'root' }, new: 'thing' });
  t.same(
    hostsFailedFirst([
      run('a', 'ok'),
      run('b', 'blocked'),
      run('c', 'unreachable'),
      run('d', 'changed'),
      run('e', 'failed'),
    ]).map((x) => x.host),
    ['c', 'e', 'b', 'd', 'a'],
  );
});
