// cmd states against the real /bin/sh: what fixtures cannot express (abort, watch, runas files).
import t from 'tap';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemTree } from '../../../agent/store/tree.ts';
import { makeContext, silentLogger } from '../../../agent/states/context.ts';
import { run, wait, script } from '../../../agent/states/cmd.ts';
import { statFact } from '../../../agent/facts/stat.ts';

function dir(t: { teardown(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'halite-cmd-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

t.test('the executor aborting the run kills a running command', async (t) => {
  const ac = new AbortController();
  const ctx = makeContext({ log: silentLogger, signal: ac.signal });
  const plan = await run.check({ name: 'sleep 30' }, ctx);
  setTimeout(() => ac.abort(), 100);
  const start = Date.now();
  const out = await run.apply(plan, ctx);
  t.ok(Date.now() - start < 5000, 'returned promptly');
  t.equal(out.result, false);
  t.match(out.changes, { retcode: 137, stderr: 'Aborted' });
});

t.test('timeout (seconds) fails the command unless ignore_timeout', async (t) => {
  const ctx = makeContext({ log: silentLogger });
  const slow = await run.apply(await run.check({ name: 'sleep 10', timeout: 0.2 }, ctx), ctx);
  t.equal(slow.result, false);
  t.equal(slow.comment, 'Command "sleep 10" run');
  t.match(slow.changes, { retcode: 1, stdout: 'sleep 10 : Timed out after 0.2 seconds', stderr: '' });
  const ignored = await run.apply(await run.check({ name: 'sleep 10', timeout: 0.2, ignore_timeout: true }, ctx), ctx);
  t.equal(ignored.result, true);
  t.match(ignored.changes, { retcode: 0, stdout: 'sleep 10 : Timed out after 0.2 seconds' });
});

t.test('cmd.script shares the timeout: the script is killed and the state fails', async (t) => {
  const ctx = makeContext({ log: silentLogger, tree: new MemTree({ 'slow.sh': '#!/bin/sh\nsleep 10\n' }) });
  const out = await script.apply(await script.check({ name: 'salt://slow.sh', timeout: 0.2, cwd: '/' }, ctx), ctx);
  t.equal(out.result, false);
  t.equal(out.comment, "Command 'salt://slow.sh' run");
  t.match(out.changes, { retcode: 1, stdout: 'salt://slow.sh : Timed out after 0.2 seconds', stderr: '' });
});

t.test('cmd.wait does nothing until its watch fires; then it runs like cmd.run', async (t) => {
  const d = dir(t);
  const marker = join(d, 'ran');
  const args = { name: `echo yes > ${marker}` };
  const ctx = makeContext({ log: silentLogger });
  t.equal((await wait.check(args, ctx)).status, 'converged');
  t.notOk(existsSync(marker));
  const testPlan = await wait.modWatch!(args, makeContext({ log: silentLogger, test: true }));
  t.match(testPlan, {
    status: 'pending',
    changes: { cmd: args.name },
    comment: `Command "${args.name}" would have been executed`,
  });
  t.notOk(existsSync(marker), 'test mode runs nothing');
  const plan = await wait.modWatch!(args, ctx);
  const out = await wait.apply(plan, ctx);
  t.match(out, { changes: { retcode: 0 }, comment: `Command "${args.name}" run` });
  t.equal(readFileSync(marker, 'utf8'), 'yes\n');
  t.equal(run.recheck, false, 'cmd.run is not re-checked (it would always want to run)');
});

t.test(
  'cmd.script as another user: the script file is theirs and removed afterwards',
  { skip: process.getuid?.() !== 0 && 'needs root' },
  async (t) => {
    const ctx = makeContext({
      log: silentLogger,
      tree: new MemTree({ 'who.sh': '#!/bin/sh\nid -un\nstat -c %U "$0"\necho "$0"\n' }),
    });
    const out = await script.apply(await script.check({ name: 'salt://who.sh', runas: 'nobody', cwd: '/' }, ctx), ctx);
    t.equal(out.result, true);
    const [user, owner, path] = String(out.changes.stdout).split('\n');
    t.same([user, owner], ['nobody', 'nobody']);
    t.notOk(existsSync(path), 'temp script removed');
  },
);

t.test('a test run never starts the command (unless stateful test_name says what to run)', async (t) => {
  const d = dir(t);
  const ctx = makeContext({ log: silentLogger, test: true });
  const plan = await run.check(
    { name: `touch ${join(d, 'x')}`, stateful: [{ test_name: `touch ${join(d, 'y')}` }] },
    ctx,
  );
  t.equal(plan.status, 'converged', 'test_name reported no changes');
  t.notOk(existsSync(join(d, 'x')));
  t.ok(existsSync(join(d, 'y')), 'the test command did run');
});

t.test('after a command runs, facts read before it are read again', async (t) => {
  const d = dir(t);
  const ctx = makeContext({ log: silentLogger });
  t.equal(await ctx.facts.get(statFact, join(d, 'made')), null);
  await run.apply(await run.check({ name: `touch ${join(d, 'made')}` }, ctx), ctx);
  t.match(await ctx.facts.get(statFact, join(d, 'made')), { type: 'file' });
});
