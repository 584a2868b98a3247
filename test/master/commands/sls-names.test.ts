// SLS names as Salt's CLI takes them (`state.sls memcached,redis`).
import t from 'tap';
import { slsNames } from '../../../master/commands/sls-names.ts';
import { halite, workspaceDir } from '../cli-workspace.ts';

t.test('split on commas, blanks dropped, each once, in order', async (t) => {
  t.same(slsNames(['memcached,redis']), ['memcached', 'redis']);
  t.same(slsNames(['memcached,', ' redis.server ', 'memcached', 'a,b,,c']), [
    'memcached',
    'redis.server',
    'a',
    'b',
    'c',
  ]);
  t.same(slsNames([',']), []);
});

t.test('show sls takes a comma-separated list', async (t) => {
  const dir = workspaceDir(t, 'sls-names', {
    'halite.yaml': 'levels:\n  staging: {}\n',
    'roster.yaml': 'web1:\n  host: 10.0.1.1\n  level: staging\n  roles: [web]\n',
    'roles/web.yaml': 'description: web\n',
    'states/top.sls': "base:\n  '*':\n    - one\n",
    'states/one.sls': 'first:\n  test.nop: []\n',
    'states/two.sls': 'second:\n  test.nop: []\n',
  });
  const r = await halite(dir, ['show', 'sls', 'one,two', '--host', 'web1', '--out', 'json']);
  t.equal(r.code, 0, r.err);
  t.same(
    (JSON.parse(r.out) as Array<{ id: string }>).map((c) => c.id),
    ['first', 'second'],
  );
});
