import t from 'tap';
import { spawn } from 'node:child_process';
import { childrenOf, isRunning, parseProcStat, readProcStat, waitGone } from './proc.ts';

t.test('parses a stat line whose command contains spaces and parentheses', async (t) => {
  const line =
    '4242 (my (odd) cmd) S 17 4242 4242 0 -1 4194560 120 0 0 0 1 2 0 0 20 0 1 0 98765 1000 100 18446744073709551615';
  t.same(parseProcStat(line), { pid: 4242, comm: 'my (odd) cmd', state: 'S', ppid: 17, startTime: 98765 });
  t.throws(() => parseProcStat('garbage'), /malformed/);
});

t.test('this process is running; its start time identifies it', async (t) => {
  const me = readProcStat(process.pid);
  t.ok(me);
  t.ok(isRunning(process.pid));
  t.ok(isRunning(process.pid, me!.startTime));
  t.notOk(isRunning(process.pid, me!.startTime + 1), 'a different start time is a different process');
});

t.test('an exited but unreaped process (a zombie) is not running', async (t) => {
  // sh starts a short-lived child, then becomes a sleep that never reaps it.
  const parent = spawn('sh', ['-c', 'sleep 0 & exec sleep 5'], { stdio: 'ignore' });
  t.teardown(() => parent.kill('SIGKILL'));
  let zombie: number | undefined;
  for (let i = 0; i < 100 && zombie === undefined; i++) {
    await new Promise((r) => setTimeout(r, 20));
    zombie = childrenOf(parent.pid!).find((pid) => readProcStat(pid)?.state === 'Z');
  }
  t.ok(zombie, 'a zombie child exists');
  t.ok(readProcStat(zombie!), 'its /proc entry still exists');
  t.notOk(isRunning(zombie!), 'but it does not count as running');
  t.same(await waitGone([{ pid: zombie! }], 100), [], 'waitGone does not wait for it');
  t.same(await waitGone([{ pid: parent.pid! }], 100), [parent.pid], 'waitGone reports a live process at the deadline');
});
