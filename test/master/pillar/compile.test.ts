import t from 'tap';
import { MemTree } from '../../../agent/store/tree.ts';
import { compilePillar } from '../../../master/pillar/compile.ts';
import { pillarSecrets } from '../../../agent/pillar/secrets.ts';

const db1 = { id: 'db1', level: 'production', roles: ['db'] };
const web1 = { id: 'web1', level: 'staging', roles: ['web'] };

function pub(files: Record<string, string>): MemTree {
  return new MemTree(files, '/srv/pillar');
}

const FLEET = pub({
  'top.sls': `base:
  '*':
    - common
  'G@roles:db':
    - db
  'level:production':
    - match: grain
    - infra.production
`,
  'common.sls': `ntp: {servers: [a, b], enabled: true}
users:
  admin: {shell: /bin/sh, groups: [sudo]}
`,
  'db.sls': `users:
  admin: {shell: /bin/bash}
  postgres: {shell: /bin/false}
ntp: {servers: [db-ntp]}
`,
  'infra/production.sls': `level_name: prod
users: {admin: {groups: [wheel]}}
`,
});

t.test('SLS merge in top order: dicts deep-merge, later values and lists win', async (t) => {
  const r = compilePillar({ tree: FLEET, grains: db1 });
  t.same(r.errors, []);
  t.same(r.pillar, {
    ntp: { servers: ['db-ntp'], enabled: true },
    users: { admin: { shell: '/bin/bash', groups: ['wheel'] }, postgres: { shell: '/bin/false' } },
    level_name: 'prod',
  });
  t.same(r.secrets, { paths: [], values: [] });
  t.same(compilePillar({ tree: FLEET, grains: web1 }).pillar, {
    ntp: { servers: ['a', 'b'], enabled: true },
    users: { admin: { shell: '/bin/sh', groups: ['sudo'] } },
  });
});

t.test('mergeLists extends lists instead', async (t) => {
  const r = compilePillar({ tree: FLEET, grains: db1, mergeLists: true });
  t.same((r.pillar.ntp as { servers: string[] }).servers, ['a', 'b', 'db-ntp']);
  t.same((r.pillar.users as { admin: { groups: string[] } }).admin.groups, ['sudo', 'wheel']);
});

t.test('targets are sorted by their order option', async (t) => {
  const tree = pub({
    'top.sls': `base:
  'db*':
    - order: 2
    - late
  '*':
    - early
  'db1':
    - order: -1
    - first
`,
    'first.sls': 'who: first\nfirst: 1\n',
    'early.sls': 'who: early\n',
    'late.sls': 'who: late\n',
  });
  t.same(compilePillar({ tree, grains: db1 }).pillar, { who: 'late', first: 1 });
  t.same(compilePillar({ tree, grains: web1 }).pillar, { who: 'early' });
});

t.test('each SLS sees the pillar compiled so far; the top file sees none', async (t) => {
  const tree = pub({
    'top.sls': `base:
  '*':
{% if pillar %}
    - never
{% endif %}
    - a
    - b
`,
    'a.sls': 'port: 5432\nhost: {{ grains.id }}.internal\n',
    'b.sls': `dsn: "postgres://{{ pillar.host }}:{{ salt['pillar.get']('port') }}"
count: {{ pillar | length }}
`,
  });
  const r = compilePillar({ tree, grains: db1 });
  t.same(r.errors, []);
  t.same(r.pillar, { port: 5432, host: 'db1.internal', dsn: 'postgres://db1.internal:5432', count: 2 });
});

t.test('grains are the ones given (roster grains) and mine data is available', async (t) => {
  const tree = pub({
    'top.sls': "base:\n  '*':\n    - m\n",
    'm.sls': `roles: {{ grains.roles | join(',') }}
dbs: {{ salt['mine.get']('db*', 'ip') | tojson }}
`,
  });
  const r = compilePillar({
    tree,
    grains: db1,
    mine: { db1: { ip: '10.0.0.1' }, db2: { ip: '10.0.0.2' }, web1: { ip: '10.0.0.3' } },
  });
  t.same(r.errors, []);
  t.same(r.pillar, { roles: 'db', dbs: { db1: '10.0.0.1', db2: '10.0.0.2' } });
});

t.test('include: included SLS first, the including SLS over them', async (t) => {
  const tree = pub({
    'top.sls': "base:\n  '*':\n    - app\n",
    'app/init.sls': `include:
  - .defaults
  - common
  - app.db:
      key: app:database
      defaults:
        name: shop
  - extras.*
port: 8080
shared: from-app
`,
    'app/defaults.sls': 'port: 80\nworkers: 4\nshared: from-defaults\n',
    'app/db.sls': 'name: {{ name }}\nuser: {{ name }}_rw\n',
    'common.sls': 'shared: from-common\ncommon: true\n',
    'extras/one.sls': 'extras: [one]\n',
    'extras/two.sls': 'extras2: two\n',
  });
  const r = compilePillar({ tree, grains: web1 });
  t.same(r.errors, []);
  t.same(r.pillar, {
    port: 8080,
    workers: 4,
    shared: 'from-app',
    common: true,
    app: { database: { name: 'shop', user: 'shop_rw' } },
    extras: ['one'],
    extras2: 'two',
  });
});

t.test('relative includes from a non-init SLS, and include cycles', async (t) => {
  const tree = pub({
    'top.sls': "base:\n  '*':\n    - svc.a\n",
    'svc/a.sls': 'include:\n  - .b\na: 1\n',
    'svc/b.sls': 'include:\n  - svc.a\nb: 2\n',
  });
  const r = compilePillar({ tree, grains: web1 });
  t.same(r.errors, []);
  t.same(r.pillar, { a: 1, b: 2 });
});

t.test('an SLS the top file names but that does not exist is an error at its line', async (t) => {
  const tree = pub({
    'top.sls': "base:\n  '*':\n    - common\n    - missing\n  'web*':\n    - ignore_missing: True\n    - optional\n",
    'common.sls': 'a: 1\n',
  });
  const r = compilePillar({ tree, grains: web1 });
  t.same(r.pillar, { a: 1 });
  t.match(r.errors, [
    {
      code: 'PILLAR',
      file: 'pillar/top.sls',
      line: 4,
      message: /pillar SLS 'missing' \(saltenv base\) not found in \/srv\/pillar/,
    },
  ]);
  t.equal(r.errors.length, 1, 'ignore_missing skips optional');
});

t.test('errors name the file and line', async (t) => {
  const tree = pub({
    'top.sls': "base:\n  '*':\n    - tpl\n    - yml\n    - lst\n    - inc\n    - badinc\n    - good\n",
    'tpl.sls': 'a: 1\nb: {{ nope( }}\n',
    'yml.sls': 'a: [1\n',
    'lst.sls': '- a\n- b\n',
    'inc.sls': 'x: 1\ninclude:\n  - gone\n  - 7\n',
    'badinc.sls': 'include: nope\n',
    'good.sls': 'ok: true\n',
  });
  const r = compilePillar({ tree, grains: web1 });
  t.same(r.pillar, { x: 1, ok: true }, 'the other SLS still compile');
  t.match(r.errors, [
    { code: 'PILLAR', file: 'pillar/tpl.sls', line: 2 },
    { code: 'PILLAR', file: 'pillar/yml.sls', message: /YAML/ },
    { code: 'PILLAR', file: 'pillar/lst.sls', line: 1, message: /does not render to a dictionary/ },
    { code: 'PILLAR', file: 'pillar/inc.sls', line: 4, message: /include item 7/ },
    { code: 'PILLAR', file: 'pillar/inc.sls', line: 3, message: /pillar SLS 'gone'/ },
    { code: 'PILLAR', file: 'pillar/badinc.sls', line: 1, message: /include must be a list/ },
  ]);
  t.equal(r.errors.length, 6);
});

t.test('pillar top errors are reported too', async (t) => {
  const r = compilePillar({
    tree: pub({ 'top.sls': "base:\n  'roles:db':\n    - match: nodegroup\n    - db\n" }),
    grains: db1,
  });
  t.match(r.errors, [{ code: 'PILLAR', file: 'pillar/top.sls', line: 3, message: /unknown matcher 'nodegroup'/ }]);
});

t.test('no top file means an empty pillar, without error', async (t) => {
  t.same(compilePillar({ tree: pub({ 'common.sls': 'a: 1' }), grains: web1 }), {
    pillar: {},
    secrets: { paths: [], values: [] },
    errors: [],
  });
});

t.test('only the requested saltenv section is used', async (t) => {
  const tree = pub({
    'top.sls': "base:\n  '*':\n    - b\ndev:\n  '*':\n    - d\n",
    'b.sls': 'env: base\n',
    'd.sls': 'env: dev\nenvvar: {{ saltenv }}\n',
  });
  t.same(compilePillar({ tree, grains: web1 }).pillar, { env: 'base' });
  t.same(compilePillar({ tree, grains: web1, saltenv: 'dev' }).pillar, { env: 'dev', envvar: 'dev' });
});

t.test('pillar SLS globs in the top file', async (t) => {
  const tree = pub({
    'top.sls': "base:\n  '*':\n    - users.*\n",
    'users/a.sls': 'a: 1\n',
    'users/b.sls': 'b: 2\n',
    'other.sls': 'c: 3\n',
  });
  t.same(compilePillar({ tree, grains: web1 }).pillar, { a: 1, b: 2 });
});

const PRIVATE = new MemTree(
  {
    'top.sls': "base:\n  'G@roles:db':\n    - db\n  '*':\n    - common\n",
    'db.sls': `users:
  postgres: {password: "s3cret-{{ pillar.level_name }}"}
ntp: {servers: [pool1, 42]}
db_port: 6432
`,
    'common.sls': 'api_token: tok-123\nflag: true\nempty: ""\n',
  },
  '/srv/pillar-private',
);

t.test('the private tree merges over the public one; what it brings is secret', async (t) => {
  const r = compilePillar({ tree: FLEET, privateTree: PRIVATE, grains: db1 });
  t.same(r.errors, []);
  t.same(r.pillar, {
    ntp: { servers: ['pool1', 42], enabled: true },
    users: {
      admin: { shell: '/bin/bash', groups: ['wheel'] },
      postgres: { shell: '/bin/false', password: 's3cret-prod' },
    },
    level_name: 'prod',
    db_port: 6432,
    api_token: 'tok-123',
    flag: true,
    empty: '',
  });
  t.same(r.secrets.paths, [
    ['users', 'postgres', 'password'],
    ['ntp', 'servers'],
    ['db_port'],
    ['api_token'],
    ['flag'],
    ['empty'],
  ]);
  t.same(r.secrets.values, ['s3cret-prod', 'pool1', '42', '6432', 'tok-123']);
  t.notOk(r.secrets.values.includes('/bin/false'), 'public values stay public');
});

t.test('private errors name the private tree', async (t) => {
  const priv = new MemTree({ 'top.sls': "base:\n  '*':\n    - nope\n" }, '/srv/pillar-private');
  const r = compilePillar({ tree: FLEET, privateTree: priv, grains: web1 });
  t.match(r.errors, [{ code: 'PILLAR', file: 'pillar-private/top.sls', line: 3 }]);
  const named = compilePillar({ tree: FLEET, privateTree: priv, grains: web1, names: { private: 'secret' } });
  t.match(named.errors, [{ file: 'secret/top.sls' }]);
});

t.test('a private tree without a top file adds nothing', async (t) => {
  const r = compilePillar({ tree: FLEET, privateTree: new MemTree({ 'x.sls': 'a: 1' }), grains: web1 });
  t.same(r.secrets, { paths: [], values: [] });
  t.same(r.pillar, compilePillar({ tree: FLEET, grains: web1 }).pillar);
});

t.test('grains without an id are refused', async (t) => {
  t.match(compilePillar({ tree: FLEET, grains: {} }).errors, [{ code: 'PILLAR', message: /no 'id'/ }]);
});

t.test('pillarSecrets walks nested dicts and lists', async (t) => {
  t.same(pillarSecrets({ a: { b: { c: 'x' }, d: [1, { e: 'y' }, [true, 'z']] }, f: {}, g: null }), {
    paths: [['a', 'b', 'c'], ['a', 'd'], ['f'], ['g']],
    values: ['x', '1', 'y', 'z'],
  });
});

t.test('errors of the private tree never quote its text; the public tree keeps its excerpts', async (t) => {
  const top = "base:\n  '*':\n    - s\n";
  const cases = ['key: ab: PrivLeakOne999 #x\n', 'pw: ab{%PrivLeakTwo\n', 'pw: "{{ PrivLeakThree.x }}"\n'];
  for (const text of cases) {
    const r = compilePillar({
      tree: pub({}),
      privateTree: new MemTree({ 'top.sls': top, 's.sls': text }, '/srv/pillar-private'),
      grains: web1,
    });
    t.equal(r.errors.length, 1, text);
    t.notMatch(JSON.stringify(r.errors), /PrivLeak/, text);
    t.match(r.errors[0], { code: 'PILLAR', file: 'pillar-private/s.sls', line: Number });
  }
  const shown = compilePillar({ tree: pub({ 'top.sls': top, 's.sls': cases[0] }), grains: web1 });
  t.match(
    shown.errors[0].message,
    /rendered line 1: "key: ab: PrivLeakOne999 #x"/,
    'a public SLS error still shows the line',
  );
});
