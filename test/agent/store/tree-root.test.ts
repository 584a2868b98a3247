// The agent's trees on disk (local mode) read through the same resolver as the master's: symlinks
// that leave a tree or enter another root are refused for reads, SLS, top files and salt:// sources.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileHighstate } from '../../../agent/compile/highstate.ts';
import { loadSource } from '../../../agent/states/file/source.ts';
import { makeContext, silentLogger } from '../../../agent/states/context.ts';
import { TreeEscape, TreeRoot, treeRoots } from '../../../agent/store/tree-root.ts';
import { FsTree, MemTree } from '../../../agent/store/tree.ts';
import { ManifestTree } from '../../../agent/store/manifest-tree.ts';
import { Cas } from '../../../agent/store/cas.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-tree-root-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const put = (path: string, text: string): void => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};
const link = (path: string, target: string): void => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  symlinkSync(target, join(dir, path));
};

put('outside.txt', 'OUTSIDE-CANARY\n');
put('states/top.sls', "base:\n  '*':\n    - ok\n    - linked\n");
put('states/ok.sls', 'conf:\n  file.managed:\n    - name: /etc/x\n    - source: salt://files/x\n');
put('states/files/x', 'x\n');
link('states/linked.sls', '../outside.txt');
link('states/files/out', '../../outside.txt');
link('states/files/in', 'x');
put('pillar/private/db.sls', 'pw: PRIVATE-CANARY\n');

t.test('resolve: inside, missing, outside, fenced', async (t) => {
  const roots = treeRoots({
    states: join(dir, 'states'),
    pillar: join(dir, 'pillar'),
    privatePillar: join(dir, 'pillar/private'),
  });
  t.match(roots.states.resolve('files/in'), /states\/files\/x$/);
  t.equal(roots.states.resolve('nope'), undefined);
  t.throws(() => roots.states.resolve('files/out'), TreeEscape);
  t.throws(() => roots.states.resolve('../outside.txt'), /escapes the tree/);
  t.throws(() => roots.pillar!.resolve('private/db.sls'), /inside the private pillar/);
  t.match(roots.privatePillar!.resolve('db.sls'), /db\.sls$/, 'the private tree reads its own files');
  t.same(
    roots.pillar!.files().map((f) => f.path),
    [],
    'a listing leaves the fenced tree out',
  );
  t.same(new TreeRoot(join(dir, 'missing')).files(), []);
});

t.test(
  'local mode: a symlinked SLS and a salt:// source outside the tree are errors without their contents',
  async (t) => {
    const tree = new FsTree(join(dir, 'states'));
    const r = compileHighstate({ tree, ctx: { grains: { id: 'h' }, pillar: {}, saltenv: 'base' } });
    t.match(r.errors, [{ file: 'linked.sls', message: /outside/ }]);
    t.notMatch(JSON.stringify(r), 'OUTSIDE-CANARY');
    const ctx = makeContext({ tree, log: silentLogger });
    t.match(loadSource('salt://files/out', ctx), { text: '', error: /outside/ });
    t.match(loadSource('salt://files/in', ctx), { text: 'x\n' });
  },
);

t.test('a shipped tree cannot name a path above its top', async (t) => {
  t.throws(() => new ManifestTree({ '../etc/shadow': 'a'.repeat(64) }, new Cas(join(dir, 'cas'))), /escapes the tree/);
  t.throws(() => new MemTree({ 'a/../../x': '' }), /escapes the tree/);
});
