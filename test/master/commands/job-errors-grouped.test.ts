// One error shared by many hosts is printed once, with the hosts it concerns — in a job's output
// and in lint's — while --out json keeps every host's own errors. In-process, with agents that
// are this process.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../../master/cli.ts';
import { formatErrors, hostList } from '../../../master/output/errors.ts';
import { inProcessHosts } from '../in-process-hosts.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-grouped-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const CACHES = ['mc1', 'mc2', 'mc3', 'mc4', 'mc5'];
const FILES: Record<string, string> = {
  'halite.yaml': 'levels:\n  staging: {}\nssh:\n  persist: 0\n',
  'roster.yaml': [
    ...CACHES.map((id, i) => `${id}:\n  host: 10.0.1.${i + 1}\n  level: staging\n  roles: [cache]\n`),
    'db1:\n  host: 10.0.1.9\n  level: staging\n  roles: [db]\n',
  ].join(''),
  'roles/cache.yaml': 'description: cache\n',
  'roles/db.yaml': 'description: db\n',
  'states/top.sls':
    "base:\n  'roles:cache':\n    - match: grain\n    - memcached\n  'roles:db':\n    - match: grain\n    - db\n",
  // line 4: a filter that does not exist
  'states/memcached/init.sls':
    'memcached:\n  pkg.installed:\n    - name: memcached\n    - version: {{ "1.6" | nosuchfilter }}\n',
  'states/db.sls': 'db:\n  test.succeed_without_changes:\n    - require:\n      - pkg: missing\n',
};
for (const [path, text] of Object.entries(FILES)) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

async function halite(...args: string[]) {
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

const errorLines = (out: string): string[] =>
  out.split('\n').filter((l) => / \([A-Z_]+\)( \(\d+ hosts?: .*\))?$/.test(l));

t.test('a highstate: each distinct error once, with its hosts', async (t) => {
  const r = await halite('highstate', '--all');
  t.equal(r.code, 3, 'the render error decides');
  t.same(r.ran, [...CACHES, 'db1']);
  const lines = errorLines(r.out);
  t.equal(lines.length, 2, r.out);
  t.match(
    lines[0],
    /^memcached\/init\.sls:4: .*nosuchfilter.* \(RENDER_TEMPLATE\) \(5 hosts: mc1, mc2, mc3, mc4, mc5\)$/,
  );
  t.match(lines[1], /^db1: db\.sls(:\d+)?: .*missing.* \(REQUISITE_MISSING\)$/);
  t.match(r.out, /\nErrors\n------\n/);
  t.notMatch(r.out, /^mc1:$/m, 'no block per host that only has errors');
});

t.test("--out json keeps every host's own errors", async (t) => {
  const r = await halite('highstate', '--all', '--out', 'json');
  t.equal(r.code, 3);
  const doc = JSON.parse(r.out) as Record<string, string[]>;
  t.same(Object.keys(doc), [...CACHES, 'db1']);
  for (const id of CACHES) {
    t.equal(doc[id].length, 1, id);
    t.match(doc[id][0], /nosuchfilter/);
  }
  t.match(doc.db1[0], /missing/);
});

t.test('lint groups the same way', async (t) => {
  const r = await halite('lint');
  t.equal(r.code, 3);
  const lines = r.out.trimEnd().split('\n');
  t.equal(lines.pop(), 'lint: 6 hosts, 6 with errors; 2 errors in total');
  t.equal(lines.length, 2, r.out);
  t.match(
    lines[0],
    /^memcached\/init\.sls:4: .*nosuchfilter.* \(RENDER_TEMPLATE\) \(5 hosts: mc1, mc2, mc3, mc4, mc5\)$/,
  );
  t.match(lines[1], /^db1: db\.sls(:\d+)?: .*\(REQUISITE_MISSING\)$/);
});

t.test('more hosts than are named: the first ones and how many more', async (t) => {
  const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  t.equal(hostList(ids), '7 hosts: a, b, c, d, e and 2 more');
  t.equal(hostList(['a']), '1 host: a');
  const errors = [
    ...ids.map((host) => ({ code: 'SLS_NOT_FOUND' as const, message: "no SLS 'web'", file: 'top.sls', line: 3, host })),
    { code: 'SLS_NOT_FOUND' as const, message: "no SLS 'web'", file: 'top.sls', line: 4, host: 'a' },
    { code: 'CONFIG' as const, message: 'bad', file: 'halite.yaml' },
    { code: 'BOOTSTRAP' as const, message: 'b: Node.js >= 18 is not installed', host: 'b' },
  ];
  t.equal(
    formatErrors(errors),
    [
      "top.sls:3: no SLS 'web' (SLS_NOT_FOUND) (7 hosts: a, b, c, d, e and 2 more)",
      "a: top.sls:4: no SLS 'web' (SLS_NOT_FOUND)",
      'halite.yaml: bad (CONFIG)',
      'b: Node.js >= 18 is not installed (BOOTSTRAP)',
      '',
    ].join('\n'),
  );
});
