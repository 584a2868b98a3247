// compileHighstate as a whole: high data shape, determinism, errors withhold chunks.
import t from 'tap';
import { MemTree } from '../../../agent/store/tree.ts';
import { compileHighstate } from '../../../agent/compile/highstate.ts';

const ctx = { grains: { id: 'minion' }, pillar: {}, saltenv: 'base' };

const tree = new MemTree({
  'top.sls': "base:\n  '*':\n    - app\n",
  'app.sls': [
    'include:',
    '  - base',
    'extend:',
    '  motd:',
    '    file:',
    '      - require:',
    '        - pkg: app',
    'app:',
    '  pkg.installed: []',
    '  service.running:',
    '    - watch:',
    '      - pkg: app',
    '',
  ].join('\n'),
  'base.sls':
    'motd:\n  file.managed:\n    - name: /etc/motd\n    - require:\n      - pkg: base-files\nbase-files: pkg.installed\n',
});

t.test('high data: Salt shape with origin, automatic orders and extensions applied', async (t) => {
  const out = compileHighstate({ tree, ctx });
  t.same(out.errors, []);
  t.same(out.top, { base: ['app'] });
  t.same(out.high, {
    app: {
      __sls__: 'app',
      __env__: 'base',
      __file__: 'app.sls',
      __line__: 8,
      pkg: ['installed', { order: 10002 }],
      service: [{ watch: [{ pkg: 'app' }] }, 'running', { order: 10003 }],
    },
    motd: {
      __sls__: 'base',
      __env__: 'base',
      __file__: 'base.sls',
      __line__: 1,
      file: [{ name: '/etc/motd' }, { require: [{ pkg: 'base-files' }, { pkg: 'app' }] }, 'managed', { order: 10000 }],
    },
    'base-files': {
      __sls__: 'base',
      __env__: 'base',
      __file__: 'base.sls',
      __line__: 6,
      pkg: ['installed', { order: 10001 }],
    },
  });
  t.same(Object.keys(out.high), ['app', 'motd', 'base-files'], "Salt's high-data order: own IDs, then included");
});

t.test('the same tree and context give the same output', async (t) => {
  const a = JSON.stringify(compileHighstate({ tree, ctx }));
  t.equal(JSON.stringify(compileHighstate({ tree, ctx })), a, 'compiling again (renderer caches warm) changes nothing');
  const b = JSON.stringify(
    compileHighstate({ tree: new MemTree({ ...Object.fromEntries(tree.list().map((p) => [p, tree.read(p)!])) }), ctx }),
  );
  t.equal(a, b);
});

t.test('compiling does not change the tree or the context', async (t) => {
  const pillar = { users: ['a'] };
  const c = { grains: { id: 'minion' }, pillar, saltenv: 'base' };
  const before = JSON.stringify(c);
  compileHighstate({ tree, ctx: c });
  t.equal(JSON.stringify(c), before);
});

t.test('any error withholds every chunk', async (t) => {
  const bad = new MemTree({ 'a.sls': 'ok: test.nop\nbad: pkg.installed\n' });
  const out = compileHighstate({ tree: bad, ctx, sls: ['a', 'missing'] });
  t.match(out.errors, [{ code: 'SLS_NOT_FOUND' }]);
  t.same(out.chunks, []);
  t.ok(out.high.ok, 'high data is still returned for inspection');
});

// Salt compiles an unknown state function and fails it when it runs (salt/state.py State.call:
// "State 'x.y' was not found in SLS 'z'"); the other states run.
t.test('an unknown state function is a warning, and its chunk is kept', async (t) => {
  const tree = new MemTree({ 'a.sls': 'ok: test.nop\nbad: pkg.nothing\n' });
  const out = compileHighstate({ tree, ctx, sls: ['a'] });
  t.same(out.errors, []);
  t.match(out.warnings, [
    { code: 'UNKNOWN_FUNCTION', id: 'bad', message: /^State 'pkg.nothing' was not found in SLS 'a'/ },
  ]);
  t.same(
    out.chunks.map((c) => c.id),
    ['ok', 'bad'],
  );
});

// Salt's state_auto_order (salt/state.py BaseHighState._handle_iorder; doc/ref/configuration/
// master.rst "state_auto_order"): when false, declarations without `order` get none, so they all
// share the cap and run by state + name + function, their requisites first; an explicit `order`
// still counts.
t.test('state_auto_order false: no automatic order, so state + name + function decide', async (t) => {
  const sls = new MemTree({
    'main.sls': [
      'zeta:',
      '  test.nop',
      'alpha:',
      '  test.nop',
      'early:',
      '  test.nop:',
      '    - order: 1',
      'needs-zeta:',
      '  test.nop:',
      '    - require:',
      '      - test: zeta',
      '',
    ].join('\n'),
  });
  const ids = (autoOrder: boolean) =>
    compileHighstate({ tree: sls, ctx, sls: ['main'], autoOrder }).chunks.map((c) => c.id);
  t.same(ids(true), ['early', 'zeta', 'alpha', 'needs-zeta'], 'written order by default');
  const off = compileHighstate({ tree: sls, ctx, sls: ['main'], autoOrder: false });
  t.same(off.errors, []);
  const ordered = Object.entries(off.high).filter(([, d]) =>
    (d.test as unknown[]).some((a) => typeof a === 'object' && a !== null && 'order' in a),
  );
  t.same(
    ordered.map(([id]) => id),
    ['early'],
    'only the explicit order is in the high data',
  );
  // alpha < needs-zeta < zeta by name; needs-zeta requires zeta, which therefore runs right before it
  t.same(ids(false), ['early', 'alpha', 'zeta', 'needs-zeta']);
});
