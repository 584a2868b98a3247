// The connection keeper against in-process SSH servers: commands and socket exchanges through it,
// connections reused between clients, stale ones replaced, failures carried back, the idle exit,
// and the fallback to a command's own connections when no keeper listens.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TransportError } from '../../../master/transport/errors.ts';
import { KeptTransport } from '../../../master/transport/mux-client.ts';
import { muxSocketPath } from '../../../master/transport/mux-path.ts';
import { FRAME, FrameReader, encodeFrame } from '../../../master/transport/mux-protocol.ts';
import { Keeper } from '../../../master/transport/mux-server.ts';
import { Transport } from '../../../master/transport/transport.ts';
import { closedPort } from './fake-ssh.ts';
import { keeperFixture } from './keeper-fixture.ts';

const BUILD = 'build-under-test';
const f = keeperFixture('halite-keeper-');
const { dir, keyFile, knownHosts, keepers, clients, viaJump } = f;

let sockets = 0;
async function keeper(tt: Test, persistSec = 60): Promise<{ keeper: Keeper; socket: string }> {
  const socket = join(dir, `keeper-${sockets++}.sock`);
  const k = new Keeper({ socket, persistSec, build: BUILD });
  tt.ok(await k.start(), 'the keeper listens');
  keepers.push(k);
  return { keeper: k, socket };
}

function kept(socket: string, extra: { startKeeper?: () => void; knownHosts?: string } = {}): KeptTransport {
  const direct = new Transport({
    key: keyFile,
    knownHosts: extra.knownHosts ?? knownHosts,
    connectTimeoutMs: 3000,
    keepaliveMs: 0,
  });
  const c = new KeptTransport({
    direct,
    socket,
    build: BUILD,
    persistSec: 60,
    profile: { key: keyFile, knownHosts: extra.knownHosts ?? knownHosts, connectTimeoutMs: 3000 },
    ...(extra.startKeeper ? { startKeeper: extra.startKeeper } : {}),
  });
  clients.push(c);
  return c;
}

t.test('frames survive any split of the byte stream', async (t) => {
  const bytes = Buffer.concat([
    encodeFrame(FRAME.stdout, 'hello'),
    encodeFrame(FRAME.stderr, Buffer.alloc(0)),
    encodeFrame(FRAME.result, JSON.stringify({ code: 3 })),
  ]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const r = new FrameReader();
    const frames = [...r.push(bytes.subarray(0, cut)), ...r.push(bytes.subarray(cut))];
    t.same(
      frames,
      [
        { type: 'stdout', data: Buffer.from('hello') },
        { type: 'stderr', data: Buffer.alloc(0) },
        { type: 'result', result: { code: 3 } },
      ],
      `cut at ${cut}`,
    );
    t.equal(r.pending, 0);
  }
  t.throws(() => new FrameReader().push(encodeFrame(0x21, 'x')), /unknown frame type/);
});

t.test('commands through the keeper: output, exit code, stdin; one connection for every client', async (t) => {
  const { keeper: k, socket } = await keeper(t);
  const before = f.target.connections;
  const a = kept(socket);
  const r1 = await a.exec(viaJump('t1'), 'cat; echo oops >&2; exit 3', { stdin: 'from stdin\n' });
  t.same(r1, { code: 3, stdout: 'from stdin\n', stderr: 'oops\n' });
  const streamed: string[] = [];
  const r2 = await a.exec(viaJump('t1'), ['sh', '-c', 'cat'], {
    stdin: Readable.from(['a', 'b', 'c']),
    onStdout: (c) => void streamed.push(c.toString()),
  });
  t.equal(r2.code, 0);
  t.equal(streamed.join(''), 'abc', 'stdout streamed as it came');
  const b = kept(socket);
  t.same(await b.exec(viaJump('t1'), ['echo', 'second client']), { code: 0, stdout: 'second client\n', stderr: '' });
  t.equal(f.target.connections - before, 1, 'three commands from two clients, one SSH connection');
  t.equal(k.opened, 1);
  t.ok(a.usingKeeper && b.usingKeeper);
});

t.test('socket-or-exec: the resident socket answers through the kept connection', async (t) => {
  const { socket } = await keeper(t);
  const path = join(dir, 'resident.sock');
  const srv = createServer({ allowHalfOpen: true }, (sock) => {
    let got = '';
    sock.on('data', (c) => (got += c.toString()));
    sock.on('end', () => sock.end(`heard ${got}`));
  });
  await new Promise<void>((resolve) => srv.listen(path, resolve));
  t.teardown(() => srv.close());
  const c = kept(socket);
  t.same(await c.socketOrExec(viaJump('t1'), path, ['echo', 'ran'], { stdin: 'ping' }), {
    code: 0,
    stdout: 'heard ping',
    stderr: '',
    via: 'socket',
  });
  t.same(await c.socketOrExec(viaJump('t1'), join(dir, 'nobody.sock'), ['echo', 'ran']), {
    code: 0,
    stdout: 'ran\n',
    stderr: '',
    via: 'exec',
  });
});

t.test('a connection that dropped is replaced for the next command', async (t) => {
  const { keeper: k, socket } = await keeper(t);
  const c = kept(socket);
  await c.exec(viaJump('t2'), 'true');
  for (const conn of f.target.live) conn.end();
  await new Promise((r) => setTimeout(r, 100));
  t.same(await c.exec(viaJump('t2'), ['echo', 'again']), { code: 0, stdout: 'again\n', stderr: '' });
  t.equal(k.opened, 2, 'a second connection was opened');
});

t.test('failures come back as the transport errors a direct connection gives', async (t) => {
  const { socket } = await keeper(t);
  const c = kept(socket);
  const dead = await closedPort();
  const err = await c.exec(viaJump('gone', dead), 'true').then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof TransportError, 'a TransportError');
  t.equal((err as TransportError).kind, 'unreachable');
  t.equal((err as TransportError).host, 'gone', 'attributed to the roster host');

  const stranger = join(dir, 'known_hosts.empty');
  writeFileSync(stranger, '');
  const unknown = await kept(socket, { knownHosts: stranger })
    .exec(viaJump('t3'), 'true')
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  t.equal(
    (unknown as TransportError).kind,
    'hostkey-unknown',
    'another known-hosts file never reuses a connection checked against this one',
  );

  const slow = await c.exec(viaJump('t3'), 'sleep 5', { timeoutMs: 200 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.equal((slow as TransportError).kind, 'timeout');

  const ac = new AbortController();
  const running = c.exec(viaJump('t3'), 'sleep 5', { signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  t.equal(
    (
      (await running.then(
        () => undefined,
        (e: unknown) => e,
      )) as TransportError
    ).kind,
    'aborted',
  );
});

t.test('no keeper: the command uses its own connections and starts one for the next', async (t) => {
  let started = 0;
  const c = kept(join(dir, 'nobody-keeps.sock'), { startKeeper: () => void started++ });
  t.same(await c.exec(viaJump('t4'), ['echo', 'direct']), { code: 0, stdout: 'direct\n', stderr: '' });
  t.same(await c.exec(viaJump('t4'), ['echo', 'direct again']), { code: 0, stdout: 'direct again\n', stderr: '' });
  t.equal(started, 1, 'one keeper started');
  t.notOk(c.usingKeeper);
});

t.test('the keeper leaves once idle for the persist time, closing its connections', async (t) => {
  const { keeper: k, socket } = await keeper(t, 0.3);
  const c = new KeptTransport({
    direct: new Transport({ key: keyFile, knownHosts, keepaliveMs: 0 }),
    socket,
    build: BUILD,
    persistSec: 0.3,
    profile: { key: keyFile, knownHosts, connectTimeoutMs: 3000 },
  });
  clients.push(c);
  await c.exec(viaJump('t5'), 'true');
  const live = f.target.live.size;
  t.ok(live >= 1);
  await k.closed();
  await new Promise((r) => setTimeout(r, 100));
  t.ok(f.target.live.size < live, 'its connection was closed');
});

t.test('a second keeper on the same socket steps aside', async (t) => {
  const { socket } = await keeper(t);
  const again = new Keeper({ socket, persistSec: 60, build: BUILD });
  t.notOk(await again.start());
});

t.test('the socket directory must be private', async (t) => {
  const open = join(dir, 'open');
  mkdirSync(open, { mode: 0o755 });
  chmodSync(open, 0o755);
  const key = { config: join(dir, 'halite.yaml'), build: BUILD };
  t.match(muxSocketPath(key, { HALITE_RUNTIME_DIR: open }), { refused: /open to other users/ });
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  t.match(muxSocketPath(key, { HALITE_RUNTIME_DIR: file }), { refused: /.+/ });
  const ok = join(dir, 'private');
  t.match(muxSocketPath(key, { HALITE_RUNTIME_DIR: ok }), { path: new RegExp(`^${ok}/keeper-`) });
});

t.test("a passphrase-protected key through the keeper: the profile's passphrase opens it for both hops", async (t) => {
  const { socket } = await keeper(t);
  const encrypted = join(dir, 'id_encrypted');
  writeFileSync(encrypted, readFileSync(keyFile), { mode: 0o600 });
  const p = spawnSync('ssh-keygen', ['-q', '-p', '-N', 'keeper words', '-f', encrypted]);
  t.equal(p.status, 0, p.stderr?.toString());
  const client = (passphrase?: string) => {
    const login = { key: encrypted, ...(passphrase ? { passphrase } : {}) };
    const c = new KeptTransport({
      direct: new Transport({ ...login, knownHosts, connectTimeoutMs: 3000, keepaliveMs: 0 }),
      socket,
      build: BUILD,
      persistSec: 60,
      profile: { ...login, knownHosts, connectTimeoutMs: 3000 },
    });
    clients.push(c);
    return c;
  };
  const ok = await client('keeper words').exec(viaJump('enc1'), 'echo opened');
  t.equal(ok.stdout, 'opened\n');
  const refused = await client()
    .exec(viaJump('enc2'), 'true')
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  t.ok(refused instanceof TransportError);
  t.match((refused as TransportError).message, /id_encrypted: it is protected by a passphrase/);
  t.notMatch((refused as TransportError).message, 'keeper words');
});
