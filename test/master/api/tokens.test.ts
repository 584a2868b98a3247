// API tokens: shown once, stored as a sha256 only, verified against every stored hash, revocable;
// `halite token create|list|revoke`, and `halite serve` answering on loopback with them.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '../../../master/api/tokens.ts';
import { main } from '../../../master/cli.ts';
import { JobStore } from '../../../master/jobs/store.ts';
import { writeJobTree } from '../jobs/job-tree.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-tokens-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const config = writeJobTree(dir);
const dbFile = join(dir, 'var', 'jobs.sqlite');

async function halite(...args: string[]) {
  const io = {
    out: '',
    err: '',
    env: {},
    cwd: dir,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  const code = await main(['--config', config, ...args], io);
  return { code, out: io.out, err: io.err };
}

t.test('TokenStore: create, verify, revoke; names checked; only the hash is kept', async (t) => {
  const store = JobStore.open(':memory:');
  const tokens = new TokenStore(store.db);
  const a = tokens.create('ci');
  const b = tokens.create('grafana.read');
  t.match(a, /^halite_[A-Za-z0-9_-]{43}$/);
  t.not(a, b);
  t.equal(tokens.verify(a), 'ci');
  t.equal(tokens.verify(b), 'grafana.read');
  t.equal(tokens.verify(a.slice(0, -1) + (a.endsWith('A') ? 'B' : 'A')), undefined);
  t.equal(tokens.verify(''), undefined);
  t.throws(() => tokens.create('ci'), /exists already/);
  t.throws(() => tokens.create('-x'), /token name/);
  t.throws(() => tokens.create('a b'), /token name/);
  t.same(
    tokens.list().map((r) => [r.name, r.lastUsedAt === null]),
    [
      ['ci', false],
      ['grafana.read', false],
    ],
  );
  t.ok(tokens.revoke('ci'));
  t.notOk(tokens.revoke('ci'));
  t.equal(tokens.verify(a), undefined, 'a revoked token is refused');
  const rows = store.db.prepare<unknown[], { sha256: string }>('SELECT sha256 FROM api_tokens').all();
  t.same(
    rows.map((r) => r.sha256.length),
    [64],
  );
  store.close();
});

t.test('halite token create prints the token once; list never shows it; revoke', async (t) => {
  const c = await halite('token', 'create', 'deploy');
  t.equal(c.code, 0, c.err);
  const token = c.out.trim();
  t.match(token, /^halite_/);
  t.match(c.err, /cannot be shown again/);
  t.notOk(readFileSync(dbFile).includes(token), 'the token is not in the database file');
  const again = await halite('token', 'create', 'deploy');
  t.equal(again.code, 64);
  t.match(again.err, /exists already/);
  const l = await halite('token', 'list');
  t.match(l.out, /^NAME\s+CREATED\s+LAST USED\ndeploy\s+\S+Z\s+never\n$/);
  t.notMatch(l.out, token);
  const r = await halite('token', 'revoke', 'deploy');
  t.equal(r.code, 0);
  t.equal((await halite('token', 'revoke', 'deploy')).code, 64);
  t.equal((await halite('token', 'list')).out, '');
});

t.test('halite serve listens on loopback by default and answers with a token', async (t) => {
  const token = (await halite('token', 'create', 'probe')).out.trim();
  let done!: Promise<number>;
  const io = {
    out: '',
    err: '',
    env: {},
    cwd: dir,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  let close!: () => Promise<void>;
  const url = await new Promise<string>((resolve) => {
    done = main(['--config', config, 'serve', '--port', '0'], io, {
      serveListening: (u, c) => {
        close = c;
        resolve(u);
      },
    });
  });
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.match(io.err, /listening on http:\/\/127\.0\.0\.1:/);
  t.equal((await fetch(`${url}/health`)).status, 200);
  t.equal((await fetch(`${url}/jobs`)).status, 401);
  const ok = await fetch(`${url}/jobs`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(ok.status, 200);
  t.same(await ok.json(), { jobs: [] });
  const ui = await fetch(`${url}/ui/`, { redirect: 'manual' });
  t.equal(ui.status, 303, 'the dashboard is served too, behind its login');
  t.equal(ui.headers.get('location'), '/ui/login?next=%2Fui%2F');
  const login = await fetch(`${url}/ui/login`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ token }),
  });
  t.equal(login.status, 303);
  const fleet = await fetch(`${url}/ui/`, {
    headers: { cookie: String(login.headers.get('set-cookie')).split(';')[0]! },
  });
  t.equal(fleet.status, 200);
  t.match(await fleet.text(), /<h1>Fleet<\/h1>/);
  await close();
  t.equal(await done, 0, 'the command ends once the daemon is stopped');
  await t.rejects(fetch(`${url}/health`), 'no longer listening');
});

t.test('halite serve: a bad address or port is a usage error', async (t) => {
  const r = await halite('serve', '--listen', 'example.com');
  t.equal(r.code, 64);
  t.match(r.err, /expected an IP address/);
  t.equal((await halite('serve', '--port', '70000')).code, 64);
});
