// Whose connection keeper a command uses: one socket per configuration file and build; a keeper of
// another build is refused by the command (which connects by itself, having sent it nothing) and
// refuses commands of another build; a keeper a command starts runs the command's own build.
import t from 'tap';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buildId, treeHash } from '../../../master/build/build-id.ts';
import { jobTransportFor } from '../../../master/commands/fleet.ts';
import { defaultConfig } from '../../../master/config/halite-yaml.ts';
import { haliteSelf } from '../../../master/build/halite-bin.ts';
import { KeptTransport, keeperStarter } from '../../../master/transport/mux-client.ts';
import { muxSocketPath } from '../../../master/transport/mux-path.ts';
import { FRAME, FrameReader, MUX_VERSION, type MuxFrame } from '../../../master/transport/mux-protocol.ts';
import { Keeper } from '../../../master/transport/mux-server.ts';
import { Transport } from '../../../master/transport/transport.ts';
import { keeperFixture } from './keeper-fixture.ts';

const f = keeperFixture('halite-keeper-build-');
const { dir, knownHosts, keepers, clients, viaJump } = f;
const profile = { key: f.keyFile, knownHosts, connectTimeoutMs: 3000 };

let sockets = 0;
async function keeper(build: string): Promise<{ keeper: Keeper; socket: string }> {
  const socket = join(dir, `k${sockets++}.sock`);
  const k = new Keeper({ socket, persistSec: 60, build });
  if (!(await k.start())) throw new Error('the keeper does not listen');
  keepers.push(k);
  return { keeper: k, socket };
}

function kept(
  socket: string,
  build: string,
  extra: Partial<ConstructorParameters<typeof KeptTransport>[0]> = {},
): KeptTransport {
  const c = new KeptTransport({
    direct: new Transport({ ...profile, keepaliveMs: 0 }),
    socket,
    build,
    persistSec: 60,
    profile,
    ...extra,
  });
  clients.push(c);
  return c;
}

t.test('one socket per configuration file (by its real path) and build', async (t) => {
  const run = join(dir, 'run');
  mkdirSync(run, { mode: 0o700 });
  const env = { HALITE_RUNTIME_DIR: run };
  for (const d of ['a', 'b']) {
    mkdirSync(join(dir, d));
    writeFileSync(join(dir, d, 'halite.yaml'), 'concurrency: 2\n');
  }
  symlinkSync(join(dir, 'a'), join(dir, 'a-link'));
  const path = (config: string, build = 'b1') => {
    const r = muxSocketPath({ config: join(dir, config), build }, env);
    if (!('path' in r)) throw new Error(r.refused);
    return r.path;
  };
  t.not(path('a/halite.yaml'), path('b/halite.yaml'), 'two configurations, two keepers');
  t.equal(path('a/halite.yaml'), path('a-link/halite.yaml'), 'the same file reached through a symlink: one keeper');
  t.not(path('a/halite.yaml'), path('a/halite.yaml', 'b2'), 'another build, another keeper');
  t.match(path('a/halite.yaml'), new RegExp(`^${run}/keeper-${MUX_VERSION}-[0-9a-f]{24}\\.sock$`));
});

t.test('a keeper of another build is not used: the command connects by itself, with a note', async (t) => {
  const { keeper: other, socket } = await keeper('their-build');
  const notes: string[] = [];
  let started = 0;
  const c = kept(socket, 'our-build', { note: (s) => void notes.push(s), startKeeper: () => void started++ });
  const input = Readable.from(['every ', 'byte ', 'of stdin']);
  t.same(
    await c.exec(viaJump('w1'), ['cat'], { stdin: input }),
    { code: 0, stdout: 'every byte of stdin', stderr: '' },
    'the command read all its input: the keeper was sent none',
  );
  t.same(await c.exec(viaJump('w1'), ['echo', 'again']), { code: 0, stdout: 'again\n', stderr: '' });
  t.notOk(c.usingKeeper);
  t.equal(c.kept, 0, 'no request went to the keeper');
  t.equal(other.opened, 0, 'the other keeper opened no connection');
  t.equal(started, 0, 'no keeper started: the socket is taken');
  t.equal(notes.length, 1, 'one note');
  t.match(
    notes[0],
    `the connection keeper at ${socket} is not used: it runs build their-build, this command our-build; connecting directly`,
  );
});

t.test('a peer that never says hello is not used either', async (t) => {
  const socket = join(dir, 'mute.sock');
  const mute = createServer(() => undefined);
  await new Promise<void>((resolve) => mute.listen(socket, resolve));
  t.teardown(() => new Promise<void>((resolve) => mute.close(() => resolve())));
  const notes: string[] = [];
  const c = kept(socket, 'our-build', { note: (s) => void notes.push(s), helloTimeoutMs: 200 });
  t.same(await c.exec(viaJump('w2'), ['cat'], { stdin: Readable.from(['all of it']) }), {
    code: 0,
    stdout: 'all of it',
    stderr: '',
  });
  t.match(notes, [/did not say hello/]);
});

function frames(socket: string, request: object): Promise<MuxFrame[]> {
  return new Promise((resolve, reject) => {
    const got: MuxFrame[] = [];
    const reader = new FrameReader();
    const s = connect(socket);
    s.on('data', (c: Buffer) => got.push(...reader.push(c)));
    s.once('error', reject);
    s.once('connect', () => s.end(`${JSON.stringify(request)}\n`));
    s.once('close', () => resolve(got));
  });
}

t.test('the keeper says hello with its build and refuses a request of another build', async (t) => {
  const { keeper: k, socket } = await keeper('keeper-build');
  const got = await frames(socket, {
    v: MUX_VERSION,
    build: 'client-build',
    op: 'exec',
    persistSec: 60,
    profile,
    target: viaJump('w3'),
    command: ['touch', join(dir, 'ran')],
  });
  t.same(got[0], { type: 'hello', hello: { v: MUX_VERSION, build: 'keeper-build' } });
  t.equal(got.length, 2);
  t.equal(got[1].type, 'failure');
  t.match(
    got[1].type === 'failure' && got[1].error.message,
    "a command of another build (client-build) than the keeper's (keeper-build)",
  );
  t.equal(k.opened, 0, 'nothing was connected');
  t.notOk(existsSync(join(dir, 'ran')), 'nothing ran');
  t.equal(FRAME.hello, 0x48);
});

t.test('build ids: of the sources by content, stable within a process', async (t) => {
  const id = buildId();
  t.match(id, /^source-[0-9a-f]{64}$/, 'from the sources (tests run them through tsx)');
  t.equal(buildId(), id);
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'm/sub'), { recursive: true });
  writeFileSync(join(tree, 'm/sub/a.ts'), 'one');
  writeFileSync(join(tree, 'lock.json'), '{}');
  const before = treeHash(tree, ['m'], ['lock.json']);
  t.equal(treeHash(tree, ['m'], ['lock.json']), before, 'same files, same hash');
  writeFileSync(join(tree, 'm/sub/a.ts'), 'two');
  t.not(treeHash(tree, ['m'], ['lock.json']), before, 'an edited file');
  writeFileSync(join(tree, 'm/sub/a.ts'), 'one');
  t.equal(treeHash(tree, ['m'], ['lock.json']), before);
  writeFileSync(join(tree, 'm/b.ts'), '');
  t.not(treeHash(tree, ['m'], ['lock.json']), before, 'an added file');
});

t.test("a keeper a command starts runs the command's build, so the next command uses it", async (t) => {
  const socket = join(dir, 'started.sock');
  const first = kept(socket, buildId(), { startKeeper: keeperStarter(haliteSelf(), socket, 2) });
  t.same(await first.exec(viaJump('w4'), ['echo', 'direct']), { code: 0, stdout: 'direct\n', stderr: '' });
  t.notOk(first.usingKeeper, 'no keeper yet: the first command connected by itself');
  for (let i = 0; i < 300 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 100));
  t.ok(existsSync(socket), 'the keeper it started listens');
  const notes: string[] = [];
  const next = kept(socket, buildId(), { note: (s) => void notes.push(s) });
  t.same(await next.exec(viaJump('w4'), ['echo', 'kept']), { code: 0, stdout: 'kept\n', stderr: '' });
  t.ok(next.usingKeeper, 'the next command goes through it');
  t.equal(next.kept, 1);
  t.same(notes, []);
});

t.test("a job's transport: the keeper of its configuration and build, or a note saying why none", async (t) => {
  const config = { ...defaultConfig(join(dir, 'job')), file: join(dir, 'job/halite.yaml') };
  const notes: string[] = [];
  const open = join(dir, 'open-run');
  mkdirSync(open, { mode: 0o755 });
  chmodSync(open, 0o755);
  const direct = jobTransportFor(config, { HALITE_RUNTIME_DIR: open }, (s) => void notes.push(s));
  t.ok(direct instanceof Transport, 'its own connections');
  t.match(notes, [/^no connection keeper: .*open-run is open to other users/]);
  const run = join(dir, 'job-run');
  const viaKeeper = jobTransportFor(config, { HALITE_RUNTIME_DIR: run });
  t.ok(viaKeeper instanceof KeptTransport);
  viaKeeper.close();
  t.ok(
    jobTransportFor({ ...config, ssh: { ...config.ssh, persist: 0 } }, { HALITE_RUNTIME_DIR: run }) instanceof
      Transport,
    'ssh.persist 0: no keeper',
  );
});
