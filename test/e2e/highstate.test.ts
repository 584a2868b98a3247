// `halite highstate`, `run` and `hosts` end to end: the CLI pushes the repository's states to a
// namespace fleet through its jump host and records the jobs.
import t from 'tap';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import type { CommandContext } from '../../master/output/cli-io.ts';
import { registerSsh, type Terminal } from '../../master/commands/ssh.ts';
import { SECRET_DIFF } from '../../agent/pillar/redact.ts';
import { EXIT } from '../../master/exit-codes.ts';
import { REPO } from './support.ts';
import { cliFor, fleetSuite, withStates } from './workspace.ts';

const suite = fleetSuite('e2e-highstate', [
  { id: 'memcache1', roles: ['memcache'], level: 'staging' },
  { id: 'memcache2', roles: ['memcache'], level: 'staging' },
  { id: 'sessions1', roles: ['sessions'], level: 'staging' },
  { id: 'memcache3', roles: ['memcache'], level: 'production' },
]);
const halite = suite.halite;

type SaltJson = Record<string, Record<string, { result: boolean | null; changes: Record<string, unknown> }> | string[]>;
const json = (out: string): SaltJson => JSON.parse(out);
const changedTags = (doc: SaltJson, host: string) =>
  Object.entries(doc[host] as Record<string, { changes: object }>)
    .filter(([, v]) => Object.keys(v.changes).length)
    .map(([k]) => k);
/** dpkg's status line for a package on a host ('' when it has never been installed). */
const installed = async (host: string, pkg: string) =>
  (await suite.fleet.exec(host, ['dpkg-query', '-W', '-f', '${Status}', pkg], { reject: false })).stdout;
/** Numeric order of dotted IPv4 addresses. */
const byIp = (a: string, b: string) => {
  const n = (ip: string) => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  return n(a) - n(b);
};

t.test('--host selects exactly one host, which converges through the jump box', async (t) => {
  const r = await halite('highstate', '--host', 'memcache1', '--out', 'json');
  t.equal(r.code, 0, r.err);
  const doc = json(r.out);
  t.same(Object.keys(doc), ['memcache1']);
  t.match(await installed('memcache1', 'memcached'), /install ok installed/, 'memcached installed');
  t.match(r.err, /memcache1: changed/);
  const svc = await suite.fleet.exec('memcache1', ['service', 'memcached', 'status'], { reject: false });
  t.equal(svc.exitCode, 0, 'memcached runs');
});

t.test('the job left a resident agent that listens at normal priority, started from the code cache', async (t) => {
  // nice values of every thread of every resident agent (field 19 of /proc/PID/task/TID/stat)
  const script = [
    'for p in $(pgrep -f "[r]esident --socket"); do for s in /proc/$p/task/*/stat; do cut -d" " -f19 "$s"; done; done',
    'for p in $(pgrep -f "[r]esident --socket"); do cat /proc/$p/autogroup; done',
    'ls /run/halite/ | grep -c "\\.sock$"',
    'ls /var/lib/halite/agent/ | grep -c "\\.cjs\\.v8$"',
  ].join('; echo --; ');
  let parts: string[] = [];
  for (let i = 0; i < 100; i++) {
    parts = (await suite.fleet.exec('memcache1', ['sh', '-c', script], { reject: false })).stdout.split('--\n');
    // it binds its socket first, then takes its priorities back
    const settled = parts[0].trim() && !/\b19\b/.test(parts[0]) && / nice 0\n$/.test(parts[1] ?? '');
    if (settled && Number(parts[2]) > 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const nices = parts[0].trim().split('\n').filter(Boolean);
  t.ok(nices.length > 0, 'a resident agent runs');
  t.same([...new Set(nices)], ['0'], 'every thread back at nice 0 once it listens');
  t.match(parts[1], /^\/autogroup-\d+ nice 0\n$/, "its session's scheduling group back at nice 0 too");
  t.equal(Number(parts[2]), 1, 'its socket is there');
  t.equal(Number(parts[3]), 1, 'the code cache was written');
});

t.test('--role selects exactly the hosts of the role', async (t) => {
  const r = await halite('highstate', '--role', 'sessions', '--out', 'json');
  t.equal(r.code, 0, r.err);
  const doc = json(r.out);
  t.same(Object.keys(doc), ['sessions1']);
  t.ok(changedTags(doc, 'sessions1').includes('file_|-redis_|-/etc/redis/redis.conf_|-managed'), 'redis configured');
  const dpkg = await suite.fleet.exec('sessions1', ['dpkg-query', '-W', '-f', '${Status}', 'redis-server'], {
    reject: false,
  });
  t.match(dpkg.stdout, /install ok installed/, 'redis-server installed');
  const other = await suite.fleet.exec('memcache2', ['dpkg-query', '-W', '-f', '${Status}', 'memcached'], {
    reject: false,
  });
  t.notMatch(other.stdout, /install ok installed/, 'memcache2 was not touched');
});

t.test('--level staging converges every staging host and leaves the production host alone', async (t) => {
  const first = await halite('highstate', '--level', 'staging', '--state-output', 'terse');
  t.equal(first.code, 0, first.err + first.out);
  t.match(first.out, /Summary for memcache1/);
  t.match(first.out, /Summary for memcache2/);
  t.match(first.out, /Summary for sessions1/);
  t.notMatch(first.out + first.err, /memcache3/);
  t.match(first.out, /Hosts\s+3\n  ok\s+2\n  changed\s+1\n  failed\s+0\n  unreachable\s+0/, 'only memcache2 was new');
  t.notMatch(await installed('memcache3', 'memcached'), /install ok installed/, 'nothing was installed on memcache3');

  const second = await halite('highstate', '--level', 'staging', '--out', 'json');
  t.equal(second.code, 0, second.err);
  const doc = json(second.out);
  t.same(Object.keys(doc).sort(), ['memcache1', 'memcache2', 'sessions1']);
  for (const h of Object.keys(doc)) t.same(changedTags(doc, h), [], `${h}: no changes`);
});

const MEMCACHED_CONF = '/etc/memcached.conf';
const MEMCACHED_FILE = 'file_|-memcached_|-/etc/memcached.conf_|-managed';
/** Appends a line to the host's memcached.conf (drift a highstate of the host would repair). */
const drift = (host: string) => suite.fleet.exec(host, ['sh', '-c', `echo '# drift' >> ${MEMCACHED_CONF}`]);
const drifted = async (host: string) =>
  (await suite.fleet.exec(host, ['cat', MEMCACHED_CONF])).stdout.includes('# drift');

t.test('--level production selects exactly the production host; staging hosts are not touched', async (t) => {
  await drift('memcache1');
  const r = await halite('highstate', '--level', 'production', '--out', 'json');
  t.equal(r.code, 0, r.err);
  const doc = json(r.out);
  t.same(Object.keys(doc), ['memcache3']);
  t.match(await installed('memcache3', 'memcached'), /install ok installed/, 'memcached installed on memcache3');
  t.match(r.err, /job \d+: 1 host in 1 wave/);
  const conf = await suite.fleet.exec('memcache3', ['cat', MEMCACHED_CONF]);
  t.match(conf.stdout, /^-m 1024$/m, 'memcache3 converged with the production pillar');
  t.match(conf.stdout, /^-c 4096$/m);
  const svc = await suite.fleet.exec('memcache3', ['service', 'memcached', 'status'], { reject: false });
  t.equal(svc.exitCode, 0, 'memcached runs on memcache3');
  t.ok(await drifted('memcache1'), 'the drift on staging memcache1 is still there: not touched');
  t.match(
    (await suite.fleet.exec('memcache1', ['cat', MEMCACHED_CONF])).stdout,
    /^-m 64$/m,
    'and it keeps the staging pillar',
  );
});

t.test('--level staging selects exactly the staging hosts; the production host is not touched', async (t) => {
  await drift('memcache3');
  const r = await halite('highstate', '--level', 'staging', '--out', 'json');
  t.equal(r.code, 0, r.err);
  const doc = json(r.out);
  t.same(Object.keys(doc).sort(), ['memcache1', 'memcache2', 'sessions1']);
  t.same(
    changedTags(doc, 'memcache1'),
    [MEMCACHED_FILE, 'service_|-memcached_|-memcached_|-running'],
    'memcache1 repaired',
  );
  t.notOk(await drifted('memcache1'));
  t.ok(await drifted('memcache3'), 'the drift on production memcache3 is still there: not touched');
});

t.test('a later highstate renders the addresses the memcache hosts reported, from the inventory', async (t) => {
  // The repository's states plus a `probe` SLS for sessions1 writing the memcache servers it sees.
  const top = readFileSync(join(REPO, 'states/top.sls'), 'utf8');
  const config = withStates(suite.ws, 'probe', {
    'top.sls': `${top}  'sessions1':\n    - probe\n`,
    'probe/init.sls': [
      '/etc/halite-probe/memcache.conf:',
      '  file.managed:',
      '    - source: salt://probe/memcache.conf.j2',
      '    - template: jinja',
      '    - makedirs: True',
      '/etc/halite-probe/hosts:',
      '  file.managed:',
      '    - contents: |',
      "        {%- for h in inventory.hosts('memcache', level='*') %}",
      '        {{ h.id }} {{ h.level }} {{ h.address }}',
      '        {%- endfor %}',
      '    - makedirs: True',
      '',
    ].join('\n'),
    'probe/memcache.conf.j2': "{% for ip in inventory.ips('memcache') %}server {{ ip }}:11211\n{% endfor %}",
  });
  const r = await cliFor(suite.ws, config)('highstate', '--host', 'sessions1', '--out', 'json');
  t.equal(r.code, 0, r.err);
  t.same(Object.keys(json(r.out)), ['sessions1']);
  const addr = (id: string) => suite.fleet.hosts.find((h) => h.id === id)!.address;
  const staging = [addr('memcache1'), addr('memcache2')].sort(byIp);
  const probe = await suite.fleet.exec('sessions1', ['cat', '/etc/halite-probe/memcache.conf']);
  t.equal(
    probe.stdout,
    staging.map((ip) => `server ${ip}:11211\n`).join(''),
    'exactly the staging memcache hosts, by their fleet addresses',
  );
  t.notMatch(probe.stdout, addr('memcache3'), 'not the production one');
  const hosts = await suite.fleet.exec('sessions1', ['cat', '/etc/halite-probe/hosts']);
  t.equal(
    hosts.stdout,
    `memcache1 staging ${addr('memcache1')}\nmemcache2 staging ${addr('memcache2')}\nmemcache3 production ${addr('memcache3')}\n`,
    'every level on request, roles and levels from the roster',
  );
});

t.test('halite run on a role: output per host, exit 0; a failing command exits non-zero', async (t) => {
  const r = await halite('run', '--role', 'memcache', '--', 'uptime');
  t.equal(r.code, 0, r.err);
  t.match(r.out, /^memcache1:\n    .*load average.*\nmemcache2:\n    .*load average/);
  const bad = await halite('run', '--host', 'memcache1', '--', 'sh', '-c', 'exit 3');
  t.equal(bad.code, 2);
  t.match(bad.out, /memcache1:\n    \(exit status 3\)/);
});

t.test('the private pillar secret reached the host but not the output or the job store', async (t) => {
  const secret = readFileSync(join(import.meta.dirname, '../../pillar-private/accounts/sessions.sls'), 'utf8').match(
    /password: (\S+)/,
  )![1];
  const conf = await suite.fleet.exec('sessions1', ['cat', '/etc/redis/redis.conf']);
  t.match(conf.stdout, secret, 'redis is configured with it');
  const files = readdirSync(suite.ws.dir)
    .filter((f) => f.startsWith('jobs.sqlite'))
    .map((f) => readFileSync(join(suite.ws.dir, f)));
  t.ok(files.length >= 1);
  t.ok(
    files.some((b) => b.includes(SECRET_DIFF)),
    'the diff of the file holding it is stored as a summary',
  );
  t.notOk(
    files.some((b) => b.includes(secret)),
    'the secret is in no job store file',
  );
});

t.test('halite hosts shows the last run of each host', async (t) => {
  const r = await halite('hosts');
  t.equal(r.code, 0, r.err);
  t.match(r.out, /LAST RUN/);
  for (const h of ['memcache1', 'memcache2', 'sessions1', 'memcache3'])
    t.match(r.out, new RegExp(`${h} .* (ok|changed) \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z \\(job \\d{20}\\)`));
  t.match(r.out, /memcache3\s+production\s+memcache/);
});

t.test('a stopped host is unreachable (exit 4) while the others converge', async (t) => {
  // sshd stopped and its sessions gone: the connection kept from the earlier jobs drops too
  await suite.fleet.exec('memcache2', ['sh', '-c', 'service ssh stop; pkill -x sshd; true']);
  t.teardown(() => suite.fleet.exec('memcache2', ['service', 'ssh', 'start']).then(() => undefined));
  const r = await halite('highstate', '--level', 'staging');
  t.equal(r.code, 4, r.err);
  t.match(r.err, /memcache2: unreachable/);
  t.match(r.out, /Hosts\s+3\n  ok\s+2\n  changed\s+0\n  failed\s+0\n  unreachable\s+1/);
  t.match(r.out, /Summary for memcache1/);
  t.match(r.out, /Summary for sessions1/);
});

t.test('a host whose key changed is refused', async (t) => {
  const original = readFileSync(suite.ws.knownHosts, 'utf8');
  t.teardown(() => writeFileSync(suite.ws.knownHosts, original));
  const sess = suite.fleet.hosts.find((h) => h.id === 'sessions1')!;
  const other = suite.fleet.hosts.find((h) => h.id === 'memcache1')!;
  const keyOf = (addr: string) =>
    original
      .split('\n')
      .find((l) => l.split(' ')[0].split(',').includes(addr))!
      .split(' ')
      .slice(1)
      .join(' ');
  // pin memcache1's key for sessions1's address
  const forged = original
    .split('\n')
    .map((l) => (l.split(' ')[0].split(',').includes(sess.address) ? `${l.split(' ')[0]} ${keyOf(other.address)}` : l))
    .join('\n');
  t.not(forged, original);
  writeFileSync(suite.ws.knownHosts, forged);
  const r = await halite('highstate', '--host', 'sessions1');
  t.equal(r.code, 4, r.err + r.out);
  t.match(r.out + r.err, /sessions1.*(changed|does not match|differs)/i);
  t.notMatch(r.out, /Summary for sessions1/, 'nothing ran');
});

t.test('halite sls applies only the named SLS', async (t) => {
  const r = await halite('sls', 'memcached', '--host', 'sessions1', '--test', '--out', 'json');
  t.equal(r.code, 0, r.err);
  const doc = json(r.out) as Record<string, Record<string, unknown>>;
  t.same(Object.keys(doc), ['sessions1']);
  const tags = Object.keys(doc.sessions1);
  t.ok(tags.includes('service_|-memcached_|-memcached_|-running'));
  t.notOk(
    tags.some((tag) => tag.includes('redis')),
    'redis is not in the memcached SLS',
  );
});

/** `halite ssh …` with a terminal made of streams: `input` is typed, the screen is returned. */
async function sshSession(args: string[], input: string) {
  const io = {
    out: '',
    err: '',
    env: {},
    cwd: suite.ws.dir,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  const ctx: CommandContext = { io, exitCode: EXIT.OK };
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stdout = Object.assign(new PassThrough(), { columns: 100, rows: 30 });
  let screen = '';
  stdout.on('data', (d: Buffer) => (screen += d.toString()));
  const term = { stdin, stdout } as unknown as Terminal;
  const program = new Command('halite').option('--config <file>').exitOverride();
  registerSsh(program, ctx, { terminal: term });
  stdin.end(input);
  await program.parseAsync(['--config', suite.ws.config, 'ssh', ...args], { from: 'user' });
  return { code: ctx.exitCode, screen, err: io.err };
}

t.test('halite ssh: a shell on the host through the jump box, with a terminal', async (t) => {
  const r = await sshSession(['memcache1'], 'echo "tty=$(tty) host=$(hostname)"; exit 2\n');
  t.match(r.screen, /tty=\/dev\/pts\/\d+ host=memcache1/);
  t.equal(r.code, 2, 'the remote exit status is passed on');
  const byRole = await sshSession(
    ['--role', 'memcache', '--level', 'staging', '--index', '2'],
    'echo "on=$(hostname)"; exit\n',
  );
  t.match(byRole.screen, /on=memcache2/);
  t.equal(byRole.code, 0);
  await t.rejects(
    sshSession(['--role', 'memcache'], 'exit\n'),
    { exitCode: 64, message: /hosts match; pick one .*\n  1\) memcache1  staging/ },
    'several hosts and no --index: they are listed',
  );
});
