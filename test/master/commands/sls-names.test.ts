// SLS names as Salt's CLI takes them (`state.sls memcached,redis`).
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../../master/cli.ts';
import { slsNames } from '../../../master/commands/sls-names.ts';

t.test('split on commas, blanks dropped, each once, in order', async (t) => {
  t.same(slsNames(['memcached,redis']), ['memcached', 'redis']);
  t.same(slsNames(['memcached,', ' redis.server ', 'memcached', 'a,b,,c']), ['memcached', 'redis.server', 'a', 'b', 'c']);
  t.same(slsNames([',']), []);
});

t.test('show sls takes a comma-separated list', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-sls-names-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const files: Record<string, string> = {
    'halite.yaml': 'levels:\n  staging: {}\n',
    'roster.yaml': 'web1:\n  host: 10.0.1.1\n  level: staging\n  roles: [web]\n',
    'roles/web.yaml': 'description: web\n',
    'states/top.sls': "base:\n  '*':\n    - one\n",
    'states/one.sls': 'first:\n  test.nop: []\n',
    'states/two.sls': 'second:\n  test.nop: []\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const io = { out: '', err: '', env: {}, cwd: dir, stdout: (s: string) => void (io.out += s), stderr: (s: string) => void (io.err += s) };
  const code = await main(['show', 'sls', 'one,two', '--host', 'web1', '--out', 'json'], io);
  t.equal(code, 0, io.err);
  t.same((JSON.parse(io.out) as Array<{ id: string }>).map((c) => c.id), ['first', 'second']);
});
