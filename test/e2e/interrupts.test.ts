// Crashes and interruptions on a namespace fleet: Ctrl-C stops a job after each host's current
// state; a master killed mid-run leaves no `running` job and the next job completes the killed
// job's rows from what the agents kept; the master killed at random points of twenty jobs never
// leaves a half-written file; an agent killed in the middle of a large write leaves the old file
// or the new one and none of its commands behind.
import t from 'tap';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { openDatabase } from '../../master/jobs/sqlite.ts';
import { JobStore } from '../../master/jobs/store.ts';
import { REPO } from './support.ts';
import { fleetSuite, withStates } from './workspace.ts';

const HOSTS = ['interrupts-a', 'interrupts-b'];
const suite = fleetSuite(
  'interrupts-kill',
  HOSTS.map((id) => ({ id, roles: ['memcache'], level: 'staging' })),
);
const DIR = '/srv/kill-test';
const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

/** A configuration whose state tree adds `files`, with no connection keeper: a killed master drops its links. */
function config(name: string, files: Record<string, string>): string {
  const file = withStates(suite.ws, name, files);
  const doc = parse(readFileSync(file, 'utf8'));
  writeFileSync(file, stringify({ ...doc, ssh: { ...doc.ssh, persist: 0 } }));
  return file;
}

interface Master {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
}

/** `halite ARGS…` as its own process, so that it can be signalled and killed. */
function master(cfg: string, ...args: string[]): Master {
  const child = spawn(process.execPath, [join(REPO, 'bin/halite.js'), '--config', cfg, ...args], {
    cwd: suite.ws.dir,
    env: { ...process.env, USER: 'e2e', HALITE_RUNTIME_DIR: join(suite.ws.dir, 'rt') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (err += b));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })),
  );
  return { child, done };
}

/** Waits until `script` (sh) succeeds on the host; false when it did not within `ms`. */
async function until(host: string, script: string, ms = 60_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await suite.fleet.exec(host, ['sh', '-c', script], { reject: false })).exitCode === 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * Succeeds when a process on the host has a command line (arguments joined by spaces, one after the
 * last) matching `pattern` (grep -E).
 */
const RUNNING = (pattern: string) =>
  `for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null | grep -Eq -- '${pattern}' && echo \${p#/proc/}; done | grep -v "^$$\\$" | grep -q .`;
const AGENT = 'agent-[0-9a-f]+\\.cjs';
/** No agent run holds the host's lock (a resident agent may stay, idle). */
const IDLE = '{ p=$(cat /run/halite/agent.lock 2>/dev/null); [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null; }';
/** Kills (-9) the processes on the host whose command line matches `pattern`. */
const KILL = (pattern: string) =>
  `for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null | grep -Eq -- '${pattern}' && kill -9 \${p#/proc/}; done; true`;

function store(): JobStore {
  return JobStore.open(suite.ws.jobsDb);
}

t.test('Ctrl-C: the running state finishes, no further state runs, the job is interrupted (exit 130)', async (t) => {
  const cfg = config('ctrl-c', {
    'stoppable/init.sls': `first:\n  cmd.run:\n    - name: sleep 3\nsecond:\n  file.managed:\n    - name: ${DIR}/after-stop\n    - contents: too late\n    - makedirs: true\n`,
  });
  await suite.fleet.exec(HOSTS[0], ['rm', '-f', `${DIR}/after-stop`]);
  const m = master(cfg, 'sls', 'stoppable', '--host', HOSTS[0]);
  t.ok(await until(HOSTS[0], RUNNING('^sleep 3 $')), 'the first state is running');
  m.child.kill('SIGINT');
  const r = await m.done;
  t.equal(r.code, 130, r.err);
  t.match(r.err, /interrupted: no further host starts/);
  t.equal(
    (await suite.fleet.exec(HOSTS[0], ['test', '-e', `${DIR}/after-stop`], { reject: false })).exitCode,
    1,
    'the second state did not run',
  );
  const s = store();
  const job = s.jobs({ limit: 1 })[0];
  t.equal(job.status, 'interrupted');
  const run = s.hostRun(job.jid, HOSTS[0])!;
  t.match(run, { status: 'interrupted', total: 1, succeeded: 1, unresolved: false });
  t.equal(s.stateResults(job.jid, HOSTS[0])[0].id, 'first', 'what did happen is recorded');
  s.close();
});

t.test(
  'the master killed during a run: the job is interrupted at the next start, and the next job records what the host really did',
  async (t) => {
    const cfg = config('link-drop', {
      'slow/init.sls': `slow:\n  cmd.run:\n    - name: sleep 3\nafter:\n  file.managed:\n    - name: ${DIR}/after-drop\n    - contents: written after the link was gone\n    - makedirs: true\n`,
      'quick/init.sls': 'quick:\n  test.succeed_without_changes: []\n',
    });
    await suite.fleet.exec(HOSTS[1], ['rm', '-f', `${DIR}/after-drop`]);
    const m = master(cfg, 'sls', 'slow', '--host', HOSTS[1]);
    t.ok(await until(HOSTS[1], RUNNING('^sleep 3 $')), 'the agent is running the long state');
    m.child.kill('SIGKILL');
    await m.done;
    t.ok(
      await until(HOSTS[1], `test -e ${DIR}/after-drop && ${IDLE}`),
      'the agent finished the run without the master',
    );

    const second = master(cfg, 'sls', 'quick', '--host', HOSTS[1]);
    const r = await second.done;
    t.equal(r.code, 0, r.err);
    const s = store();
    const [, killed] = s.jobs({ limit: 2 });
    t.equal(killed.status, 'interrupted', 'no job is left running');
    const run = s.hostRun(killed.jid, HOSTS[1])!;
    t.match(run, { status: 'changed', total: 2, changed: 2, unresolved: false, errors: [] });
    t.type(run.recoveredAt, 'string', 'marked as recovered from the agent');
    t.same(
      s.stateResults(killed.jid, HOSTS[1]).map((x) => [x.id, x.result]),
      [
        ['slow', true],
        ['after', true],
      ],
    );
    s.close();
  },
);

t.test('the master killed at random points of 20 jobs: no job left running, every file old or new', async (t) => {
  const versions = [0, 1].map((v) => ({
    a: `version ${v} of a\n`.repeat(2000),
    b: `version ${v} of b\n`.repeat(50_000),
    c: `version ${v} of c\n`,
  }));
  const sls = (v: number) =>
    ['a', 'b', 'c']
      .map((f, i) =>
        [
          `${f}:`,
          '  file.managed:',
          `    - name: ${DIR}/${f}`,
          `    - source: salt://kill/${f}-${v}`,
          '    - makedirs: true',
          '    - show_changes: false',
          ...(i === 1 ? ['pause:', '  cmd.run:', '    - name: sleep 0.2'] : []),
        ].join('\n'),
      )
      .join('\n') + '\n';
  const cfgs = [0, 1].map((v) =>
    config(`kill-${v}`, {
      'kill/init.sls': sls(v),
      ...Object.fromEntries(Object.entries(versions[v]).map(([f, text]) => [`kill/${f}-${v}`, text])),
    }),
  );
  const allowed = Object.fromEntries(['a', 'b', 'c'].map((f) => [f, new Set(versions.map((v) => sha(v[f as 'a'])))]));
  let killedMidJob = 0;
  for (let i = 0; i < 20; i++) {
    const m = master(cfgs[i % 2], 'sls', 'kill', '--host', HOSTS.join(','));
    const delay = 300 + Math.floor(Math.random() * 2700);
    const killer = setTimeout(() => m.child.kill('SIGKILL'), delay);
    const r = await m.done;
    clearTimeout(killer);
    if (r.signal === 'SIGKILL') killedMidJob++;
    for (const host of HOSTS) {
      const sums = (
        await suite.fleet.exec(host, ['sh', '-c', `cd ${DIR} 2>/dev/null && sha256sum a b c 2>/dev/null || true`])
      ).stdout;
      for (const line of sums.trim().split('\n').filter(Boolean)) {
        const [hash, f] = line.split(/\s+/);
        t.ok(
          allowed[f].has(hash),
          `run ${i} (killed after ${delay} ms): ${host}:${DIR}/${f} holds one of the two versions`,
        );
      }
    }
  }
  t.ok(killedMidJob > 0, `${killedMidJob} of 20 masters were killed before they finished`);
  for (const host of HOSTS) t.ok(await until(host, IDLE), `${host}: the last run has ended`);
  const last = master(cfgs[0], 'sls', 'kill', '--host', HOSTS.join(','));
  const r = await last.done;
  t.equal(r.code, 0, r.err);
  const db = openDatabase(suite.ws.jobsDb, { readonly: true });
  t.equal(
    db.prepare<unknown[], { n: number }>("SELECT count(*) AS n FROM jobs WHERE status = 'running'").get()!.n,
    0,
    'no job is left running',
  );
  t.equal(
    db.prepare<unknown[], { n: number }>("SELECT count(*) AS n FROM host_runs WHERE status = 'running'").get()!.n,
    0,
    'no host run is left running',
  );
  db.close();
  for (const host of HOSTS) {
    const sums = (await suite.fleet.exec(host, ['sh', '-c', `cd ${DIR} && sha256sum a b c`])).stdout;
    t.same(
      sums
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
      ['a', 'b', 'c'].map((f) => sha(versions[0][f as 'a'])),
      `${host}: converged after the kills`,
    );
  }
});

t.test('the agent killed during a large write: the old file or the new one, and no process left behind', async (t) => {
  const host = HOSTS[0];
  const big = (v: number) => `${`large file, version ${v}: `.padEnd(63, '.')}\n`.repeat(512 * 1024);
  const cfgs = [0, 1].map((v) =>
    config(`big-${v}`, {
      'big/init.sls': `big:\n  file.managed:\n    - name: ${DIR}/big\n    - source: salt://big/data-${v}\n    - makedirs: true\n    - show_changes: false\nlater:\n  cmd.run:\n    - name: sleep 30\n`,
      [`big/data-${v}`]: big(v),
    }),
  );
  const sums = new Set([sha(big(0)), sha(big(1))]);

  // the old version written, then the agent killed while its next state's command runs
  const first = master(cfgs[0], 'sls', 'big', '--host', host);
  const written = await Promise.race([until(host, RUNNING('^sleep 30 $'), 120_000), first.done.then(() => false)]);
  if (!written) {
    first.child.kill('SIGKILL');
    const r = await first.done;
    t.fail(`the first version was not written:\n${r.out}\n${r.err}`);
    return;
  }
  t.pass('the first version is written');
  await suite.fleet.exec(host, ['sh', '-c', KILL(AGENT)]);
  await first.done;
  // the agent's watchdog ends its commands' process groups: TERM, then KILL two seconds later
  t.ok(
    await until(host, `! ${RUNNING('^sleep 30 $')}`, 10_000),
    "the command of the killed agent's state went with it",
  );
  await suite.fleet.exec(host, ['sh', '-c', KILL('^sleep 30 $')]);

  // the other version: the agent killed as soon as its temporary file exists (again, up to three
  // times, until the kill lands before the rename)
  let midWrite = false;
  for (let attempt = 0; attempt < 3 && !midWrite; attempt++) {
    const watcher = suite.fleet.exec(
      host,
      [
        'sh',
        '-c',
        `while ! ls -a ${DIR} | grep -q '^\\.big\\.halite-'; do :; done; ${KILL(AGENT)}; sleep 0.5; ls -a ${DIR}`,
      ],
      { timeoutMs: 120_000 },
    );
    const m = master(cfgs[(attempt + 1) % 2], 'sls', 'big', '--host', host);
    const left = (await watcher).stdout;
    const r = await m.done;
    t.not(r.code, 0, `attempt ${attempt + 1}: the run was cut short`);
    midWrite = /\.big\.halite-/.test(left);
    const now = (await suite.fleet.exec(host, ['sha256sum', `${DIR}/big`])).stdout.split(/\s+/)[0];
    const which = now === sha(big(0)) ? 'version 0' : now === sha(big(1)) ? 'version 1' : 'neither';
    t.ok(
      sums.has(now),
      `attempt ${attempt + 1}: the file holds one version or the other, never a mix (${which}; killed ${midWrite ? 'during' : 'after'} the write)`,
    );
    await suite.fleet.exec(host, ['sh', '-c', `rm -f ${DIR}/.big.halite-*; ${KILL('^sleep 30 $')}`]);
  }
  t.ok(midWrite, 'the agent was killed while it was writing the file');
  t.not(
    (await suite.fleet.exec(host, ['sh', '-c', RUNNING(AGENT)], { reject: false })).exitCode,
    0,
    'no agent process is left',
  );
  t.not(
    (await suite.fleet.exec(host, ['sh', '-c', RUNNING('^sleep 30 $')], { reject: false })).exitCode,
    0,
    'no state command is left',
  );
});
