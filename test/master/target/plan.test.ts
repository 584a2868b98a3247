import t from 'tap';
import { loadConfig } from '../../../master/config/halite-yaml.ts';
import { batchSize, blocked, parseBatch, partitionBlocked, plan, type Wave } from '../../../master/target/plan.ts';
import { loadRoles, type Role } from '../../../master/config/roles.ts';
import { loadRoster, type RosterHost } from '../../../master/config/roster.ts';
import { NO_TARGETING, selectHosts, type TargetSpec } from '../../../master/target/select.ts';
import { shippedExample } from '../../shipped.ts';

const ROOT = shippedExample();
const config = loadConfig(undefined, {}, ROOT).config;
const ROLES = loadRoles(config.roles).roles;
const FLEET = loadRoster(config).hosts;

const select = (s: Partial<TargetSpec>) => selectHosts(FLEET, { ...NO_TARGETING, ...s }).hosts;
const shape = (waves: Wave[]) =>
  waves.map((w) => ({
    roles: w.roles,
    hosts: w.hosts.map((h) => h.id),
    batches: w.batches.map((b) => b.map((h) => h.id)),
  }));
const brief = (waves: Wave[]) =>
  waves.map((w) => `${w.roles.join('+')}: ${w.batches.map((b) => b.map((h) => h.id).join(' ')).join(' | ')}`);

function host(id: string, roles: string[]): RosterHost {
  return { id, host: '10.0.0.1', port: 22, user: 'root', sudo: false, level: 'lab', roles, grains: {} };
}
function role(name: string, dependsOn: string[] = []): Role {
  return { name, file: `/r/${name}.yaml`, description: name, dependsOn, count: {}, ports: [], lines: {} };
}
const set = (...roles: Role[]) => new Map(roles.map((r) => [r.name, r]));

t.test('staging: one wave per dependency depth, roles that do not depend on each other together', async (t) => {
  t.same(brief(plan(select({ levels: ['staging'] }), ROLES)), [
    'sources: sources1.staging',
    'mail: mail1.staging',
    'elastic+masterdb+memcache+sessions: masterdb1.staging sessions1.staging memcache1.staging elastic1.staging',
    'db: db1.staging',
    'app: app1.staging',
  ]);
});

t.test('production with batches of 2 and of 50%', async (t) => {
  const prod = select({ levels: ['production'], roles: ['db', 'app'] });
  t.same(shape(plan(prod, ROLES, { batch: { size: 2 } })), [
    { roles: ['db'], hosts: ['db1.production', 'db2.production'], batches: [['db1.production', 'db2.production']] },
    {
      roles: ['app'],
      hosts: ['app1.production', 'app2.production', 'app3.production', 'app4.production'],
      batches: [
        ['app1.production', 'app2.production'],
        ['app3.production', 'app4.production'],
      ],
    },
  ]);
  t.same(
    brief(plan(select({ levels: ['production'], roles: ['elastic'] }), ROLES, { batch: { percent: 50 } })),
    ['elastic: elastic1.production elastic2.production | elastic3.production'],
    '50% of 3 hosts is 2 (rounded up)',
  );
});

t.test('only selected roles order waves; dependencies reach through unselected roles', async (t) => {
  t.same(brief(plan(select({ levels: ['staging'], roles: ['memcache', 'app'] }), ROLES)), [
    'memcache: memcache1.staging',
    'app: app1.staging',
  ]);
  t.same(brief(plan(select({ hosts: ['app1.staging', 'sources1.staging'] }), ROLES)), [
    'sources: sources1.staging',
    'app: app1.staging',
  ]);
  t.same(
    brief(plan(select({ levels: ['production'], roles: ['elastic', 'memcache'] }), ROLES)),
    [
      'elastic+memcache: memcache1.production memcache2.production elastic1.production elastic2.production elastic3.production',
    ],
    'no dependency between them: one wave, roster order',
  );
  const roles = set(role('web', ['db']), role('db', ['base']), role('base'));
  t.same(
    brief(plan([host('w', ['web']), host('b', ['base'])], roles)),
    ['base: b', 'web: w'],
    'web after base although db is not selected',
  );
});

t.test('a host with several roles runs once, in the wave of its latest role', async (t) => {
  const roles = set(role('base'), role('db', ['base']), role('app', ['db']), role('cache', ['base']));
  const hosts = [
    host('both', ['app', 'base']),
    host('db1', ['db']),
    host('b1', ['base']),
    host('c1', ['cache', 'base']),
    host('none', []),
  ];
  t.same(brief(plan(hosts, roles)), ['base: b1 none', 'cache+db: db1 c1', 'app: both']);
  t.same(brief(plan([host('x', ['db', 'cache'])], roles)), ['cache+db: x'], 'two roles of equal depth are both named');
});

t.test('hosts without roles run in the first wave; an empty selection plans nothing', async (t) => {
  t.same(shape(plan([host('a', []), host('b', [])], set())), [{ roles: [], hosts: ['a', 'b'], batches: [['a', 'b']] }]);
  t.same(plan([], ROLES), []);
});

t.test('a role without a role file is refused (validate the roster against the roles first)', async (t) => {
  t.throws(() => plan([host('a', ['web'])], ROLES), { message: 'roles without a role file: a: web' });
});

t.test('batch sizes: N hosts, or P% of the wave rounded up and at least 1', async (t) => {
  t.equal(batchSize(undefined, 7), 7);
  t.equal(batchSize(undefined, 0), 1);
  t.equal(batchSize({ size: 3 }, 7), 3);
  t.equal(batchSize({ percent: 25 }, 4), 1);
  t.equal(batchSize({ percent: 30 }, 3), 1);
  t.equal(batchSize({ percent: 34 }, 3), 2);
  t.equal(batchSize({ percent: 1 }, 2), 1);
  t.equal(batchSize({ percent: 100 }, 9), 9);
  const waves = plan([host('a', []), host('b', []), host('c', [])], set(), { batch: { size: 5 } });
  t.same(shape(waves)[0].batches, [['a', 'b', 'c']], 'a batch larger than the wave is the whole wave');
  t.same(shape(plan([host('a', []), host('b', []), host('c', [])], set(), { batch: { percent: 10 } }))[0].batches, [
    ['a'],
    ['b'],
    ['c'],
  ]);
});

t.test('parseBatch accepts N and P%, refuses everything else', async (t) => {
  t.same(parseBatch('3'), { size: 3 });
  t.same(parseBatch(' 25% '), { percent: 25 });
  t.same(parseBatch('100%'), { percent: 100 });
  for (const bad of ['0', '0%', '101%', '-1', '1.5', '2x', '', '%', '10 %']) {
    t.throws(
      () => parseBatch(bad),
      { message: /^invalid batch .*: expected a number of hosts \(e\.g\. 2\) or a percentage from 1% to 100%/ },
      bad,
    );
  }
});

t.test('blocked: roles depending on a failed role, transitively, with one-line reasons', async (t) => {
  const outcomes = {
    sources: { 'sources1.production': 'ok' },
    mail: { 'mail1.production': 'changed' },
    masterdb: { 'masterdb1.production': 'failed' },
    memcache: { 'memcache1.production': 'ok', 'memcache2.production': 'unreachable' },
    elastic: { 'elastic1.production': 'ok' },
  } as const;
  const b = blocked(outcomes, ROLES);
  t.same(
    b.map((x) => x.reason),
    [
      'app: not run because masterdb failed on masterdb1.production; memcache could not reach memcache2.production',
      'db: not run because masterdb failed on masterdb1.production',
    ],
  );
  t.same(b[1], {
    role: 'db',
    because: [{ role: 'masterdb', hosts: [{ id: 'masterdb1.production', outcome: 'failed' }] }],
    reason: b[1].reason,
  });
  t.notOk(
    b.some((x) => x.role === 'sessions'),
    'sessions does not depend on a failed role',
  );
});

t.test('blocked: roles that ran are not reported; pending restricts the answer', async (t) => {
  const outcomes = {
    db: { 'db1.production': 'failed', 'db2.production': 'failed' },
    app: { 'app1.production': 'ok' },
  } as const;
  t.same(blocked(outcomes, ROLES), []);
  t.same(
    blocked({ db: outcomes.db }, ROLES, ['app']).map((x) => x.reason),
    ['app: not run because db failed on db1.production, db2.production'],
  );
  t.same(blocked({ db: outcomes.db }, ROLES, ['sessions', 'memcache']), []);
  t.same(blocked({ sources: { s: 'ok' }, mail: { m: 'changed' } }, ROLES), [], 'nothing failed, nothing blocked');
});

t.test('blocked: through a role outside the selection, failed and unreachable on one role', async (t) => {
  const roles = set(role('web', ['db']), role('db', ['base']), role('base'));
  t.same(
    blocked({ base: { b2: 'unreachable', b1: 'failed', b3: 'ok' } }, roles, ['web']).map((x) => x.reason),
    ['web: not run because base failed on b1 and could not reach b2'],
  );
});

t.test('partitionBlocked skips hosts having any blocked role', async (t) => {
  const hosts = [host('a', ['app']), host('b', ['cache', 'app']), host('c', ['cache'])];
  const b = blocked({ db: { d: 'failed' } }, set(role('db'), role('app', ['db']), role('cache')));
  const p = partitionBlocked(hosts, b);
  t.same([p.run.map((h) => h.id), p.skip.map((h) => h.id)], [['c'], ['a', 'b']]);
});
