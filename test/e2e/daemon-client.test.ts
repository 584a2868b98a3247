// The command line through a running daemon, on a namespace fleet: the same highstate, SLS and
// ad-hoc command run by `halite` handing its command line to `halite serve` (--daemon) and run in
// its own process (--no-daemon) print the same output (but for timings and job ids) and exit with
// the same code, a failing state included; the daemon's jobs are recorded as the command-line user's,
// run by the daemon's process; a command of other code than the daemon's runs by itself.
import t from 'tap';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { JobStore } from '../../master/jobs/store.ts';
import { REPO } from './support.ts';
import { fleetSuite, withStates } from './workspace.ts';

const HOSTS = ['client-a', 'client-b'];
const suite = fleetSuite(
  'daemon-client-x',
  HOSTS.map((id) => ({ id, roles: ['memcache'], level: 'staging' })),
);

const TREE = {
  'top.sls': "base:\n  '*':\n    - handed\n  'client-b':\n    - broken\n",
  // converged after the first run; the command reports a change every time
  'handed.sls': [
    'motd:',
    '  file.managed:',
    '    - name: /etc/halite-client/motd',
    '    - contents: "host {{ grains.id }}"',
    '    - makedirs: true',
    'stamp:',
    '  cmd.run:',
    '    - name: echo handed over',
    '',
  ].join('\n'),
  'broken.sls': 'fails:\n  cmd.run:\n    - name: echo it broke >&2; exit 3\n',
};

interface Run {
  code: number | null;
  out: string;
  err: string;
}

const env = () => ({ ...process.env, USER: 'e2e', HALITE_RUNTIME_DIR: suite.ws.runtimeDir, NO_COLOR: '1' });

/** `halite ARGS…` as its own process, as a person runs it. */
function halite(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/halite.js'), ...args], {
      cwd: suite.ws.dir,
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** What differs from one run to the next: durations, clock times, job ids and process ids. */
const steady = (s: string): string =>
  s
    .replace(/ *\d+(\.\d+)? (ms|s)\b/g, ' N')
    .replace(/(pid:\n +)\d+/g, '$1PID')
    .replace(/"pid": \d+/g, '"pid": PID')
    .replace(/\b\d{20}\b/g, 'JID')
    .replace(/\d\d:\d\d:\d\d\.\d+/g, 'HH:MM:SS')
    .replace(/"duration": [\d.]+/g, '"duration": N')
    .replace(/"start_time": "[^"]*"/g, '"start_time": T');

const lines = (s: string): string[] => steady(s).split('\n').sort();

function serve(config: string): { child: ChildProcess; ready: Promise<void>; log: () => string } {
  const child = spawn(process.execPath, [join(REPO, 'bin/halite.js'), '--config', config, 'serve', '--port', '0'], {
    cwd: suite.ws.dir,
    env: env(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (b) => {
      log += b;
      if (/taking command-line jobs on /.test(log) && /listening on /.test(log)) resolve();
    });
    child.on('close', () => reject(new Error(`halite serve ended: ${log}`)));
  });
  return { child, ready, log: () => log };
}

t.test('through the daemon and in-process, the same output and exit codes', async (t) => {
  const config = withStates(suite.ws, 'client', TREE);
  const first = await halite(['--config', config, '--no-daemon', 'highstate', '--level', 'staging']);
  t.equal(first.code, 2, first.err);
  const daemon = serve(config);
  t.teardown(async () => {
    if (daemon.child.exitCode === null) {
      daemon.child.kill('SIGTERM');
      await new Promise((r) => daemon.child.once('close', r));
    }
  });
  await daemon.ready;
  for (const args of [
    ['highstate', '--level', 'staging'],
    ['highstate', '--level', 'staging', '--test'],
    ['highstate', '--host', 'client-a', '--state-output', 'terse'],
    ['sls', 'handed', '--host', 'client-*', '--out', 'json'],
    ['sls', 'broken', '--level', 'staging'],
    ['highstate', '--level', 'nosuch'],
    ['run', '--level', 'staging', '--', 'cat', '/etc/halite-client/motd'],
    ['run', '--host', 'client-b', '--', 'sh', '-c', 'echo out; echo err >&2; exit 4'],
  ]) {
    const there = await halite(['--config', config, '--daemon', ...args]);
    const here = await halite(['--config', config, '--no-daemon', ...args]);
    const what = args.join(' ');
    t.equal(there.code, here.code, `${what}: exit ${here.code}`);
    t.equal(steady(there.out), steady(here.out), `${what}: the same standard output`);
    // progress lines come as hosts finish, in whatever order they finish
    t.same(lines(there.err), lines(here.err), `${what}: the same standard error`);
  }
  const failing = await halite(['--config', config, 'highstate', '--level', 'staging']);
  t.equal(failing.code, 2, 'a failing state: exit 2 without a flag too');
  t.match(failing.out, /it broke/);

  const store = JobStore.open(suite.ws.jobsDb);
  t.teardown(() => store.close());
  const jobs = store.jobs({ limit: 100 });
  const byDaemon = jobs.filter((j) => j.master?.pid === daemon.child.pid);
  t.ok(byDaemon.length >= 7, `${byDaemon.length} jobs run by the daemon's process`);
  t.ok(
    jobs.every((j) => j.origin === 'cli' && j.who === 'e2e'),
    'every job recorded as the command-line user’s',
  );
  t.ok(
    jobs.some((j) => j.master?.pid !== daemon.child.pid),
    'the --no-daemon jobs ran in their own process',
  );
});
