// The daemon's schedules on a namespace fleet: scheduled highstates are recorded and never overlap a
// running job on their hosts (a tick that finds them busy is recorded as skipped, with the job that
// holds them), the daemon keeps its SSH connections between runs, a test-mode schedule reports drift
// after a file is edited by hand on a VM, and a daemon killed with SIGKILL mid-job leaves that job
// interrupted, loses nothing else, and runs the next tick once restarted. Ticks come every ten
// seconds (node-cron's seconds field); the test waits for what it expects, it does not time it.
import t from 'tap';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type JobRecord, JobStore } from '../../master/jobs/store.ts';
import { REPO } from './support.ts';
import { cliFor, fleetSuite, withStates } from './workspace.ts';

const HOSTS = ['schedule-a', 'schedule-b'];
const suite = fleetSuite(
  'schedule-x',
  HOSTS.map((id) => ({ id, roles: ['memcache'], level: 'staging' })),
);
const FILE = '/etc/halite-schedule/motd';
const EVERY_10S = '*/10 * * * * *';
/** Succeeds while a process on the host runs `sleep 12` (the slow state). */
const SLEEPING = `for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null | grep -qx 'sleep 12 ' && exit 0; done; exit 1`;

const TOP = "base:\n  '*':\n    - scheduled\n";
const motd = `motd:\n  file.managed:\n    - name: ${FILE}\n    - contents: managed by halite\n    - makedirs: true\n`;
const slow = `${motd}slow:\n  cmd.run:\n    - name: sleep 12\n`;

/** A configuration with the given highstate and schedules. */
function config(name: string, sls: string, schedules: Record<string, unknown>[]): string {
  const file = withStates(suite.ws, name, {
    'top.sls': TOP,
    'scheduled.sls': sls,
    'held.sls': 'held:\n  cmd.run:\n    - name: sleep 25\n',
  });
  writeFileSync(file, stringify({ ...parse(readFileSync(file, 'utf8')), schedules }));
  return file;
}

interface Daemon {
  child: ChildProcess;
  url: Promise<string>;
  log(): string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `halite serve` as its own process on a free loopback port. */
function daemon(cfg: string): Daemon {
  const child = spawn(process.execPath, [join(REPO, 'bin/halite.js'), '--config', cfg, 'serve', '--port', '0'], {
    cwd: suite.ws.dir,
    env: { ...process.env, USER: 'e2e', HALITE_RUNTIME_DIR: suite.ws.runtimeDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let found: (url: string) => void;
  const url = new Promise<string>((resolve) => (found = resolve));
  child.stdout!.resume();
  child.stderr!.on('data', (b) => {
    err += b;
    const m = /listening on (http:\/\/\S+)/.exec(err);
    if (m) found(m[1]);
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, url, log: () => err, done };
}

async function stop(d: Daemon): Promise<void> {
  d.child.kill('SIGTERM');
  await d.done;
}

function jobs(): JobRecord[] {
  const s = JobStore.open(suite.ws.jobsDb);
  try {
    return s.jobs({ limit: 1000 });
  } finally {
    s.close();
  }
}

/** Waits until `check` holds (polling the job store), failing with `what` after a generous deadline. */
async function until<T>(what: string, check: () => T | undefined | false, ms = 180_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const scheduled = (who: string) => jobs().filter((j) => j.origin === 'schedule' && j.who === who);
const finished = (j: JobRecord) => j.status !== 'running' && j.status !== 'skipped';

async function api(d: Daemon, token: string, path: string): Promise<string> {
  const r = await fetch(`${await d.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.text();
}

let token = '';
t.before(async () => {
  const r = await cliFor(suite.ws)('token', 'create', 'e2e');
  if (r.code !== 0) throw new Error(r.err);
  token = r.out.trim();
});

t.test('scheduled runs are recorded and never overlap another job on their hosts; connections are kept', async (t) => {
  const cfg = config('converge', slow, [{ name: 'converge', level: 'staging', cron: EVERY_10S, mode: 'apply' }]);
  let d = daemon(cfg);
  await until('two scheduled runs finished', () => scheduled('converge').filter(finished).length >= 2 && true);
  await until(
    'a tick skipped while the previous run holds the hosts',
    () => scheduled('converge').some((j) => j.status === 'skipped') && true,
  );
  const metrics = await api(d, token, '/metrics');
  const opened = Number(/^halite_ssh_connections_opened_total (\d+)$/m.exec(metrics)?.[1]);
  t.ok(
    opened >= 1 && opened <= HOSTS.length,
    `${opened} SSH connections opened for ${scheduled('converge').filter(finished).length} runs on ${HOSTS.length} hosts`,
  );
  await stop(d);

  // a job from the command line holds the hosts: the daemon's ticks meanwhile are skipped, naming it
  const cli = spawn(
    process.execPath,
    [join(REPO, 'bin/halite.js'), '--config', cfg, 'sls', 'held', '--level', 'staging'],
    {
      cwd: suite.ws.dir,
      env: { ...process.env, USER: 'e2e', HALITE_RUNTIME_DIR: suite.ws.runtimeDir },
      stdio: 'ignore',
    },
  );
  const cliDone = new Promise<number | null>((resolve) => cli.on('close', resolve));
  const held = await until('the command-line job is running', () =>
    jobs().find((j) => j.origin === 'cli' && j.status === 'running'),
  );
  d = daemon(cfg);
  const skipped = await until('a tick skipped because of the command-line job', () =>
    scheduled('converge').find((j) => j.status === 'skipped' && j.reason.includes(held.jid)),
  );
  t.match(skipped.reason, `job ${held.jid} (cli:e2e) is running on ${HOSTS.join(', ')}`);
  t.equal(await cliDone, 0, 'the command-line job ran to its end');
  const after = await until('a scheduled run after the command-line job', () =>
    scheduled('converge').find((j) => finished(j) && j.startedAt > held.startedAt),
  );
  t.match(after.status, /^(ok|changed)$/);
  await stop(d);

  // no two jobs that ran held a host at the same time
  const ran = jobs()
    .filter((j) => j.status !== 'skipped' && j.finishedAt)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  for (let i = 1; i < ran.length; i++) {
    t.ok(ran[i].startedAt >= ran[i - 1].finishedAt!, `job ${ran[i].jid} started after job ${ran[i - 1].jid} ended`);
  }
  const listed = await cliFor(suite.ws, cfg)('jobs', '--status', 'skipped');
  t.match(listed.out, /skipped .* schedule:converge/);
});

t.test('a test-mode schedule reports drift after a file is edited by hand on a VM', async (t) => {
  const cfg = config('drift', motd, [{ name: 'drift-check', level: 'staging', cron: EVERY_10S, mode: 'test' }]);
  const halite = cliFor(suite.ws, cfg);
  const converged = await halite('highstate', '--level', 'staging');
  t.equal(converged.code, 0, converged.err);
  const d = daemon(cfg);
  await until(
    'a drift check found the hosts in line',
    () => scheduled('drift-check').some((j) => j.status === 'ok') && true,
  );
  t.match((await halite('drift')).out, /^drift: 0 hosts drifted, 2 hosts in line, 0 hosts never checked$/m);

  const edited = new Date().toISOString();
  await suite.fleet.exec(HOSTS[0], ['sh', '-c', `echo edited by hand > ${FILE}`]);
  await until('a drift check after the edit', () =>
    scheduled('drift-check').find((j) => j.startedAt > edited && finished(j)),
  );
  const report = await halite('drift');
  t.equal(report.code, 0);
  t.match(report.out, new RegExp(`^${HOSTS[0]} \\(staging\\): 1 state would change`, 'm'));
  t.match(report.out, /^ {4}scheduled: motd \(\/etc\/halite-schedule\/motd\)$/m);
  t.match(report.out, /-edited by hand/);
  t.match(report.out, /\+managed by halite/);
  t.match(report.out, /^drift: 1 host drifted, 1 host in line, 0 hosts never checked$/m);
  const json = JSON.parse((await halite('drift', '--out', 'json')).out);
  t.same(
    json.drifted.map((h: { host: string }) => h.host),
    [HOSTS[0]],
  );
  t.equal(
    (await suite.fleet.exec(HOSTS[0], ['cat', FILE])).stdout,
    'edited by hand\n',
    'a drift check changes nothing',
  );

  const hosts = JSON.parse(await api(d, token, '/hosts')).hosts;
  t.match(hosts.find((h: { id: string }) => h.id === HOSTS[0]).drift, { drifted: true, mode: 'test' });
  t.match(hosts.find((h: { id: string }) => h.id === HOSTS[1]).drift, { drifted: false });
  t.match(await api(d, token, '/metrics'), /^halite_drifted_hosts 1$/m);
  await stop(d);

  // converging the host clears its drift
  t.equal((await halite('highstate', '--host', HOSTS[0])).code, 0);
  t.match((await halite('drift')).out, /^drift: 0 hosts drifted/m);
});

t.test(
  'the daemon killed with SIGKILL mid-job: the job is interrupted, nothing else is lost, the next tick runs',
  async (t) => {
    const cfg = config('kill', slow, [{ name: 'killed', level: 'staging', cron: EVERY_10S, mode: 'apply' }]);
    const d = daemon(cfg);
    const victim = await until('a scheduled run under way', () =>
      scheduled('killed').find((j) => j.status === 'running'),
    );
    // killed once the agent on the first host runs the job's long state: it finishes the run on its own
    for (let end = Date.now() + 120_000; ;) {
      const r = await suite.fleet.exec(HOSTS[0], ['sh', '-c', SLEEPING], { reject: false });
      if (r.exitCode === 0) break;
      if (Date.now() > end) throw new Error('the agent never ran the long state');
      await new Promise((r) => setTimeout(r, 100));
    }
    d.child.kill('SIGKILL');
    await d.done;
    const before = jobs().filter((j) => j.jid !== victim.jid);

    const again = daemon(cfg);
    // a tick that reaches a host while the killed job's run still holds it ends LOCKED there; a later one runs
    const next = await until('a run of the restarted daemon', () =>
      scheduled('killed').find((j) => j.startedAt > victim.startedAt && /^(ok|changed)$/.test(j.status)),
    );
    await stop(again);
    t.match(next.status, /^(ok|changed)$/, 'the next tick ran to its end');
    const all = new Map(jobs().map((j) => [j.jid, j]));
    t.equal(all.get(victim.jid)?.status, 'interrupted', 'the killed job is interrupted');
    const s = JobStore.open(suite.ws.jobsDb);
    const run = s.hostRun(victim.jid, HOSTS[0])!;
    t.type(run.recoveredAt, 'string', `${HOSTS[0]}: what the agent did after the kill was fetched by a later run`);
    t.match(
      run,
      { status: 'changed', total: 2, failed: 0 },
      `${HOSTS[0]}: the agent finished the run on its own (both states)`,
    );
    s.close();
    for (const j of before) {
      const now = all.get(j.jid);
      t.ok(now, `job ${j.jid} is still recorded`);
      if (j.status !== 'running') t.equal(now?.status, j.status, `job ${j.jid} kept its status`);
    }
    t.equal(jobs().filter((j) => j.status === 'running').length, 0, 'no job is left running');
  },
);
