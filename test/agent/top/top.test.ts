import t from 'tap';
import { NO_TOP_MATCHES, matchTop } from '../../../agent/top/top.ts';
import { MemTree } from '../../../agent/store/tree.ts';
import { readTop } from '../../../agent/top/read.ts';

const SLS = ['common', 'users/admin', 'users/dev', 'users/init', 'nginx', 'postgres', 'redis', 'tools', 'mail'];

function tree(top: string, extra: Record<string, string> = {}): MemTree {
  const files: Record<string, string> = { 'top.sls': top, ...extra };
  for (const s of SLS) files[`${s}.sls`] ??= '';
  return new MemTree(files, '/srv/states');
}

function ctx(id: string, grains: Record<string, unknown> = {}, pillar: Record<string, unknown> = {}) {
  return { grains: { id, ...grains }, pillar, saltenv: 'base' };
}

const FLEET = `base:
  '*':
    - common
    - users
  'web*':
    - nginx
    - common
  'roles:db':
    - match: grain
    - postgres
  'cache1,cache2':
    - match: list
    - redis
  'G@roles:db and not db2':
    - tools
  'level:production':
    - match: pillar
    - mail
`;

t.test('SLS come in top-file order, each once', async (t) => {
  const tr = tree(FLEET);
  t.same(matchTop(tr, ctx('web1')), { top: { base: ['common', 'users', 'nginx'] }, errors: [] });
  t.same(matchTop(tr, ctx('db1', { roles: ['db'] })).top, { base: ['common', 'users', 'postgres', 'tools'] });
  t.same(matchTop(tr, ctx('db2', { roles: ['db'] })).top, { base: ['common', 'users', 'postgres'] });
  t.same(matchTop(tr, ctx('cache2')).top, { base: ['common', 'users', 'redis'] });
  t.same(
    matchTop(tr, ctx('mx1', {}, { level: 'production' })).top,
    { base: ['common', 'users', 'mail'] },
    'pillar matcher reads ctx.pillar',
  );
});

t.test('targets are compound expressions unless a matcher is named', async (t) => {
  const tr = tree(`base:
  'web* or db*':
    - nginx
  'redis* or db*':
    - match: glob
    - redis
  'db[0-9]':
    - postgres
  'E@^mx\\d+$':
    - mail
  'db\\d':
    - match: pcre
    - tools
`);
  t.same(matchTop(tr, ctx('db1')).top, { base: ['nginx', 'postgres', 'tools'] });
  t.same(matchTop(tr, ctx('mx12')).top, { base: ['mail'] });
});

t.test('the match option may stand anywhere in the list', async (t) => {
  const tr = tree(`base:
  'roles:db':
    - postgres
    - match: grain
    - tools
`);
  t.same(matchTop(tr, ctx('x', { roles: 'db' })).top, { base: ['postgres', 'tools'] });
});

t.test('the top file is a template rendered with grains, pillar and saltenv', async (t) => {
  const tr = tree(`{{ saltenv }}:
  '*':
    - common
{% if grains.level == 'production' %}
    - mail
{% endif %}
{% for r in grains.roles %}
  'G@roles:{{ r }}':
    - {{ {'db': 'postgres', 'cache': 'redis'}[r] }}
{% endfor %}
`);
  t.same(matchTop(tr, ctx('h', { level: 'production', roles: ['db', 'cache'] })).top, {
    base: ['common', 'mail', 'postgres', 'redis'],
  });
  t.same(matchTop(tr, ctx('h', { level: 'staging', roles: [] })).top, { base: ['common'] });
});

t.test('SLS globs expand to the tree, sorted; a glob that matches nothing stays', async (t) => {
  const tr = tree(`base:
  '*':
    - users.*
    - nope.*
    - users
`);
  t.same(matchTop(tr, ctx('h')).top, { base: ['users.admin', 'users.dev', 'nope.*', 'users'] });
});

t.test('several saltenvs, {env: sls} items and subfilter', async (t) => {
  const tr = tree(`base:
  '*':
    - common
    - dev: tools
  'web*':
    - nginx
    - subfilter:
        'G@roles:db':
          - postgres
        'web1':
          - redis
dev:
  'web*':
    - mail
`);
  t.same(matchTop(tr, ctx('web1')).top, { base: ['common', 'nginx', 'redis'], dev: ['tools', 'mail'] });
  t.same(matchTop(tr, ctx('web2', { roles: ['db'] })).top, {
    base: ['common', 'nginx', 'postgres'],
    dev: ['tools', 'mail'],
  });
  t.same(matchTop(tr, ctx('db1')).top, { base: ['common'], dev: ['tools'] });
});

t.test('include: targets from other top files, a repeated target replaced in place', async (t) => {
  const tr = tree(
    `include:
  - tops.*
base:
  '*':
    - common
  'web*':
    - nginx
`,
    {
      'tops/extra.sls': `base:
  'web*':
    - mail
  'db*':
    - postgres
`,
    },
  );
  t.same(matchTop(tr, ctx('web1')).top, { base: ['common', 'mail'] });
  t.same(matchTop(tr, ctx('db1')).top, { base: ['common', 'postgres'] });
  const bad = tree("include:\n  - missing.top\nbase:\n  '*':\n    - common\n");
  const r = matchTop(bad, ctx('h'));
  t.same(r.top, { base: ['common'] });
  t.match(r.errors, [{ code: 'TOP', file: 'top.sls', line: 2, message: /include 'missing.top' matches no SLS/ }]);
});

t.test('no top file, an empty one, or no matching target: Salt\'s "no matches" error', async (t) => {
  const none = matchTop(new MemTree({ 'common.sls': '' }, '/srv/states'), ctx('h'));
  t.same(none.top, {});
  t.match(none.errors, [{ code: 'TOP', message: `${NO_TOP_MATCHES}: no top file top.sls in /srv/states` }]);
  const empty = matchTop(tree(''), ctx('h'));
  t.match(empty.errors, [{ code: 'TOP', message: new RegExp(`${NO_TOP_MATCHES}: no target in top.sls matches 'h'`) }]);
  const nomatch = matchTop(tree("base:\n  'web*':\n    - nginx\n"), ctx('db1'));
  t.same(nomatch.top, {});
  t.equal(nomatch.errors.length, 1);
  const emptyList = matchTop(tree("base:\n  '*': []\n"), ctx('db1'));
  t.same(emptyList, { top: { base: [] }, errors: [] }, 'a matching target with no SLS is not an error');
});

t.test('another top file name', async (t) => {
  const tr = tree('', { 'alt/top.sls': "base:\n  '*':\n    - tools\n" });
  t.same(matchTop(tr, ctx('h'), 'alt/top.sls').top, { base: ['tools'] });
});

t.test('structure errors name the file and line; the other targets still apply', async (t) => {
  const tr = tree(`base:
  '*':
    - common
  'roles:db':
    - match: grains
    - postgres
  'web*': nginx
  'db*':
    - ''
    - 42
    - mtach: grain
    - match:
  'bad( and':
    - tools
  'G@roles':
    - mail
other: [a]
`);
  const r = matchTop(tr, ctx('db1', { roles: ['db'] }));
  t.same(r.top, { base: ['common'] });
  t.match(r.errors, [
    { code: 'TOP', file: 'top.sls', line: 5, message: /unknown matcher 'grains'/ },
    { code: 'TOP', file: 'top.sls', line: 7, message: /target 'web\*' in saltenv 'base' must be a list/ },
    { code: 'TOP', file: 'top.sls', line: 9, message: /empty SLS name/ },
    { code: 'TOP', file: 'top.sls', line: 10, message: /42 is neither an SLS name nor an option/ },
    { code: 'TOP', file: 'top.sls', line: 11, message: /unknown option 'mtach'/ },
    { code: 'TOP', file: 'top.sls', line: 12, message: /option 'match' has no value/ },
    { code: 'TOP', file: 'top.sls', line: 17, message: /saltenv 'other' must map targets/ },
    { code: 'TOP', file: 'top.sls', line: 13, message: /target 'bad\( and' \(compound\): .*parentheses/ },
    {
      code: 'TOP',
      file: 'top.sls',
      line: 15,
      message: /target 'G@roles' \(compound\): grain target 'roles' has no ':'/,
    },
  ]);
  t.equal(r.errors.length, 9);
});

t.test('render errors keep their codes and lines', async (t) => {
  const tpl = matchTop(tree("base:\n  '*':\n    - {{ nope( }}\n"), ctx('h'));
  t.match(tpl.errors, [{ code: 'RENDER_TEMPLATE', file: 'top.sls' }]);
  const yaml = matchTop(tree("base:\n  '*':\n    - a\n  '*':\n    - b\n"), ctx('h'));
  t.match(yaml.errors, [{ code: 'RENDER_YAML', file: 'top.sls', line: 4 }]);
  const list = matchTop(tree('- a\n- b\n'), ctx('h'));
  t.match(list.errors, [{ code: 'TOP', message: /must map saltenvs to targets/, line: 1 }]);
});

t.test('a context without grains.id is an error', async (t) => {
  const r = matchTop(tree(FLEET), { grains: {}, pillar: {}, saltenv: 'base' });
  t.same(r.top, {});
  t.match(r.errors, [{ code: 'TOP', message: /grains have no 'id'/ }]);
});

t.test('readTop keeps options and lines for pillar top files', async (t) => {
  const r = readTop(
    tree(`base:
  '*':
    - order: 10
    - ignore_missing: True
    - common
  'web*':
    - nginx
`),
    ctx('h'),
  );
  t.equal(r.found, true);
  t.match(r.targets, [
    {
      saltenv: 'base',
      target: '*',
      match: 'compound',
      order: 10,
      ignoreMissing: true,
      line: 2,
      items: [{ kind: 'sls', sls: 'common', line: 5, file: 'top.sls' }],
    },
    { target: 'web*', order: 0, ignoreMissing: false, line: 6, items: [{ sls: 'nginx', line: 7 }] },
  ]);
});
