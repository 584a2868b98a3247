// The high data state.show_highstate returns: rendered IDs with __sls__/__env__ and automatic
// orders, extensions and exclusions listed as __extend__/__exclude__ rather than applied.
import t from 'tap';
import { MemTree } from '../../../agent/store/tree.ts';
import { compileHighstate } from '../../../agent/compile/highstate.ts';

const ctx = { grains: { id: 'minion' }, pillar: {}, saltenv: 'base' };

const tree = new MemTree({
  'top.sls': 'base:\n  minion:\n    - app\n',
  'app.sls': [
    'exclude:',
    '  - id: gone',
    '  - sls: old',
    'include:',
    '  - base',
    'extend:',
    '  motd:',
    '    file.managed:',
    "      - mode: '0600'",
    'app:',
    '  pkg.installed: []',
    '',
  ].join('\n'),
  'base.sls': 'motd:\n  file.managed:\n    - name: /etc/motd\ngone:\n  test.nop: []\n',
});

t.test('show: the rendered high data, extend and exclude not applied', async (t) => {
  const out = compileHighstate({ tree, ctx, show: true });
  t.same(out.errors, []);
  t.same(out.shown, {
    app: { __sls__: 'app', __env__: 'base', pkg: ['installed', { order: 10002 }] },
    motd: { __sls__: 'base', __env__: 'base', file: [{ name: '/etc/motd' }, 'managed', { order: 10000 }] },
    gone: { __sls__: 'base', __env__: 'base', test: ['nop', { order: 10001 }] },
    __extend__: [{ motd: { __sls__: 'app', __env__: 'base', file: [{ mode: '0600' }, 'managed'] } }],
    __exclude__: [{ id: 'gone' }, { sls: 'old' }],
  });
  // the compiled result still applies both
  t.notOk('gone' in out.high);
  t.match(out.high.motd.file, [{ name: '/etc/motd' }, 'managed', { order: 10000 }, { mode: '0600' }]);
  t.equal(compileHighstate({ tree, ctx }).shown, undefined, 'only when asked');
});
