// The application host with everything it uses, converged by the shipped state tree through the
// jump box: nginx and PHP-FPM serve the application, whose /health page, fetched over the fleet's
// network, really queries the MariaDB primary and replica, Redis, memcached and the mail relay at
// the addresses of the inventory. A repeated highstate changes and restarts nothing; new MariaDB
// and Redis passwords in the private pillar reach the servers, then their consumers, in one
// highstate, and /health stays green.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from './support.ts';
import {
  changedTags,
  failures,
  parseHighstate,
  secondRunChangesNothing,
  sh,
  withPrivatePillar,
} from './platform-support.ts';
import { cliFor, fleetSuite } from './workspace.ts';

const suite = fleetSuite('platform-app', [
  { id: 'mail1', roles: ['mail'], level: 'staging' },
  { id: 'masterdb1', roles: ['masterdb'], level: 'staging' },
  { id: 'db1', roles: ['db'], level: 'staging' },
  { id: 'sessions1', roles: ['sessions'], level: 'staging' },
  { id: 'memcache1', roles: ['memcache'], level: 'staging' },
  { id: 'app1', roles: ['app'], level: 'staging' },
]);
const HOSTS = ['app1', 'db1', 'mail1', 'masterdb1', 'memcache1', 'sessions1'];
const DB_PASSWORD: string = parse(readFileSync(join(REPO, 'pillar-private/accounts/mariadb.sls'), 'utf8')).mariadb
  .databases.platform.password;
const REDIS_PASSWORD: string = parse(readFileSync(join(REPO, 'pillar-private/accounts/sessions.sls'), 'utf8')).redis
  .password;
const addr = (id: string) => suite.fleet.hosts.find((h) => h.id === id)!.address;

interface Health {
  status: string;
  host: string;
  components: Record<string, { status: string; servers: Record<string, string> }>;
}

/** GET of a URL from a host of the fleet (Node's fetch on the VM): status and body. */
async function get(from: string, url: string): Promise<{ status: number; body: string }> {
  const script = `fetch(process.argv[1]).then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })), (e) => { console.error(String(e)); process.exit(1); })`;
  return JSON.parse((await suite.fleet.exec(from, ['node', '-e', script, url], { timeoutMs: 30_000 })).stdout);
}

/** /health of app1 fetched from another host over the fleet's network, parsed. */
async function health(): Promise<{ status: number; body: string; report: Health }> {
  const r = await get('masterdb1', `http://${addr('app1')}/health`);
  return { ...r, report: JSON.parse(r.body) as Health };
}

/** The wave a role ran in, from a job's progress lines (`wave 2 (masterdb, sessions): …`). */
function wavesOf(progress: string): (role: string) => number {
  const waves = [...progress.matchAll(/^wave (\d+) \(([^)]*)\)/gm)].map((m) => ({
    n: Number(m[1]),
    roles: m[2].split(', '),
  }));
  return (role) => waves.find((w) => w.roles.includes(role))?.n ?? NaN;
}

/** The process id of each named daemon on a host (empty when it is not running). */
async function pids(host: string, names: string[]): Promise<Record<string, string>> {
  const out = await sh(suite.fleet, host, names.map((n) => `echo "${n} $(pgrep -o -x ${n})"`).join('; '));
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => [l.split(' ')[0], l.split(' ')[1] ?? '']),
  );
}
const DAEMONS: Record<string, string[]> = {
  app1: ['nginx', 'php-fpm8.2', 'master'],
  masterdb1: ['mariadbd', 'master'],
  db1: ['mariadbd'],
  sessions1: ['redis-server', 'memcached'],
  memcache1: ['memcached'],
  mail1: ['master', 'opendkim'],
};
const allPids = async () =>
  Object.fromEntries(
    await Promise.all(Object.entries(DAEMONS).map(async ([h, names]) => [h, await pids(h, names)] as const)),
  );

/** A configuration whose private pillar has the `n`th new MariaDB application and Redis passwords. */
function rotated(n: number): { db: string; redis: string; config: string } {
  const db = `rotated-example-db-password-${n}`;
  const redis = `rotated-example-redis-password-${n}`;
  const config = withPrivatePillar(suite.ws, `rotated-${n}`, {
    'accounts/mariadb.sls': (text) => text.replace(DB_PASSWORD, db),
    'accounts/sessions.sls': (text) => text.replace(REDIS_PASSWORD, redis),
  });
  return { db, redis, config };
}

t.test('a first highstate converges the application after everything it uses, with no failed state', async (t) => {
  const r = await suite.halite('highstate', '--level', 'staging', '--out', 'json');
  const doc = parseHighstate(r);
  t.same(failures(doc), []);
  t.equal(r.code, 0, r.err);
  t.same(Object.keys(doc).sort(), HOSTS);
  const wave = wavesOf(r.err);
  for (const role of ['mail', 'masterdb', 'db', 'sessions', 'memcache'])
    t.ok(wave(role) < wave('app'), `${role} converges before the application`);
  const app = changedTags(doc, 'app1');
  for (const id of ['app-config', 'app-code', 'app-schema', 'app-fpm-pool', 'app-site'])
    t.ok(
      app.some((tag) => tag.includes(`_|-${id}_|-`)),
      `${id} changed`,
    );
});

t.test('the next run changes nothing and restarts nothing', async (t) => {
  const before = await allPids();
  for (const [h, p] of Object.entries(before))
    for (const [n, pid] of Object.entries(p)) t.match(pid, /^\d+$/, `${h}: ${n} runs`);
  await secondRunChangesNothing(t, () => suite.halite('highstate', '--level', 'staging', '--out', 'json'), HOSTS);
  t.same(await allPids(), before, 'every daemon keeps its process');
});

t.test("/health, fetched over the network, reports every component ok at the inventory's addresses", async (t) => {
  const { status, body, report } = await health();
  t.equal(status, 200, body);
  t.equal(report.status, 'ok');
  t.equal(report.host, 'app1');
  const servers = (c: string) => Object.keys(report.components[c]?.servers ?? {});
  t.same(servers('mariadb_write'), [`${addr('masterdb1')}:3306`], 'writes go to the primary');
  t.same(servers('mariadb_read'), [`${addr('db1')}:3306`], 'reads go to the replica');
  t.same(servers('redis'), [`${addr('sessions1')}:6379`]);
  t.same(servers('memcached'), [`${addr('memcache1')}:11211`], 'the shared cache is the memcache host');
  t.same(servers('mail'), [`${addr('mail1')}:25`]);
  for (const [name, c] of Object.entries(report.components)) {
    t.equal(c.status, 'ok', name);
    for (const [server, result] of Object.entries(c.servers)) t.equal(result, 'ok', `${name} ${server}`);
  }
  t.notOk(body.includes(DB_PASSWORD) || body.includes(REDIS_PASSWORD), 'no secret in the report');
});

t.test('the row /health writes on the primary reaches the replica', async (t) => {
  const query = "SELECT token FROM platform.health_probe WHERE host = 'app1'";
  const primary = (await sh(suite.fleet, 'masterdb1', `mariadb --batch --skip-column-names -e "${query}"`)).trim();
  t.match(primary, /^[0-9a-f]{32}$/);
  let replica = '';
  for (let i = 0; i < 100 && replica !== primary; i++) {
    replica = (await sh(suite.fleet, 'db1', `mariadb --batch --skip-column-names -e "${query}"`)).trim();
    if (replica !== primary) await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(replica, primary);
});

t.test('the application keeps its sessions in Redis', async (t) => {
  const page = await get('masterdb1', `http://${addr('app1')}/`);
  t.equal(page.status, 200);
  t.match(page.body, /^Hello from app1: visit 1 of this session/);
  const keys = await suite.fleet.exec(
    'sessions1',
    ['redis-cli', '-h', addr('sessions1'), '--scan', '--pattern', 'session:*'],
    { env: { REDISCLI_AUTH: REDIS_PASSWORD } },
  );
  t.match(keys.stdout, /^session:[a-z0-9,-]+$/m);
});

t.test('the configuration holds the secrets readable by the application only; nginx serves TLS too', async (t) => {
  t.equal(
    (await sh(suite.fleet, 'app1', 'stat -c "%U %G %a" /etc/app/config.json /etc/php/8.2/fpm/pool.d/app.conf')).trim(),
    'root app 640\nroot root 600',
  );
  const config = JSON.parse(await sh(suite.fleet, 'app1', 'cat /etc/app/config.json'));
  t.equal(config.mariadb.password, DB_PASSWORD);
  t.equal(config.redis.password, REDIS_PASSWORD);
  t.equal(config.mariadb.primary, addr('masterdb1'));
  t.match(
    await sh(suite.fleet, 'app1', 'ps -o user= -C php-fpm8.2 | sort | uniq -c'),
    /\d+ app\n\s*1 root\n/,
    "the pool runs as the application's user",
  );
  const tls = `require('https').get({ host: process.argv[1], path: '/health', rejectUnauthorized: false }, (r) => { console.log(r.statusCode, r.socket.getPeerCertificate().subject.CN); r.resume(); })`;
  t.match(
    (await suite.fleet.exec('masterdb1', ['node', '-e', tls, addr('app1')], { timeoutMs: 30_000 })).stdout,
    /^200 \S+/,
    'HTTPS on 443 with the self-signed certificate',
  );
  const r = await suite.halite('highstate', '--level', 'staging', '--out', 'json');
  t.notOk(
    r.out.includes(DB_PASSWORD) || r.out.includes(REDIS_PASSWORD) || r.err.includes(DB_PASSWORD),
    'not in the output',
  );
  const files = readdirSync(suite.ws.dir)
    .filter((f) => f.startsWith('jobs.sqlite'))
    .map((f) => readFileSync(join(suite.ws.dir, f)));
  t.notOk(
    files.some((b) => b.includes(DB_PASSWORD) || b.includes(REDIS_PASSWORD)),
    'in no job store file',
  );
});

t.test('new MariaDB and Redis passwords reach the servers, then every consumer, in one highstate', async (t) => {
  const { db, redis, config } = rotated(1);
  const before = await allPids();
  const r = await cliFor(suite.ws, config)('highstate', '--level', 'staging', '--out', 'json');
  const doc = parseHighstate(r);
  t.same(failures(doc), []);
  t.equal(r.code, 0, r.err);
  const wave = wavesOf(r.err);
  t.ok(wave('masterdb') < wave('app') && wave('sessions') < wave('app'), 'the servers change before the application');
  t.same(
    changedTags(doc, 'masterdb1').map((tag) => tag.split('_|-')[1]),
    ['mariadb-primary-sql', 'mariadb-primary-apply'],
    'the primary applies the new password',
  );
  t.same(changedTags(doc, 'sessions1').sort(), [
    'file_|-redis_|-/etc/redis/redis.conf_|-managed',
    'service_|-redis_|-redis-server_|-running',
  ]);
  t.same(
    changedTags(doc, 'app1')
      .map((tag) => tag.split('_|-')[1])
      .sort(),
    ['app-config', 'app-fpm', 'app-fpm-pool'],
    "the application's configuration and its sessions' pool",
  );
  for (const h of ['db1', 'mail1', 'memcache1']) t.same(changedTags(doc, h), [], `${h} is not touched`);
  t.notOk(
    r.out.includes(db) || r.out.includes(redis) || r.err.includes(db) || r.err.includes(redis),
    'the new passwords are not in the output',
  );
  const after = await allPids();
  t.not(after.sessions1['redis-server'], before.sessions1['redis-server'], 'Redis restarted with its new password');
  t.equal(after.masterdb1.mariadbd, before.masterdb1.mariadbd, 'MariaDB changed the password without a restart');
  t.equal(after.app1.nginx, before.app1.nginx, 'nginx was not restarted');
  t.equal(after.db1.mariadbd, before.db1.mariadbd);

  const h = await health();
  t.equal(h.status, 200, h.body);
  for (const [name, c] of Object.entries(h.report.components)) t.equal(c.status, 'ok', name);
  const old = await suite.fleet.exec('masterdb1', ['mariadb', '-h', addr('db1'), '-u', 'platform', '-e', 'SELECT 1'], {
    env: { MYSQL_PWD: DB_PASSWORD },
    reject: false,
  });
  t.match(old.stderr, /Access denied/, 'the replica refuses the old password: the new one replicated');
  t.same(
    failures(parseHighstate(await cliFor(suite.ws, config)('highstate', '--level', 'staging', '--out', 'json'))),
    [],
    'and the next run',
  );
});

t.test('/health answers 503 naming what fails, without a secret, while the application lags a rotation', async (t) => {
  const { db, redis, config } = rotated(2);
  const servers = await cliFor(suite.ws, config)(
    'highstate',
    '--level',
    'staging',
    '--role',
    'masterdb',
    '--role',
    'sessions',
    '--out',
    'json',
  );
  t.same(failures(parseHighstate(servers)), []);
  const red = await health();
  t.equal(red.status, 503, red.body);
  t.equal(red.report.status, 'error');
  const status = Object.fromEntries(Object.entries(red.report.components).map(([n, c]) => [n, c.status]));
  t.same(status, { mariadb_write: 'error', mariadb_read: 'error', redis: 'error', memcached: 'ok', mail: 'ok' });
  t.match(red.report.components.mariadb_write.servers[`${addr('masterdb1')}:3306`], /^error: .*Access denied/);
  t.match(red.report.components.redis.servers[`${addr('sessions1')}:6379`], /^error: .*WRONGPASS/);
  for (const secret of [db, redis, 'rotated-example-db-password-1', 'rotated-example-redis-password-1'])
    t.notOk(red.body.includes(secret), 'no password in the report');
  const all = await cliFor(suite.ws, config)('highstate', '--level', 'staging', '--out', 'json');
  t.same(failures(parseHighstate(all)), []);
  const green = await health();
  t.equal(green.status, 200, green.body);
});
