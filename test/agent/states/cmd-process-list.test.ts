// cmd.run and unless/onlyif keep the shell line out of every process's argv and environment
// (/proc/PID/cmdline is readable by every local user): real shells, a real process table.
import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../agent/states/context.ts';
import { run } from '../../../agent/states/cmd.ts';
import { run as runSls } from '../execute/harness.ts';

function dir(t: { teardown(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'halite-cmdps-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Every pid whose cmdline or environment holds `needle`. */
function procsHolding(needle: string): string[] {
  const hits: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    for (const f of ['cmdline', 'environ']) {
      try {
        if (readFileSync(`/proc/${pid}/${f}`).includes(needle)) hits.push(`${pid}/${f}`);
      } catch {
        // gone, or not ours to read
      }
    }
  }
  return hits;
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

/** Starts `args` as cmd.run, waits until it touched `marker`, returns what held the canary then. */
async function scanWhileRunning(args: Record<string, unknown>, marker: string, canary: string) {
  const ac = new AbortController();
  const ctx = makeContext({ log: silentLogger, signal: ac.signal });
  const done = run.check({ ...args } as never, ctx).then((plan) => run.apply(plan, ctx));
  await until(() => existsSync(marker));
  const hits = procsHolding(canary);
  ac.abort();
  return { hits, out: await done };
}

t.test('a secret in the command line is in no process list while it runs', async (t) => {
  const d = dir(t);
  const canary = `canary-${process.pid}-argv`;
  const { hits } = await scanWhileRunning({ name: `: ${canary}; touch ${d}/m; sleep 30` }, `${d}/m`, canary);
  t.same(hits, []);
});

t.test('with stdin given, the command reads it and the line is still hidden', async (t) => {
  const d = dir(t);
  const canary = `canary-${process.pid}-stdin`;
  const { hits, out } = await scanWhileRunning(
    { name: `cat >${d}/in; : ${canary}; touch ${d}/m; sleep 30`, stdin: 'from stdin\n' },
    `${d}/m`,
    canary,
  );
  t.same(hits, []);
  t.equal(readFileSync(`${d}/in`, 'utf8'), 'from stdin\n');
  t.equal(out.result, false, 'aborted');
});

t.test('runas: the line reaches the shell after root is dropped, still hidden', async (t) => {
  const canary = `canary-${process.pid}-runas`;
  // nobody cannot write into a 0700 temp dir: its marker goes to /tmp
  const marker = `/tmp/halite-cmdps-${process.pid}-m`;
  t.teardown(() => rmSync(marker, { force: true }));
  const { hits } = await scanWhileRunning(
    { name: `: ${canary}; touch ${marker}; sleep 30`, runas: 'nobody', cwd: '/' },
    marker,
    canary,
  );
  t.same(hits, []);
  const ctx = makeContext({ log: silentLogger });
  const who = await run.apply(await run.check({ name: 'id -un', runas: 'nobody' }, ctx), ctx);
  t.equal(String(who.changes.stdout), 'nobody');
});

t.test('the line keeps sh -c semantics', async (t) => {
  const ctx = makeContext({ log: silentLogger });
  const go = async (name: string, more: Record<string, unknown> = {}) =>
    run.apply(await run.check({ name, ...more }, ctx), ctx);
  t.match((await go('exit 3')).changes, { retcode: 3 });
  t.match((await go('echo "a  b" \'$HOME\' \\\\x; false')).changes, { retcode: 1, stdout: 'a  b $HOME \\x' });
  t.match((await go('for i in 1 2; do\n  echo $i\ndone\ncat <<EOF\nhere $((1+1))\nEOF')).changes, {
    stdout: '1\n2\nhere 2',
  });
  t.match(
    (await go('cat; echo end')).changes,
    { stdout: 'end' },
    'no stdin given: the command reads nothing, not its own line',
  );
  t.match(
    (await go('cat /proc/self/fd/3 2>&1 || echo closed')).changes,
    { stdout: /closed|No such file/ },
    'fd 3 is closed before the line runs',
  );
  t.match((await go('echo $0')).changes, { stdout: '/bin/sh' });
  t.match((await go('umask', { umask: '027' })).changes, { stdout: '0027' });
  t.match((await go('echo "$X"', { env: { X: 'set' } })).changes, { stdout: 'set' });
});

t.test('unless and onlyif lines are hidden too', async (t) => {
  const d = dir(t);
  const canary = `canary-${process.pid}-unless`;
  const ac = new AbortController();
  const running = runSls(
    `
guarded:
  cmd.run:
    - name: 'true'
    - unless: ': ${canary}; touch ${d}/m; sleep 30'
`,
    { signal: ac.signal },
  );
  await until(() => existsSync(`${d}/m`));
  const hits = procsHolding(canary);
  ac.abort();
  await running;
  t.same(hits, []);
});
