// The `salt` dict: traversal, filter_by, mine targeting, extra functions (Salt's semantics).
import t from 'tap';
import { saltFunctions, traverse, filterBy } from '../../../agent/render/salt.ts';
import { mineGet } from '../../../agent/render/mine.ts';
import type { RenderContext } from '../../../agent/render/context.ts';

const kw = (o: Record<string, unknown>) => ({ ...o, __keywords: true });

t.test('traverse walks dicts, list indexes and dicts inside lists', async (t) => {
  const data = { a: { b: [{ c: 1 }, { d: 2 }, 'x'] }, n: null };
  t.equal(traverse(data, 'a:b:0:c', 'dflt'), 1);
  t.equal(traverse(data, 'a:b:d', 'dflt'), 2, 'key looked up in the dicts of a list');
  t.equal(traverse(data, 'a:b:-1', 'dflt'), 'x', 'negative index');
  t.equal(traverse(data, 'a:b:9', 'dflt'), 'dflt');
  t.equal(traverse(data, 'a/b/1/d', 'dflt', '/'), 2);
  t.equal(traverse(data, 'n:x', 'dflt'), 'dflt');
  t.equal(traverse(data, 'n', 'dflt'), null, 'an existing null is returned');
});

t.test('filter_by', async (t) => {
  const grains = { os_family: 'Debian', os: 'Ubuntu', roles: ['db', 'web'] };
  t.equal(filterBy({ Debian: 1, RedHat: 2 }, 'os_family', grains, null, 'default', null), 1);
  t.equal(filterBy({ 'Ubu*': 1, default: 2 }, 'os', grains, null, 'default', null), 1, 'glob keys');
  t.equal(
    filterBy({ web: 'W', db: 'D' }, 'roles', grains, null, 'default', null),
    'D',
    'first grain value with a match wins',
  );
  t.equal(filterBy({ RedHat: 2 }, 'os_family', grains, null, 'default', null), null);
  t.same(filterBy({ Debian: { a: 1 } }, 'os_family', grains, { b: 2 }, 'default', null), { a: 1, b: 2 });
  t.same(
    filterBy({ RedHat: 1 }, 'os_family', grains, { b: 2 }, 'default', null),
    { b: 2 },
    'merge alone when nothing matched',
  );
  t.throws(
    () => filterBy({ Debian: 1 }, 'os_family', grains, [1], 'default', null),
    /merge argument must be a dictionary/,
  );
  t.throws(
    () => filterBy({ base: { a: 1 }, Debian: 'x' }, 'os_family', grains, null, 'default', 'base'),
    /must both be dictionaries/,
  );
  const table = { Debian: { a: { x: 1 } } };
  filterBy(table, 'os_family', grains, { a: { y: 2 } }, 'default', null);
  t.same(table, { Debian: { a: { x: 1 } } }, 'the lookup table is not modified');
});

t.test('mine.get target types', async (t) => {
  const mine = { web1: { f: 1 }, web2: { f: 2 }, db1: { f: 3, g: 4 } };
  t.same(mineGet(mine, 'web*', 'f'), { web1: 1, web2: 2 });
  t.same(mineGet(mine, 'w?b[12]', 'f'), { web1: 1, web2: 2 });
  t.same(mineGet(mine, 'web[!1]', 'f'), { web2: 2 });
  t.same(mineGet(mine, 'db1, web2', 'f', 'list'), { db1: 3, web2: 2 });
  t.same(mineGet(mine, ['web1'], 'f', 'list'), { web1: 1 });
  t.same(mineGet(mine, 'web', 'f', 'pcre'), { web1: 1, web2: 2 }, 'pcre matches at the start');
  t.same(mineGet(mine, '*', 'g'), { db1: 4 });
  t.same(mineGet(undefined, '*', 'g'), {});
  t.throws(() => mineGet(mine, 'a:b', 'f', 'pillar'), /tgt_type 'pillar' is not supported/);
  t.throws(() => mineGet(mine, 'G@x', 'f', 'compound'), /has no ':'/, 'a malformed compound word');
});

t.test('functions bound with Python arguments', async (t) => {
  const ctx: RenderContext = {
    grains: { id: 'web1', os_family: 'Debian' },
    pillar: { a: { b: 1 } },
    saltenv: 'base',
    opts: { x: 'from-opts' },
    mine: { web1: { f: 1 }, web2: { f: 2 } },
    functions: { 'network.ip_addrs': () => ['10.0.0.1'], 'test.ping': () => 'overridden' },
  };
  const salt = saltFunctions(ctx) as Record<string, (...a: unknown[]) => unknown>;
  t.equal(saltFunctions(ctx), salt, 'built once per context');
  t.equal(salt['pillar.get']('a:b'), 1);
  t.equal(salt['pillar.get'](kw({ key: 'a:z', default: 5 })), 5);
  t.equal(salt['config.get']('x'), 'from-opts');
  t.equal(salt['config.get']('x', kw({ omit_opts: true, default: 'd' })), 'd');
  t.equal(salt['config.option']('x'), 'from-opts');
  t.same(salt['mine.get']('web*', 'f', kw({ exclude_minion: true })), { web2: 2 });
  t.same(salt['mine.get']('web1', 'f', kw({ expr_form: 'list' })), { web1: 1 }, 'old expr_form keyword');
  t.same(salt['network.ip_addrs'](), ['10.0.0.1'], 'extra functions are available');
  t.equal(salt['test.ping'](), 'overridden', 'extra functions replace built-in ones');
  t.same(salt['pillar.keys']('a'), ['b']);
  t.throws(() => salt['pillar.keys']('zz'), /Pillar key not found: zz/);
  t.same(salt['slsutil.merge']({ a: { b: 1 } }, { a: { c: 2 } }), { a: { b: 1, c: 2 } });
  t.throws(() => salt['grains.get'](), /grains\.get\(\) missing required argument 'key'/);
});
