// A job and the configuration errors of hosts and roles it does not concern: a typo on a staging
// host does not stop a production run. In-process, with agents that are this process.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../../master/cli.ts';
import { inProcessHosts } from '../in-process-hosts.ts';

const made: string[] = [];
t.teardown(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'halite-job-config-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const ROSTER = [
  'web1.production:',
  '  host: 10.0.2.1',
  '  level: production',
  '  roles: [web]',
  'db1.production:',
  '  host: 10.0.2.2',
  '  level: production',
  '  roles: [db]',
  'web1.staging:',
  '  host: 10.0.1.1',
  '  level: staging',
  '  roles:',
  '    - wbe', // line 12: an unknown role
  'db1.staging:',
  '  host: 10.0.1.2',
  '  level: staging',
  '  roles: [db]',
  '  port: 0', // line 18: a bad field
  'cache1.staging:',
  '  host: 10.0.1.3',
  '  level: staging',
  '  roles: [cache]',
  '',
].join('\n');

const FILES: Record<string, string> = {
  'halite.yaml': 'levels:\n  staging: {}\n  production: {}\nssh:\n  persist: 0\n',
  'roster.yaml': ROSTER,
  'roles/web.yaml': 'description: web\ndepends_on: [db]\n',
  'roles/db.yaml': 'description: db\n',
  'roles/cache.yaml': 'description: cache\ndepends_on: [nosuch]\n',
  'roles/left.yaml': 'description: left\ndepends_on: [right]\n',
  'roles/right.yaml': 'description: right\ndepends_on: [left]\n',
  'states/top.sls': "base:\n  '*':\n    - common\n",
  'states/common.sls': 'hello:\n  test.succeed_without_changes:\n    - name: hello\n',
};

async function halite(dir: string, ...args: string[]) {
  const hosts = inProcessHosts(join(dir, 'hosts'));
  const io = {
    out: '',
    err: '',
    env: {},
    cwd: dir,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  const code = await main(['--config', join(dir, 'halite.yaml'), ...args], io, hosts.hooks);
  return { code, out: io.out, err: io.err, ran: hosts.ran };
}

const dir = tree(FILES);
const roster = join(dir, 'roster.yaml');

t.test('a production run despite broken staging hosts and roles: they are named in warnings', async (t) => {
  const r = await halite(dir, 'highstate', '--level', 'production');
  t.equal(r.code, 0, r.out + r.err);
  t.same(r.ran, ['db1.production', 'web1.production'], 'db before web, staging untouched');
  t.match(r.out, /Hosts\s+2\n\s+ok\s+2/);
  const warnings = r.err.split('\n').filter((l) => l.startsWith('warning: '));
  t.same(warnings, [
    `warning: web1.staging: ${roster}:13: roles[0]: no role named 'wbe' (roles: cache, db, left, right, web) (ROSTER)`,
    `warning: db1.staging: ${roster}:18: port: expected an integer from 1 to 65535, got the number 0 (ROSTER)`,
    `warning: ${join(dir, 'roles/cache.yaml')}:2: depends_on: no role named 'nosuch' (roles: cache, db, left, right, web) (CONFIG)`,
    `warning: ${join(dir, 'roles/left.yaml')}:2: depends_on: dependency cycle: left -> right -> left (CONFIG)`,
  ]);
});

t.test("a targeted host with errors is that host's configuration error; the others still run", async (t) => {
  const r = await halite(dir, 'highstate', '--host', 'web1.*,db1.production');
  t.equal(r.code, 5, 'the configuration error of a target decides the exit code');
  t.same(r.ran, ['db1.production', 'web1.production']);
  t.match(r.out, `web1.staging: ${roster}:13: roles[0]: no role named 'wbe'`);
  t.match(r.out, /Hosts\s+3\n\s+ok\s+2\n\s+changed\s+0\n\s+failed\s+1/);
  t.notMatch(r.err, /warning: web1\.staging/, "a target's error is not a warning");
  t.match(r.err, /warning: db1\.staging/);

  const json = await halite(dir, 'highstate', '--host', 'web1.*', '--out', 'json');
  t.equal(json.code, 5);
  const doc = JSON.parse(json.out) as Record<string, unknown>;
  t.same(Object.keys(doc), ['web1.production', 'web1.staging']);
  t.same(doc['web1.staging'], ["roles[0]: no role named 'wbe' (roles: cache, db, left, right, web)"]);
});

t.test('a roster entry with errors that a role depends on blocks the roles that depend on it', async (t) => {
  const r = await halite(dir, 'highstate', '--role', 'db,web', '--level', 'staging,production');
  t.equal(r.code, 5);
  t.same(r.ran, ['db1.production'], 'web waits for every db host, and db1.staging is broken');
  t.match(r.out, /blocked: web1\.production: web: not run because db failed on db1\.staging/);
});

t.test("errors that concern the job's own roles stop it (exit 5) before any host runs", async (t) => {
  const cache = await halite(dir, 'highstate', '--level', 'staging');
  t.equal(cache.code, 5);
  t.same(cache.ran, []);
  t.equal(
    cache.err
      .split('\n')
      .filter((l) => !l.startsWith('warning: '))
      .join('\n'),
    `${join(dir, 'roles/cache.yaml')}:2: depends_on: no role named 'nosuch' (roles: cache, db, left, right, web) (CONFIG)\n`,
  );

  const cyc = tree({
    ...FILES,
    'roster.yaml': ROSTER + 'l1.production:\n  host: 10.0.2.9\n  level: production\n  roles: [left]\n',
  });
  const c = await halite(cyc, 'highstate', '--level', 'production');
  t.equal(c.code, 5);
  t.same(c.ran, []);
  t.match(c.err, /^.*left\.yaml:2: depends_on: dependency cycle: left -> right -> left \(CONFIG\)$/m);
  t.notMatch(c.err, /warning: .*dependency cycle/);

  const config = tree({ ...FILES, 'halite.yaml': FILES['halite.yaml'] + 'concurrency: many\n' });
  const k = await halite(config, 'highstate', '--level', 'production');
  t.equal(k.code, 5);
  t.same(k.ran, []);
  t.equal(
    k.err,
    `${join(config, 'halite.yaml')}:6: concurrency: expected a positive integer, got the string "many" (CONFIG)\n`,
  );

  const unreadable = tree({ ...FILES, 'roster.yaml': 'a: [\n' });
  const u = await halite(unreadable, 'highstate', '--level', 'production');
  t.equal(u.code, 5);
  t.match(u.err, /roster\.yaml:\d+: YAML error/);
});
