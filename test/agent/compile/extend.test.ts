// extend merging and exclude, on high data.
import t from 'tap';
import type { HighData } from '../../../agent/protocol.ts';
import type { ExtendDecl, ExcludeDecl } from '../../../agent/compile/sls-decls.ts';
import { applyExtends, applyExcludes } from '../../../agent/compile/extend.ts';

const decl = (sls: string, modules: Record<string, unknown[]>) => ({
  __sls__: sls,
  __env__: 'base',
  __file__: `${sls}.sls`,
  ...modules,
});
const ext = (id: string, body: Record<string, unknown[]>, sls = 'e'): ExtendDecl => ({
  id,
  body,
  sls,
  env: 'base',
  file: `${sls}.sls`,
  line: 1,
});

t.test('requisite lists are appended, other arguments replaced, functions replaced', async (t) => {
  const high: HighData = {
    svc: decl('a', { service: ['running', { require: [{ pkg: 'a' }] }, { enable: false }, { order: 10000 }] }),
  };
  const errors = applyExtends(
    high,
    ['svc'],
    [ext('svc', { service: [{ require: [{ pkg: 'b' }] }, { watch: [{ file: 'c' }] }, { enable: true }, 'dead'] })],
    [],
    new Set(),
  );
  t.same(errors, []);
  t.same(high.svc.service, [
    'dead',
    { require: [{ pkg: 'a' }, { pkg: 'b' }] },
    { enable: true },
    { order: 10000 },
    { watch: [{ file: 'c' }] },
  ]);
});

t.test('two extensions of one requisite both append, in order', async (t) => {
  const high: HighData = { svc: decl('a', { service: ['running', { watch: [{ file: 'a' }] }] }) };
  applyExtends(
    high,
    ['svc'],
    [ext('svc', { service: [{ watch: [{ file: 'b' }] }] }), ext('svc', { service: [{ watch: [{ file: 'c' }] }] })],
    [],
    new Set(),
  );
  t.same(high.svc.service, ['running', { watch: [{ file: 'a' }, { file: 'b' }, { file: 'c' }] }]);
});

t.test('the extension data is copied, not shared', async (t) => {
  const high: HighData = { x: decl('a', { test: ['nop'] }), y: decl('a', { test: ['nop'] }) };
  const body = { test: [{ require: ['z'] }] };
  applyExtends(high, ['x', 'y'], [ext('x', body), ext('y', body)], [], new Set());
  ((high.x.test as unknown[])[1] as { require: unknown[] }).require.push('w');
  t.same(high.y.test, ['nop', { require: ['z'] }]);
});

t.test('target by name, ambiguous names and missing targets', async (t) => {
  const high: HighData = {
    c1: decl('a', { file: ['managed', { name: '/etc/x' }] }),
    c2: decl('a', { file: ['managed', { name: '/etc/dup' }] }),
    c3: decl('a', { file: ['managed', { name: '/etc/dup' }] }),
  };
  const errors = applyExtends(
    high,
    ['c1', 'c2', 'c3'],
    [
      ext('/etc/x', { file: [{ mode: '0600' }] }),
      ext('/etc/dup', { file: [{ mode: '0600' }] }),
      ext('nothing', { file: [{ mode: '0600' }] }),
      ext('broken', { file: [{ mode: '0600' }] }),
    ],
    [],
    new Set(['broken']),
  );
  t.same(high.c1.file, ['managed', { name: '/etc/x' }, { mode: '0600' }]);
  t.match(errors, [
    { code: 'EXTEND_MISSING', id: '/etc/dup', file: 'e.sls', line: 1, message: /several IDs \(c2, c3\)/ },
    {
      code: 'EXTEND_MISSING',
      id: 'nothing',
      message: /It is not part of the high state: a missing include or a mistyped ID/,
    },
  ]);
  t.equal(errors.length, 2);
});

t.test('exclude by sls glob and by id', async (t) => {
  const high: HighData = {
    a1: decl('a', { test: ['nop'] }),
    w1: decl('web.one', { test: ['nop'] }),
    w2: decl('web.two', { test: ['nop'] }),
    b1: decl('b', { test: ['nop'] }),
  };
  const ex = (kind: 'sls' | 'id', value: string): ExcludeDecl => ({ kind, value, sls: 'x', file: 'x.sls' });
  t.same(applyExcludes(high, ['a1', 'w1', 'w2', 'b1'], [ex('sls', 'web.*'), ex('id', 'b1')]), ['a1']);
  t.same(Object.keys(high), ['a1']);
});
