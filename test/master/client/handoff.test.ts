// The thin client: a job command goes to the daemon of its configuration when one answers and runs
// the same code, prints what the command would have printed and exits with its code; without one it
// runs in its own process (or, with --daemon, fails with 69); Ctrl-C and questions pass through.
import t from 'tap';
import { EventEmitter } from 'node:events';
import { chmodSync, writeFileSync } from 'node:fs';
import { JobStore } from '../../../master/jobs/store.ts';
import { SECRET } from '../jobs/job-tree.ts';
import { createConnection } from 'node:net';
import { configKey, daemonSocketPath } from '../../../master/client/daemon-socket.ts';
import { DAEMON_PROTOCOL, type JobRequest, frame } from '../../../master/client/protocol.ts';
import { type Run, STAMP, daemonFixture } from './daemon-fixture.ts';
import type { ClientIo } from '../../../master/client/handoff.ts';

/** What differs from one run to the next: durations and job ids. */
const steady = (s: string): string =>
  s
    .replace(/ *\d+(\.\d+)? (ms|s)\b/g, ' N')
    .replace(/\b\d{20}\b/g, 'JID')
    .replace(/\d\d:\d\d:\d\d\.\d+/g, 'HH:MM:SS')
    .replace(/"duration": [\d.]+/g, '"duration": N');

t.test('without a daemon the command runs here; --daemon fails with 69; --no-daemon never asks', async (t) => {
  const f = daemonFixture(t);
  const none = await f.client(['highstate', '--all']);
  t.same(none, { code: undefined, out: '', err: '' }, 'no socket: runs here, silently');
  const forced = await f.client(['--daemon', 'highstate', '--all']);
  t.equal(forced.code, 69);
  t.match(forced.err, /--daemon: no daemon took the job for .*halite\.yaml: no daemon is running/);
  await f.start();
  t.equal((await f.client(['--no-daemon', 'highstate', '--all'])).code, undefined);
  t.equal((await f.client(['hosts'])).code, undefined, 'not a job command');
  t.equal((await f.client(['highstate', '--help'])).code, undefined, 'help is the command’s own');
  t.equal(f.local!.size, 0);
});

t.test('a daemon of other code, or another configuration, is not used', async (t) => {
  const f = daemonFixture(t);
  await f.start('b'.repeat(64));
  const stale = await f.client(['highstate', '--all']);
  t.equal(stale.code, undefined);
  t.match(stale.err, /running here: the daemon runs other code than this command \(restart halite serve/);
  const forced = await f.client(['--daemon', 'highstate', '--all']);
  t.equal(forced.code, 69);
  writeFileSync(`${f.dir}/other.yaml`, 'levels:\n  staging: {}\n');
  t.same(await f.client(['--config', 'other.yaml', 'highstate', '--all']), { code: undefined, out: '', err: '' });
});

t.test('a runtime directory others may enter is never used', async (t) => {
  const f = daemonFixture(t);
  await f.start();
  chmodSync(f.runtime, 0o755);
  const r = await f.client(['highstate', '--all']);
  t.equal(r.code, undefined);
  t.match(r.err, /running here: .* is open to other users \(mode 755\)/);
  t.equal((await f.client(['--daemon', 'highstate', '--all'])).code, 69);
});

t.test('through the daemon, a job prints what it prints in-process and exits with the same code', async (t) => {
  const f = daemonFixture(t);
  await f.start();
  for (const argv of [
    ['highstate', '--all'],
    ['highstate', '--all', '--test'],
    ['highstate', '--host', 'cache1', '--state-output', 'terse'],
    ['sls', 'ok', '--host', 'cache*', '--out', 'json'],
    ['highstate', '--host', 'nosuch*'],
    ['highstate', '--level', 'nosuchlevel', '--no-color', 'pillar={"greeting": "hi"}'],
    ['sls'],
  ]) {
    const here = await f.inProcess(argv);
    const there = await f.client(argv);
    t.not(there.code, undefined, `${argv.join(' ')}: run by the daemon`);
    t.equal(there.code, here.code, `${argv.join(' ')}: exit ${here.code}`);
    t.equal(steady(there.out), steady(here.out), `${argv.join(' ')}: the same stdout`);
    t.equal(steady(there.err), steady(here.err), `${argv.join(' ')}: the same stderr`);
    t.notMatch(there.out + there.err, SECRET, 'the secret redacted');
  }
  const failing = await f.client(['highstate', '--all']);
  t.equal(failing.code, 2, 'cache2 fails its state');
  t.match(failing.out, /it broke/);

  const store = JobStore.open(`${f.dir}/var/jobs.sqlite`);
  t.teardown(() => store.close());
  const jobs = store.jobs({ limit: 100 });
  t.ok(jobs.length >= 8);
  t.ok(
    jobs.every((j) => j.origin === 'cli' && j.who === 'alice'),
    'recorded as started from the command line by its user',
  );
});

t.test('Ctrl-C on the client stops the daemon’s job as it stops the command: 130', async (t) => {
  const f = daemonFixture(t);
  await f.start();
  /** Runs the job held at its hosts, sends SIGINT once it runs, lets the hosts go once the job has said it stops. */
  const interrupted = async (run: (more: Partial<ClientIo>) => Promise<Run>): Promise<Run & { said: string }> => {
    f.gate.close();
    const signals = new EventEmitter();
    let said = '';
    const running = run({ signals, stderr: (s) => void (said += s) });
    while (!signals.listenerCount('SIGINT')) await new Promise((r) => setTimeout(r, 10));
    signals.emit('SIGINT');
    while (!said.includes('interrupted')) await new Promise((r) => setTimeout(r, 10));
    f.gate.release();
    const r = await running;
    t.equal(signals.listenerCount('SIGINT'), 0, 'the signal handlers are removed after the job');
    return { ...r, said };
  };
  const there = await interrupted((more) => f.client(['highstate', '--all'], more));
  t.equal(there.code, 130);
  t.match(there.said, /halite: interrupted: no further host starts/);
  const here = await interrupted((more) => f.inProcess(['highstate', '--all'], more));
  t.equal(here.code, 130);
  t.equal(steady(there.out), steady(here.out), 'the same output as Ctrl-C in-process');
  t.equal(steady(there.said), steady(here.said), 'the same messages');
});

t.test('a client that goes away stops its job as SIGTERM does', async (t) => {
  const f = daemonFixture(t);
  await f.start();
  f.gate.close();
  const where = daemonSocketPath(configKey(f.config), { HALITE_RUNTIME_DIR: f.runtime });
  const sock = createConnection((where as { path: string }).path);
  const req: JobRequest = {
    type: 'job',
    v: DAEMON_PROTOCOL,
    stamp: STAMP,
    config: configKey(f.config),
    argv: ['highstate', '--all'],
    env: { USER: 'alice', HALITE_RUNTIME_DIR: f.runtime },
    cwd: f.dir,
    tty: { stdout: false, stderr: false },
    interactive: false,
  };
  sock.write(frame(req));
  await new Promise<void>((resolve) => sock.once('data', () => resolve()));
  t.equal(f.local!.size, 1, 'the job runs');
  sock.destroy();
  while (!f.logged.some((l) => l.includes('caller went away'))) await new Promise((r) => setTimeout(r, 10));
  f.gate.release();
  while (f.local!.size) await new Promise((r) => setTimeout(r, 10));
  const store = JobStore.open(`${f.dir}/var/jobs.sqlite`);
  t.teardown(() => store.close());
  t.equal(store.jobs({ limit: 1 })[0].status, 'interrupted');
});

t.test('a request that is not one is refused before anything runs', async (t) => {
  const f = daemonFixture(t);
  await f.start();
  const where = daemonSocketPath(configKey(f.config), { HALITE_RUNTIME_DIR: f.runtime });
  const talk = (line: string) =>
    new Promise<string>((resolve) => {
      const sock = createConnection((where as { path: string }).path);
      let got = '';
      sock.on('data', (b) => (got += b));
      sock.on('close', () => resolve(got));
      sock.write(line);
    });
  t.match(await talk('{"type":"job","v":1}\n'), /"refused".*not a job request/);
  t.match(await talk('not json\n'), '', 'a line that is not a message ends the connection');
  const hosts = JSON.stringify({
    type: 'job',
    v: DAEMON_PROTOCOL,
    stamp: STAMP,
    config: configKey(f.config),
    argv: ['hosts'],
    env: {},
    cwd: f.dir,
    tty: { stdout: false, stderr: false },
    interactive: false,
  });
  t.match(await talk(hosts + '\n'), /"refused".*runs highstate, sls, run only/);
  t.equal(f.local!.size, 0);
});

t.test('a question of the daemon’s run is asked on the client’s terminal', async (t) => {
  const f = daemonFixture(t);
  await f.start();
  const asked: string[] = [];
  const r = await f.client(['highstate'], {
    interactive: true,
    prompt: async (q) => {
      asked.push(q);
      return 'n';
    },
  });
  t.match(asked[0], /converge .*3 hosts/);
  t.equal(r.code, 64, 'answered no');
});
