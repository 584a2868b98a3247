// Symlinks in the trees: every file the master reads from states/, pillar/ or the private pillar,
// and every file it ships, stays inside its own root; the private pillar is never reachable from
// the public trees, whether a symlink points into it or it is nested inside them.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../../master/cli.ts';
import { hostPillar } from '../../../master/commands/compile-host.ts';
import { buildEnvelope } from '../../../master/push/envelope.ts';
import { ManifestCache } from '../../../master/push/manifest.ts';
import { findHost, openWorkspace } from '../../../master/config/workspace.ts';

const SHADOW = 'root:$6$canary-shadow-hash-4e1f:19700:0:99999:7:::';
const DB_SECRET = 'db1-only-secret-7c2a';

const made: string[] = [];
t.teardown(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A workspace with `files` written and `links` (path → target) made as symlinks. */
function workspace(files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'halite-roots-'));
  made.push(dir);
  const all: Record<string, string> = {
    'halite.yaml': 'levels:\n  staging: {}\n',
    'roster.yaml':
      'web1:\n  host: 10.77.1.10\n  level: staging\n  roles: [web]\ndb1:\n  host: 10.77.1.11\n  level: staging\n  roles: [db]\n',
    'outside/shadow': `${SHADOW}\n`,
    'pillar-private/top.sls': "base:\n  'db1':\n    - db\n",
    'pillar-private/db.sls': `db_password: ${DB_SECRET}\n`,
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  for (const [path, target] of Object.entries(links)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    symlinkSync(target, join(dir, path));
  }
  return dir;
}

async function halite(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = {
    out: '',
    err: '',
    env: { USER: 't' },
    cwd: dir,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  const code = await main(['--config', join(dir, 'halite.yaml'), ...args], io);
  return { code, out: io.out, err: io.err };
}

const STATES = {
  'states/top.sls': "base:\n  '*':\n    - common\n",
  'states/common.sls': 'motd:\n  test.nop:\n    - text: hello\n',
};

t.test('a symlink in states/ to a file outside the tree: show prints an error, never its contents', async (t) => {
  const dir = workspace(
    {
      ...STATES,
      'states/leak.sls': "{% import_text 'shadow' as s %}\nleak:\n  test.nop:\n    - text: {{ s | json }}\n",
    },
    { 'states/shadow': '../outside/shadow', 'states/evil.sls': '../outside/shadow' },
  );
  for (const sls of ['leak', 'evil']) {
    for (const out of ['yaml', 'json']) {
      const r = await halite(dir, 'show', 'sls', sls, '--host', 'web1', '--out', out);
      t.not(r.code, 0, `show sls ${sls} --out ${out} fails`);
      t.notMatch(r.out + r.err, 'canary-shadow-hash', `show sls ${sls} --out ${out}: the file outside is not printed`);
      t.match(r.out + r.err, /outside .*files are read only from inside their own tree/, 'the error says why');
    }
  }
});

t.test("a symlink in pillar/ to another host's private pillar file: not loaded, not sent, not shown", async (t) => {
  const dir = workspace(
    {
      ...STATES,
      'pillar/top.sls': "base:\n  '*':\n    - common\n",
      'pillar/common.sls': "{% import_text 'stolen.txt' as stolen %}\nstolen: {{ stolen | json }}\n",
    },
    { 'pillar/stolen.txt': '../pillar-private/db.sls' },
  );
  const ws = openWorkspace({ env: {}, cwd: dir, config: join(dir, 'halite.yaml') });
  const web1 = findHost(ws, 'web1');
  const p = hostPillar(ws, web1);
  t.notMatch(JSON.stringify(p.pillar), DB_SECRET, "web1's pillar does not hold db1's secret");
  t.match(p.errors, [{ code: 'PILLAR', message: /inside the private pillar/ }]);
  const built = buildEnvelope({
    jid: '1',
    host: web1,
    pillar: ws.pillar,
    privatePillar: ws.privatePillar,
    manifest: {},
    test: false,
  });
  t.equal(built.envelope, undefined, 'no envelope is built for web1');
  t.notMatch(JSON.stringify(built), DB_SECRET);
  const r = await halite(dir, 'show', 'highstate', '--host', 'web1', '--out', 'json');
  t.not(r.code, 0);
  t.notMatch(r.out + r.err, DB_SECRET);
  // db1 still receives its own secret, from the private tree
  t.equal(hostPillar(ws, findHost(ws, 'db1')).pillar.db_password, DB_SECRET);
});

t.test('a private pillar nested inside the public pillar or the state tree is fenced off from them', async (t) => {
  const dir = workspace({
    'halite.yaml': 'levels:\n  staging: {}\nprivate_pillar: states/secret\n',
    ...STATES,
    'states/peek.sls': "{% import_text 'secret/db.sls' as s %}\npeek:\n  test.nop:\n    - text: {{ s | json }}\n",
    'states/secret/top.sls': "base:\n  'db1':\n    - db\n",
    'states/secret/db.sls': `db_password: ${DB_SECRET}\n`,
    'pillar/top.sls': "base:\n  '*':\n    - common\n",
    'pillar/common.sls': 'plain: 1\n',
  });
  const ws = openWorkspace({ env: {}, cwd: dir, config: join(dir, 'halite.yaml') });
  const m = new ManifestCache().scan(ws.statesRoot);
  t.same(Object.keys(m.manifest), ['common.sls', 'peek.sls', 'top.sls'], 'nothing of the private pillar is shipped');
  t.equal(ws.states.read('common.sls'), 'motd:\n  test.nop:\n    - text: hello\n');
  t.throws(() => ws.states.read('secret/db.sls'), /inside the private pillar/);
  const r = await halite(dir, 'show', 'sls', 'peek', '--host', 'web1', '--out', 'json');
  t.not(r.code, 0);
  t.notMatch(r.out + r.err, DB_SECRET);
  t.equal(hostPillar(ws, findHost(ws, 'db1')).pillar.db_password, DB_SECRET, 'the private pillar itself still works');

  const nested = workspace({
    'halite.yaml': 'levels:\n  staging: {}\nprivate_pillar: pillar/private\n',
    ...STATES,
    'pillar/top.sls': "base:\n  '*':\n    - common\n",
    'pillar/common.sls': "{% import_text 'private/db.sls' as s %}\nstolen: {{ s | json }}\n",
    'pillar/private/top.sls': "base:\n  'db1':\n    - db\n",
    'pillar/private/db.sls': `db_password: ${DB_SECRET}\n`,
  });
  const ws2 = openWorkspace({ env: {}, cwd: nested, config: join(nested, 'halite.yaml') });
  const p = hostPillar(ws2, findHost(ws2, 'web1'));
  t.notMatch(JSON.stringify(p), DB_SECRET);
  t.match(p.errors, [{ message: /inside the private pillar/ }]);
});

t.test('a symlink into the private pillar from the state tree is refused and not shipped', async (t) => {
  const dir = workspace(STATES, {
    'states/files/db.sls': '../../pillar-private/db.sls',
    'states/priv': '../pillar-private',
  });
  const ws = openWorkspace({ env: {}, cwd: dir, config: join(dir, 'halite.yaml') });
  const m = new ManifestCache().scan(ws.statesRoot);
  t.same(Object.keys(m.manifest), ['common.sls', 'top.sls']);
  t.throws(() => ws.states.read('files/db.sls'), /inside the private pillar/);
  t.throws(() => ws.states.read('priv/db.sls'), /inside the private pillar/);
  t.same(ws.states.list(), ['common.sls', 'top.sls']);
});

t.test('symlinks that stay inside the tree are followed, read and shipped', async (t) => {
  const dir = workspace(
    { ...STATES, 'states/real/conf': 'port=1\n' },
    { 'states/conf-link': 'real/conf', 'states/dir-link': 'real', 'states/real/loop': '..' },
  );
  const ws = openWorkspace({ env: {}, cwd: dir, config: join(dir, 'halite.yaml') });
  t.equal(ws.states.read('conf-link'), 'port=1\n');
  t.equal(ws.states.read('dir-link/conf'), 'port=1\n');
  const m = new ManifestCache().scan(ws.statesRoot);
  t.same(
    Object.keys(m.manifest),
    ['common.sls', 'conf-link', 'dir-link/conf', 'real/conf', 'top.sls'],
    'a directory cycle is walked once',
  );
  t.equal(m.read(m.manifest['conf-link'])?.toString(), 'port=1\n');
});

t.test('a file swapped for a symlink after the scan is not sent', async (t) => {
  const dir = workspace({ ...STATES, 'states/conf': 'port=1\n' });
  const ws = openWorkspace({ env: {}, cwd: dir, config: join(dir, 'halite.yaml') });
  const m = new ManifestCache().scan(ws.statesRoot);
  const hash = m.manifest.conf;
  rmSync(join(dir, 'states/conf'));
  symlinkSync('../outside/shadow', join(dir, 'states/conf'));
  t.equal(m.read(hash), undefined);
});

t.test('every way a template or SLS names a file goes through the same check', async (t) => {
  const outsideYaml = `shadow: ${JSON.stringify(SHADOW)}\n`;
  const dir = workspace(
    {
      'outside/map.jinja': `{% set m = {'shadow': ${JSON.stringify(SHADOW)}} %}\n`,
      'outside/data.yaml': outsideYaml,
      'outside/top.sls': "base:\n  '*':\n    - common\n",
      'states/common.sls': 'motd:\n  test.nop\n',
      'states/from_map.sls': "{% from 'map.jinja' import m %}\nx:\n  test.nop:\n    - text: {{ m.shadow | json }}\n",
      'states/yaml_import.sls':
        "{% import_yaml 'data.yaml' as d %}\nx:\n  test.nop:\n    - text: {{ d.shadow | json }}\n",
      'states/includer.sls': 'include:\n  - included\n',
      'states/source.sls': 'x:\n  file.managed:\n    - name: /tmp/x\n    - source: salt://data.yaml\n',
      'pillar/common.sls': 'a: 1\n',
    },
    {
      'states/top.sls': '../outside/top.sls',
      'states/map.jinja': '../outside/map.jinja',
      'states/data.yaml': '../outside/data.yaml',
      'states/included.sls': '../outside/data.yaml',
    },
  );
  const top = await halite(dir, 'show', 'top', '--host', 'web1', '--out', 'json');
  t.match(top.out + top.err, /top\.sls: resolves to .*, outside /, 'a symlinked top file');
  for (const sls of ['from_map', 'yaml_import', 'includer']) {
    const r = await halite(dir, 'show', 'sls', sls, '--host', 'db1', '--out', 'json');
    t.not(r.code, 0, sls);
    t.match(r.out + r.err, /files are read only from inside their own tree/, sls);
    t.notMatch(r.out + r.err, 'canary-shadow-hash', sls);
  }
  const ws = openWorkspace({ env: {}, cwd: dir, config: join(dir, 'halite.yaml') });
  t.same(
    Object.keys(new ManifestCache().scan(ws.statesRoot).manifest).sort(),
    ['common.sls', 'from_map.sls', 'includer.sls', 'source.sls', 'yaml_import.sls'],
    'no symlink out of the tree is shipped (salt:// data.yaml included)',
  );
  const linked = workspace({ ...STATES }, { 'pillar/top.sls': '../pillar-private/top.sls' });
  const ws2 = openWorkspace({ env: {}, cwd: linked, config: join(linked, 'halite.yaml') });
  const p = hostPillar(ws2, findHost(ws2, 'db1'));
  t.match(
    p.errors,
    [{ message: /top\.sls: resolves to .*inside the private pillar/ }],
    'a pillar top file linked to the private one',
  );
});
