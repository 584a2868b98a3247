// The transport end to end against in-process SSH servers: a jump host forwarding to targets
// that run commands for real.
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ssh2 from 'ssh2';
import { TransportError, isTransportError } from '../../../master/transport/errors.ts';
import { execOn } from '../../../master/transport/exec.ts';
import { fingerprint } from '../../../master/transport/host-key.ts';
import { KnownHosts, hostKeyName, knownHostsLine } from '../../../master/transport/known-hosts.ts';
import type { HostTarget } from '../../../master/transport/target.ts';
import { Transport, type TransportOptions } from '../../../master/transport/transport.ts';
import { type FakeServer, closedPort, keyPair, processEnded, startJump, startSilent, startTarget } from './fake-ssh.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-transport-'));
const client = keyPair();
const stranger = keyPair();
const jumpKey = keyPair();
const targetKey = keyPair();
const keyFile = join(dir, 'id_ed25519');
const strangerFile = join(dir, 'stranger');
writeFileSync(keyFile, client.private, { mode: 0o600 });
writeFileSync(strangerFile, stranger.private, { mode: 0o600 });

const servers: FakeServer[] = [];
const transports: Transport[] = [];
t.teardown(async () => {
  for (const tr of transports) tr.close();
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

let jump: FakeServer;
let target: FakeServer;
t.before(async () => {
  jump = await startJump({ hostKey: jumpKey, authorized: [client] });
  target = await startTarget({ hostKey: targetKey, authorized: [client] });
  servers.push(jump, target);
});

let files = 0;
/** A known-hosts file pinning the given [port, key] pairs on 127.0.0.1. */
function knownHosts(pins: Array<[number, Buffer]>): string {
  const file = join(dir, `known_hosts.${files++}`);
  writeFileSync(file, pins.map(([port, blob]) => knownHostsLine(hostKeyName('127.0.0.1', port), blob) + '\n').join(''));
  return file;
}

function transport(opts: Partial<TransportOptions> = {}): Transport {
  const tr = new Transport({
    key: keyFile,
    knownHosts: knownHosts([
      [jump.port, jumpKey.blob],
      [target.port, targetKey.blob],
    ]),
    connectTimeoutMs: 3000,
    keepaliveMs: 0,
    ...opts,
  });
  transports.push(tr);
  return tr;
}

function viaJump(id: string, port = target.port): HostTarget {
  return {
    id,
    address: '127.0.0.1',
    port,
    user: 'root',
    jump: { address: '127.0.0.1', port: jump.port, user: 'root' },
  };
}

async function rejection(p: Promise<unknown>): Promise<TransportError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TransportError) return err;
    throw err;
  }
  throw new Error('expected a TransportError, the call succeeded');
}

t.test('exec through the jump host: stdout, stderr, exit code', async (t) => {
  const tr = transport();
  const r = await tr.exec(viaJump('web1'), 'echo out; echo err >&2; exit 3');
  t.same(r, { code: 3, stdout: 'out\n', stderr: 'err\n' });
  const ok = await tr.exec(viaJump('web1'), ['printf', '%s|', 'a b', "it's", '$HOME', '`id`', '"q"', '*']);
  t.equal(ok.code, 0);
  t.equal(ok.stdout, 'a b|it\'s|$HOME|`id`|"q"|*|', 'argv reaches the command unchanged through the remote shell');
});

t.test('a killed command reports its signal', async (t) => {
  const r = await transport().exec(viaJump('web1'), 'kill -KILL $$');
  t.equal(r.code, null);
  t.equal(r.signal, 'SIGKILL');
});

t.test('stdin: a 5 MB payload arrives intact, from a buffer and from a stream', async (t) => {
  const tr = transport();
  const payload = randomBytes(5 * 1024 * 1024);
  const digest = createHash('sha256').update(payload).digest('hex');
  const r = await tr.exec(viaJump('web1'), ['wc', '-c'], { stdin: payload });
  t.equal(r.code, 0);
  t.equal(r.stdout.trim(), '5242880');
  const fromBuffer = await tr.exec(viaJump('web1'), ['sha256sum'], { stdin: payload });
  t.equal(fromBuffer.stdout.split(' ')[0], digest);
  const chunks = Array.from({ length: 80 }, (_, i) => payload.subarray(i * 65536, (i + 1) * 65536));
  const fromStream = await tr.exec(viaJump('web1'), ['sha256sum'], { stdin: Readable.from(chunks) });
  t.equal(fromStream.stdout.split(' ')[0], digest);
});

t.test('streaming callbacks receive the output as it comes', async (t) => {
  const out: string[] = [];
  const err: string[] = [];
  const r = await transport().exec(viaJump('web1'), 'echo one; echo two >&2', {
    onStdout: (c) => out.push(c.toString()),
    onStderr: (c) => err.push(c.toString()),
  });
  t.equal(r.stdout, '');
  t.equal(out.join(''), 'one\n');
  t.equal(err.join(''), 'two\n');
});

t.test('sudo wraps the command for non-root users only', async (t) => {
  const tg = await startTarget({ hostKey: targetKey, authorized: [client], users: ['root', 'deploy'] });
  servers.push(tg);
  const tr = transport({
    knownHosts: knownHosts([
      [jump.port, jumpKey.blob],
      [tg.port, targetKey.blob],
    ]),
  });
  await tr.exec({ ...viaJump('web1', tg.port), sudo: true }, ['true']);
  await tr.exec({ ...viaJump('web1', tg.port), sudo: true, user: 'deploy' }, ['test', '-n', "a'b"]);
  await tr.exec({ ...viaJump('web1', tg.port), sudo: true, user: 'deploy' }, 'echo $HOME | cat');
  await tr.exec({ ...viaJump('web1', tg.port), sudo: false, user: 'deploy' }, ['id']);
  t.same(tg.commands, ['true', "sudo -n -- test -n 'a'\\''b'", "sudo -n -- /bin/sh -c 'echo $HOME | cat'", 'id']);
});

t.test('one jump connection serves many targets; each target gets its own connection', async (t) => {
  const j = await startJump({ hostKey: jumpKey, authorized: [client] });
  servers.push(j);
  const tr = transport({
    knownHosts: knownHosts([
      [j.port, jumpKey.blob],
      [target.port, targetKey.blob],
    ]),
  });
  const before = target.connections;
  const hosts = Array.from({ length: 6 }, (_, i): HostTarget => ({
    ...viaJump(`h${i}`),
    jump: { address: '127.0.0.1', port: j.port, user: 'root' },
  }));
  const results = await Promise.all(hosts.map((h) => tr.exec(h, 'echo $$')));
  t.same(
    results.map((r) => r.code),
    [0, 0, 0, 0, 0, 0],
  );
  t.equal(j.connections, 1, 'a single connection to the jump host');
  t.equal(j.requests, 6, 'one forwarded channel per target');
  t.equal(target.connections - before, 6);
  t.equal(tr.stats.jumpConnectionsOpened, 1);
});

t.test('a dropped jump connection is opened again', async (t) => {
  const j = await startJump({ hostKey: jumpKey, authorized: [client] });
  servers.push(j);
  const tr = transport({
    knownHosts: knownHosts([
      [j.port, jumpKey.blob],
      [target.port, targetKey.blob],
    ]),
  });
  const h: HostTarget = { ...viaJump('web1'), jump: { address: '127.0.0.1', port: j.port, user: 'root' } };
  t.equal((await tr.exec(h, 'echo a')).stdout, 'a\n');
  for (const c of j.live) c.end();
  await new Promise((r) => setTimeout(r, 100));
  t.equal((await tr.exec(h, 'echo b')).stdout, 'b\n');
  t.equal(j.connections, 2);
});

t.test('the concurrency limit is honoured', async (t) => {
  const tg = await startTarget({ hostKey: targetKey, authorized: [client] });
  servers.push(tg);
  const tr = transport({
    concurrency: 2,
    knownHosts: knownHosts([
      [jump.port, jumpKey.blob],
      [tg.port, targetKey.blob],
    ]),
  });
  const hosts = Array.from({ length: 6 }, (_, i) => viaJump(`c${i}`, tg.port));
  const started = Date.now();
  const outcomes = await tr.runAll(hosts, (conn) => conn.exec('sleep 0.3'));
  t.equal(outcomes.filter((o) => o.ok).length, 6);
  t.equal(tg.maxConcurrent, 2, 'never more than two hosts at once, and two in parallel');
  t.ok(Date.now() - started >= 850, 'three rounds of 0.3 s');
});

t.test('an unreachable target is reported; others behind the same jump host still work', async (t) => {
  const tr = transport();
  const dead = await closedPort();
  const outcomes = await tr.runAll([viaJump('gone', dead), viaJump('web1')], (conn) => conn.exec('echo ok'));
  t.equal(outcomes[1].ok, true);
  t.equal(outcomes[1].ok && outcomes[1].value.stdout, 'ok\n');
  const failed = outcomes[0];
  t.equal(failed.ok, false);
  const err = !failed.ok ? failed.error : undefined;
  t.ok(isTransportError(err, 'unreachable'), 'kind unreachable');
  t.equal((err as TransportError).host, 'gone');
  t.equal((err as TransportError).hop, `root@127.0.0.1:${dead}`, 'names the hop that failed');
  t.match(err!.message, `jump host root@127.0.0.1:${jump.port} could not connect to 127.0.0.1:${dead}`);
});

t.test('an unreachable jump host names the jump hop', async (t) => {
  const dead = await closedPort();
  const tr = transport();
  const err = await rejection(
    tr.exec({ ...viaJump('web1'), jump: { address: '127.0.0.1', port: dead, user: 'root' } }, 'true'),
  );
  t.equal(err.kind, 'unreachable');
  t.equal(err.hop, `root@127.0.0.1:${dead}`);
  t.match(err.message, /^jump host root@127\.0\.0\.1:\d+: unreachable: ECONNREFUSED/);
  t.equal(err.host, 'web1');
});

t.test('direct connections (no jump host) work too', async (t) => {
  const r = await transport().exec(
    { id: 'direct', address: '127.0.0.1', port: target.port, user: 'root', jump: null },
    ['echo', 'direct'],
  );
  t.equal(r.stdout, 'direct\n');
});

t.test('a key the server does not accept is an auth error', async (t) => {
  const err = await rejection(transport({ key: strangerFile }).exec(viaJump('web1'), 'true'));
  t.equal(err.kind, 'auth');
  t.match(err.message, /jump host .*authentication as root failed/, 'the jump host refuses first');
  const perHost = await rejection(transport().exec({ ...viaJump('web1'), key: strangerFile }, 'true'));
  t.equal(perHost.kind, 'auth');
  t.equal(perHost.hop, `root@127.0.0.1:${target.port}`, 'the per-host key is used for the target only');
  const missing = await rejection(transport({ key: join(dir, 'nope') }).exec(viaJump('web1'), 'true'));
  t.equal(missing.kind, 'auth');
  t.match(missing.message, 'cannot read private key');
});

t.test('unknown host keys are refused, naming the host and the fingerprint', async (t) => {
  const onlyJump = transport({ knownHosts: knownHosts([[jump.port, jumpKey.blob]]) });
  const err = await rejection(onlyJump.exec(viaJump('web1'), 'true'));
  t.equal(err.kind, 'hostkey-unknown');
  t.equal(err.hop, `root@127.0.0.1:${target.port}`);
  t.match(err.message, `[127.0.0.1]:${target.port}`);
  t.match(err.message, fingerprint(targetKey.blob));
  t.match(err.message, 'halite hosts accept web1');
  t.equal(target.commands.includes('should-not-run'), false);

  const none = transport({ knownHosts: knownHosts([]) });
  const jumpErr = await rejection(none.exec(viaJump('web1'), 'should-not-run'));
  t.equal(jumpErr.kind, 'hostkey-unknown');
  t.equal(jumpErr.hop, `root@127.0.0.1:${jump.port}`, 'the jump host is verified too');
  t.match(jumpErr.message, fingerprint(jumpKey.blob));
  t.notOk(target.commands.includes('should-not-run'));
});

t.test('a key accepted into known-hosts is then trusted (the file is re-read)', async (t) => {
  const file = knownHosts([[jump.port, jumpKey.blob]]);
  const tr = transport({ knownHosts: file });
  t.equal((await rejection(tr.exec(viaJump('web1'), 'true'))).kind, 'hostkey-unknown');
  const presented = await tr.hostKey(
    { address: '127.0.0.1', port: target.port, user: 'root' },
    { address: '127.0.0.1', port: jump.port, user: 'root' },
  );
  t.equal(presented.fingerprint, fingerprint(targetKey.blob));
  t.equal(presented.type, 'ssh-ed25519');
  t.equal(new KnownHosts(file).add(hostKeyName('127.0.0.1', target.port), presented.key), 'added');
  t.equal((await tr.exec(viaJump('web1'), 'echo in')).stdout, 'in\n');
});

t.test('a changed host key is refused loudly, with old and new fingerprints', async (t) => {
  const other = keyPair();
  const file = knownHosts([
    [jump.port, jumpKey.blob],
    [target.port, other.blob],
  ]);
  const err = await rejection(transport({ knownHosts: file }).exec(viaJump('web1'), 'true'));
  t.equal(err.kind, 'hostkey-changed');
  t.equal(err.code, 'TRANSPORT');
  t.match(err.message, 'HOST KEY CHANGED');
  t.match(err.message, fingerprint(other.blob), 'the pinned fingerprint');
  t.match(err.message, fingerprint(targetKey.blob), 'the presented fingerprint');
  t.match(err.message, `${file}:2`, 'where the old key is pinned');
  t.same(err.toJSON(), {
    code: 'TRANSPORT',
    message: err.message,
    host: 'web1',
    kind: 'hostkey-changed',
    hop: `root@127.0.0.1:${target.port}`,
  });
  t.equal(readFileSync(file, 'utf8').split('\n').length, 3, 'known-hosts left alone');

  const revoked = knownHosts([[jump.port, jumpKey.blob]]);
  writeFileSync(revoked, `@revoked * ${targetKey.public.split(' ').slice(0, 2).join(' ')}\n`, { flag: 'a' });
  const rev = await rejection(transport({ knownHosts: revoked }).exec(viaJump('web1'), 'true'));
  t.equal(rev.kind, 'hostkey-revoked');
});

t.test('timeouts', async (t) => {
  const tr = transport();
  const signals = target.signals.length;
  const slow = await rejection(tr.exec(viaJump('web1'), 'sleep 5', { timeoutMs: 300 }));
  t.equal(slow.kind, 'timeout');
  t.equal(slow.host, 'web1');
  t.same(target.signals.slice(signals), ['TERM'], 'the command was stopped, not waited for');

  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  t.equal((await rejection(tr.exec(viaJump('web1'), 'sleep 5', { signal: ac.signal }))).kind, 'aborted');

  const silent = await startSilent();
  t.teardown(() => silent.close());
  const direct = await rejection(
    transport({ connectTimeoutMs: 300 }).exec(
      { id: 'mute', address: '127.0.0.1', port: silent.port, user: 'root' },
      'true',
    ),
  );
  t.equal(direct.kind, 'unreachable');
  t.match(direct.message, 'no SSH session within 300 ms');

  const stalling = await startJump({ hostKey: jumpKey, authorized: [client], stall: true });
  servers.push(stalling);
  const tr2 = transport({
    connectTimeoutMs: 400,
    knownHosts: knownHosts([
      [stalling.port, jumpKey.blob],
      [target.port, targetKey.blob],
    ]),
  });
  const fwd = await rejection(
    tr2.exec({ ...viaJump('web1'), jump: { address: '127.0.0.1', port: stalling.port, user: 'root' } }, 'true'),
  );
  t.equal(fwd.kind, 'unreachable');
  t.match(fwd.message, 'did not connect to');
  const perHost = await rejection(
    tr2.exec(
      { ...viaJump('web1'), jump: { address: '127.0.0.1', port: stalling.port, user: 'root' }, connectTimeoutMs: 100 },
      'true',
    ),
  );
  t.match(perHost.message, 'within 100 ms', 'the per-host timeout wins');
});

t.test('a command out of time is stopped with its process group: TERM, then KILL', async (t) => {
  const tr = transport();
  const pidFile = join(dir, 'bg.pid');
  const before = target.signals.length;
  // a child in the background: killing the shell alone would leave it running
  const polite = await rejection(
    tr.exec(viaJump('web1'), `sleep 60 & echo $! > '${pidFile}'; wait`, { timeoutMs: 1000 }),
  );
  t.equal(polite.kind, 'timeout');
  t.equal(polite.host, 'web1');
  t.match(polite.message, /timeout after 1 s: the command was stopped/);
  t.ok(await processEnded(Number(readFileSync(pidFile, 'utf8'))), 'the background child ended too');
  t.same(target.signals.slice(before), ['TERM'], 'TERM was enough');

  const stubborn = join(dir, 'stubborn.pid');
  const mid = target.signals.length;
  const hard = await rejection(
    tr.exec(viaJump('web1'), `trap '' TERM; sleep 60 & echo $! > '${stubborn}'; wait`, {
      timeoutMs: 1000,
      killGraceMs: 200,
    }),
  );
  t.equal(hard.kind, 'timeout');
  t.ok(await processEnded(Number(readFileSync(stubborn, 'utf8'))), 'a child that ignores TERM is killed');
  t.same(target.signals.slice(mid), ['TERM', 'KILL'], 'KILL after the grace time');
});

t.test('an idle jump connection is closed', async (t) => {
  const j = await startJump({ hostKey: jumpKey, authorized: [client] });
  servers.push(j);
  const tr = transport({
    idleMs: 100,
    knownHosts: knownHosts([
      [j.port, jumpKey.blob],
      [target.port, targetKey.blob],
    ]),
  });
  await tr.exec({ ...viaJump('web1'), jump: { address: '127.0.0.1', port: j.port, user: 'root' } }, 'true');
  await new Promise((r) => setTimeout(r, 400));
  t.equal(tr.stats.jumpConnectionsOpen, 0);
  t.equal(j.live.size, 0);
});

t.test('interactive shell channel', async (t) => {
  const ch = await transport().shell(viaJump('web1'), { pty: true });
  const got = await new Promise<string>((resolve) => {
    let buf = '';
    ch.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('hello')) resolve(buf);
    });
    ch.write('hello\n');
  });
  t.match(got, 'hello');
  ch.end();
});

t.test('a host with several keys is checked against the type that is pinned', async (t) => {
  const ecdsa = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 });
  const parsed = ssh2.utils.parseKey(ecdsa.public);
  if (parsed instanceof Error) throw parsed;
  const ecdsaBlob = Buffer.from(parsed.getPublicSSH());
  const multi = await startTarget({ hostKey: targetKey, extraHostKeys: [ecdsa.private], authorized: [client] });
  servers.push(multi);
  const tr = transport({
    knownHosts: knownHosts([
      [jump.port, jumpKey.blob],
      [multi.port, ecdsaBlob],
    ]),
  });
  const h = viaJump('multi', multi.port);
  t.equal((await tr.exec(h, 'echo ok')).stdout, 'ok\n', 'the ECDSA key is negotiated, not the ED25519 one');
  const shown = await tr.hostKey({ address: '127.0.0.1', port: multi.port, user: 'root' }, h.jump);
  t.equal(shown.type, 'ecdsa-sha2-nistp256');
  t.equal(shown.fingerprint, fingerprint(ecdsaBlob));
  const fresh = await transport({ knownHosts: knownHosts([[jump.port, jumpKey.blob]]) }).hostKey(
    { address: '127.0.0.1', port: multi.port, user: 'root' },
    h.jump,
  );
  t.equal(fresh.type, 'ssh-ed25519', 'with nothing pinned, ED25519 is preferred');
});

t.test('socketOrExec: a listening unix socket answers on the same connection; else the command runs', async (t) => {
  const { createServer } = await import('node:net');
  const path = join(dir, 'resident.sock');
  const server = createServer({ allowHalfOpen: true }, (sock) => {
    let got = '';
    sock.on('data', (c) => (got += c));
    sock.on('end', () => sock.end(`socket heard: ${got}`));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.teardown(() => server.close());
  const tr = transport();
  const before = { sockets: target.sockets, requests: target.requests, connections: target.connections };
  const viaSocket = await tr.socketOrExec(viaJump('t1'), path, ['echo', 'ran a command'], { stdin: 'ping' });
  t.same(viaSocket, { code: 0, stdout: 'socket heard: ping', stderr: '', via: 'socket' });
  t.equal(target.sockets - before.sockets, 1);
  t.equal(target.requests - before.requests, 0, 'no command ran');
  const viaExec = await tr.socketOrExec(viaJump('t1'), join(dir, 'nobody-listens.sock'), ['echo', 'ran a command']);
  t.match(viaExec, { code: 0, stdout: 'ran a command\n', via: 'exec' });
  t.equal(target.connections - before.connections, 2, 'one connection per call');
});

t.test(
  'socketOrExec: a socket whose listener goes away ends the exchange even while the input stays open',
  async (t) => {
    const { createServer } = await import('node:net');
    const { PassThrough } = await import('node:stream');
    const path = join(dir, 'gone.sock');
    const server = createServer((sock) => sock.end('bye\n'));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    t.teardown(() => server.close());
    const stdin = new PassThrough();
    const r = await transport().socketOrExec(viaJump('t1'), path, ['echo', 'ran a command'], { stdin });
    t.match(r, { stdout: 'bye\n', via: 'socket' });
    t.notOk(stdin.writableEnded, 'the input was never ended');
  },
);

t.test('warm opens the jump connection before the first target needs it', async (t) => {
  const tr = transport();
  tr.warm([viaJump('w1'), viaJump('w2')]);
  await new Promise((r) => setTimeout(r, 300));
  t.equal(tr.stats.jumpConnectionsOpened, 1, 'one connection for both targets');
  const r = await tr.exec(viaJump('w1'), ['true']);
  t.equal(r.code, 0);
  t.equal(tr.stats.jumpConnectionsOpened, 1, 'the warm connection was used');
});

t.test('an abort that comes while the exec request is on its way still stops the command', async (t) => {
  const conn = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    conn.once('ready', () => resolve()).once('error', reject);
    conn.connect({
      host: '127.0.0.1',
      port: target.port,
      username: 'root',
      privateKey: client.private,
      hostVerifier: () => true,
    });
  });
  t.teardown(() => conn.end());
  const ac = new AbortController();
  const run = execOn(conn, 'sleep 5', { name: 'web1', hop: 'web1' }, { signal: ac.signal });
  ac.abort(); // after the request is sent, before its reply: no listener is on the signal yet
  t.equal((await rejection(run)).kind, 'aborted');
});
