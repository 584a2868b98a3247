// Draft chunks from high data: raw requisites, argument split, names, order.
import t from 'tap';
import type { HighData } from '../../../agent/protocol.ts';
import { compileLow, splitArgs } from '../../../agent/compile/low.ts';

const decl = (modules: Record<string, unknown[]>, sls = 'a') => ({
  __sls__: sls,
  __env__: 'base',
  __file__: `${sls}.sls`,
  __line__: 1,
  ...modules,
});

t.test('every requisite keyword becomes one raw requisite per target', async (t) => {
  const high: HighData = {
    a: decl({
      test: [
        'nop',
        { require: [{ pkg: 'vim' }, 'bare-id', { sls: 'web.*' }] },
        { watch_in: [{ service: 'nginx' }] },
        { onchanges_any: [{ file: '/etc/x' }] },
        { onfail_all: ['f1'] },
        { prereq: [{ cmd: 'c' }] },
        { listen_in: [{ service: 'nginx' }] },
        { use: [{ file: 'tmpl' }] },
        { use_in: ['other'] },
        { require_in: { pkg: 'curl' } },
        { order: 10000 },
      ],
    }),
  };
  const { drafts, errors } = compileLow(high, ['a']);
  t.same(errors, []);
  t.equal(drafts.length, 1);
  t.same(drafts[0].raw, [
    { kind: 'require', state: 'pkg', ref: 'vim' },
    { kind: 'require', state: 'id', ref: 'bare-id' },
    { kind: 'require', state: 'sls', ref: 'web.*' },
    { kind: 'watch_in', state: 'service', ref: 'nginx' },
    { kind: 'onchanges_any', state: 'file', ref: '/etc/x' },
    { kind: 'onfail_all', state: 'id', ref: 'f1' },
    { kind: 'prereq', state: 'cmd', ref: 'c' },
    { kind: 'listen_in', state: 'service', ref: 'nginx' },
    { kind: 'use', state: 'file', ref: 'tmpl' },
    { kind: 'use_in', state: 'id', ref: 'other' },
    { kind: 'require_in', state: 'pkg', ref: 'curl' },
  ]);
  t.same(drafts[0].args, {});
  t.same(drafts[0].meta, {});
  t.equal(drafts[0].order, 10000);
});

t.test('a null requisite target is skipped, a dotted type is shortened to its module', async (t) => {
  const high: HighData = { a: decl({ test: ['nop', { require: [{ pkg: null }, { 'pkg.installed': 'vim' }] }] }) };
  t.same(compileLow(high, ['a']).drafts[0].raw, [{ kind: 'require', state: 'pkg', ref: 'vim' }]);
});

t.test('requisites naming a broken declaration are dropped', async (t) => {
  const high: HighData = { a: decl({ test: ['nop', { require: [{ pkg: 'broken' }, { pkg: 'fine' }] }] }) };
  t.same(compileLow(high, ['a'], new Set(['broken'])).drafts[0].raw, [{ kind: 'require', state: 'pkg', ref: 'fine' }]);
});

t.test('names: one chunk per entry, per-entry requisites and args, index in declaration order', async (t) => {
  const high: HighData = {
    first: decl({ test: ['nop', { order: 10000 }] }),
    users: decl({
      user: [
        'present',
        { shell: '/bin/sh' },
        { require: [{ group: 'staff' }] },
        { names: ['moe', { larry: [{ shell: '/bin/zsh' }, { require: [{ group: 'admin' }] }] }] },
        { order: 10001 },
      ],
    }),
  };
  const { drafts } = compileLow(high, ['first', 'users']);
  t.same(
    drafts.map((d) => [d.tag, d.index, d.order]),
    [
      ['test_|-first_|-first_|-nop', 0, 10000],
      ['user_|-users_|-moe_|-present', 1, 10001.0001],
      ['user_|-users_|-larry_|-present', 2, 10001.0002],
    ],
  );
  t.same(drafts[1].raw, [{ kind: 'require', state: 'group', ref: 'staff' }]);
  t.same(drafts[1].args, { shell: '/bin/sh' });
  t.same(
    drafts[2].raw,
    [{ kind: 'require', state: 'group', ref: 'admin' }],
    'the entry replaces the declaration-level list',
  );
  t.same(drafts[2].args, { shell: '/bin/zsh' });
});

t.test('ids not listed are not compiled; listed order wins over object order', async (t) => {
  const high: HighData = { '2': decl({ test: ['nop'] }), b: decl({ test: ['nop'] }), skipped: decl({ test: ['nop'] }) };
  t.same(
    compileLow(high, ['b', '2']).drafts.map((d) => d.id),
    ['b', '2'],
  );
});

t.test('splitArgs', async (t) => {
  const s = splitArgs({
    name: 'x',
    names: ['y'],
    order: 1,
    state: 'pkg',
    fun: 'installed',
    __id__: 'x',
    source: 's',
    unless: 'true',
    runas: 'app',
    require: ['z'],
    onfail_stop: true,
  });
  t.same(s.args, { source: 's', runas: 'app' });
  t.same(s.meta, { unless: 'true', runas: 'app', onfail_stop: true });
  t.same(s.raw, [{ kind: 'require', state: 'id', ref: 'z' }]);
});
