// End to end: a jump host and two role hosts, reached the way the master reaches them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import t from 'tap';
import { mountsUnder } from './down.ts';
import { attach, up, type Fleet } from './index.ts';
import { fleetNetns, netnsPath } from './network.ts';
import { isRunning, pidsInNetns, readProcStat } from './proc.ts';
import { run } from './run.ts';

/** Connects from the master; resolves "connected" (with the first bytes) or the error code. */
function connect(host: string, port: number): Promise<{ outcome: string; data: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (outcome: string, data = '') => {
      s.destroy();
      resolve({ outcome, data, ms: Date.now() - started });
    };
    s.setTimeout(5000, () => done('timeout'));
    s.once('data', (b) => done('connected', b.toString()));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/** A node program run inside a host: connects to host:port, sends `send`, prints the answer or the error code. */
const PROBE = `
const [host, port, send] = process.argv.slice(1);
const s = require('net').connect({ host, port: Number(port) });
s.setTimeout(5000, () => { console.log('timeout'); process.exit(0); });
s.on('connect', () => s.write(send));
s.on('data', (b) => { console.log('answer ' + b.toString().trim()); process.exit(0); });
s.on('error', (e) => { console.log('error ' + e.code); process.exit(0); });
`;

if (process.getuid?.() !== 0) {
  t.plan(0, 'the test fleet needs root (network namespaces, overlay mounts, veth links)');
} else {
  const started = Date.now();
  const fleet: Fleet = await up({
    name: `test${process.pid}`,
    hosts: [
      { id: 'alpha', roles: ['memcache'], level: 'staging' },
      { id: 'beta', roles: ['sessions'], level: 'staging' },
      { id: 'gamma', roles: ['db'], level: 'staging' },
    ],
    log: (line) => t.comment(line),
  });
  t.comment(`fleet up in ${Date.now() - started} ms`);
  t.teardown(() => fleet.down());
  const [alpha, beta] = fleet.hosts;

  await t.test('the API describes the fleet', async (t) => {
    t.match(fleet.jump, { id: 'jump', kind: 'jump', port: 22, user: 'root' });
    t.match(alpha, { id: 'alpha', kind: 'role', roles: ['memcache'], level: 'staging', port: 22 });
    t.not(alpha.address, beta.address);
    t.ok(existsSync(fleet.sshKey) && existsSync(fleet.knownHosts) && existsSync(fleet.sshConfig));
    t.equal(statSync(fleet.sshKey).mode & 0o077, 0, 'the client key is private');
    t.same(fleet.roster().alpha, {
      host: alpha.address,
      port: 22,
      user: 'root',
      level: 'staging',
      roles: ['memcache'],
      jump: { host: fleet.jump.address, port: 22, user: 'root' },
      priv: fleet.sshKey,
    });
    t.same(Object.keys(fleet.roster()), ['alpha', 'beta', 'gamma'], 'the roster lists role hosts only');
    const again = attach(fleet.name);
    t.same(again.toJSON(), fleet.toJSON(), 'another handle on the fleet sees the same hosts');
  });

  await t.test('ssh with the generated config reaches every host, role hosts through the jump', async (t) => {
    for (const h of [fleet.jump, alpha, beta]) {
      const res = await run(['ssh', '-F', fleet.sshConfig, h.id, 'hostname']);
      t.equal(res.stdout.trim(), h.id, `ssh ${h.id} lands on ${h.id}`);
    }
    const resolved = (await run(['ssh', '-G', '-F', fleet.sshConfig, alpha.id])).stdout;
    t.match(resolved, new RegExp(`^proxyjump ${fleet.jump.id}$`, 'm'), 'role hosts go through the jump host');
    t.match(resolved, new RegExp(`^hostname ${alpha.address.replace(/\./g, '\\.')}$`, 'm'));
    const unpinned = await run(['ssh', '-F', fleet.sshConfig, '-o', 'UserKnownHostsFile=/dev/null', alpha.id, 'true'], {
      reject: false,
    });
    t.not(unpinned.exitCode, 0, 'host keys are pinned: without known_hosts the login is refused');
    t.match(unpinned.stderr, /verification failed/);
    const status = await fleet.status();
    t.same(
      status.map((s) => [s.id, s.running, s.sshd]),
      [
        ['jump', true, true],
        ['alpha', true, true],
        ['beta', true, true],
        ['gamma', true, true],
      ],
      'status',
    );
  });

  await t.test('role hosts are not reachable from the master; the jump is', async (t) => {
    const direct = await connect(alpha.address, 22);
    t.equal(direct.outcome, 'EHOSTUNREACH', 'the guard route refuses at once');
    t.ok(direct.ms < 1000, `refused in ${direct.ms} ms`);
    const jump = await connect(fleet.jump.address, 22);
    t.equal(jump.outcome, 'connected');
    t.match(jump.data, /^SSH-2\.0-OpenSSH/);
  });

  await t.test('role hosts have no route out of the internal network', async (t) => {
    const routes = (await fleet.exec(alpha, ['ip', '-4', 'route', 'show'])).stdout.trim().split('\n');
    t.same(
      routes.map((r) => r.split(' ')[0]),
      [fleet.network.internal],
      'only the internal subnet',
    );
    const out = await fleet.exec(alpha, ['ip', 'route', 'get', fleet.network.master], { reject: false });
    t.not(out.exitCode, 0);
    t.match(out.stderr, /Network is unreachable/);
    const probe = await fleet.exec(alpha, ['node', '-e', PROBE, fleet.network.master, '22', '']);
    t.equal(probe.stdout.trim(), 'error ENETUNREACH', 'a connection to the master fails');
    const peer = await fleet.exec(alpha, ['node', '-e', PROBE, beta.id, '22', '']);
    t.match(peer.stdout, /^answer SSH-2\.0-/, 'hosts reach each other by name on the internal network');
  });

  await t.test('each host has its own namespaces, init and identity', async (t) => {
    const ns = (pid: number | 'self', kind: string) => statSync(`/proc/${pid}/ns/${kind}`).ino;
    for (const kind of ['net', 'mnt', 'pid', 'uts', 'ipc']) {
      t.not(ns(alpha.pid, kind), ns('self', kind), `${kind} differs from the master's`);
      t.not(ns(alpha.pid, kind), ns(beta.pid, kind), `${kind} differs between hosts`);
    }
    t.equal((await fleet.exec(alpha, ['cat', '/proc/1/cmdline'])).stdout.split('\0')[1], '/usr/sbin/init');
    t.equal((await fleet.exec(alpha, ['runlevel'])).stdout.trim(), 'N 2');
    const mounts = (await fleet.exec(alpha, ['cat', '/proc/mounts'])).stdout;
    t.match(mounts, /^overlay \/ overlay /m);
    t.match(mounts, /^tmpfs \/run tmpfs /m);
    t.match(mounts, /^tmpfs \/tmp tmpfs /m);
    t.match(mounts, /^proc \/proc proc /m);
    const keyA = readFileSync(fleet.knownHosts, 'utf8').match(/^alpha,\S+ (.*)$/m)?.[1];
    const keyB = readFileSync(fleet.knownHosts, 'utf8').match(/^beta,\S+ (.*)$/m)?.[1];
    t.ok(keyA && keyB && keyA !== keyB, 'each host has its own host key');
    t.equal((await fleet.exec(alpha, ['node', '--version'])).stdout.split('.')[0], 'v18', "Debian 12's Node.js");
  });

  await t.test('packages install from the fleet repository and their services start', async (t) => {
    const sources = await fleet.exec(alpha, [
      'sh',
      '-c',
      'cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -v "^#"',
    ]);
    t.equal(sources.stdout.trim(), fleet.repo.aptSource, 'the only apt source is the fleet repository');
    const install = await fleet.ssh(alpha, [
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      'install',
      '-y',
      'memcached',
    ]);
    t.match(install.stdout, /Get:\d+ file:\/srv\/halite-fleet-repo \.\/ memcached /);
    const pid = await fleet.exec(alpha, ['pgrep', '-x', 'memcached']);
    t.match(pid.stdout, /^\d+\n$/, 'memcached runs');
    const answer = await fleet.exec(alpha, ['node', '-e', PROBE, '127.0.0.1', '11211', 'version\r\n']);
    t.match(answer.stdout, /^answer VERSION \d/, 'memcached answers on 11211');
    const other = await fleet.exec(beta, ['pgrep', '-x', 'memcached'], { reject: false });
    t.equal(other.exitCode, 1, 'the other host is untouched');
  });

  await t.test('destroy ends one host; the others keep running', async (t) => {
    t.ok(fleet.isRunning('gamma'));
    await fleet.destroy('gamma');
    t.notOk(fleet.isRunning('gamma'), 'its init is gone');
    t.same(pidsInNetns(netnsPath(fleet.host('gamma').netns)), [], 'no process of it is left');
    const login = await fleet.ssh('gamma', ['true'], { reject: false, timeoutMs: 15_000 });
    t.not(login.exitCode, 0, 'nothing answers at its address');
    t.equal((await fleet.ssh(alpha, ['hostname'])).stdout.trim(), 'alpha', 'the other hosts answer');
    await fleet.destroy('gamma');
    t.pass('destroying it again is a no-op');
    await t.rejects(fleet.destroy('jump'), /the jump host cannot be destroyed alone/);
  });

  await t.test('down removes processes, mounts, namespaces, links and files', async (t) => {
    const netns = fleetNetns(fleet.name);
    t.equal(netns.length, 5, 'switch + jump + 3 hosts');
    const procs = netns
      .flatMap((n) => pidsInNetns(netnsPath(n)))
      .map((pid) => ({ pid, start: readProcStat(pid)?.startTime }));
    t.ok(procs.length >= 6, `${procs.length} processes in the fleet before down`);
    const state = JSON.parse(readFileSync(`${fleet.stateDir}/fleet.json`, 'utf8'));
    const link = `/sys/class/net/${state.plan.masterLink}`;
    t.ok(existsSync(link));
    await fleet.down();
    t.same(
      procs.filter((p) => isRunning(p.pid, p.start)),
      [],
      'no fleet process runs',
    );
    t.same(fleetNetns(fleet.name), [], 'no namespaces');
    t.notOk(existsSync(link), 'no veth on the master');
    const guard = await run(['ip', '-4', 'route', 'show', 'exact', fleet.network.internal]);
    t.equal(guard.stdout.trim(), '', 'no guard route');
    t.same(mountsUnder([fleet.stateDir, state.overlayDir, state.repo]), [], 'no mounts in any namespace');
    t.notOk(existsSync(fleet.stateDir), 'state directory removed');
    t.notOk(existsSync(state.overlayDir), 'overlays removed');
    await fleet.down();
    t.pass('down again is a no-op');
  });
}
