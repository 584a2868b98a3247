import t from 'tap';
import { FleetError } from './errors.ts';
import { run } from './run.ts';

t.test('a failed command names step, host, command, exit code and stderr', async (t) => {
  const err = await run(['sh', '-c', 'echo out; echo "no such thing" >&2; exit 3'], {
    step: 'boot',
    host: 'web1',
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof FleetError);
  const e = err as FleetError;
  t.equal(e.step, 'boot');
  t.equal(e.host, 'web1');
  t.equal(e.exitCode, 3);
  t.equal(e.stdout, 'out\n');
  t.match(
    e.message,
    /^fleet boot \[web1\]: command failed\n  command: sh -c 'echo out; echo "no such thing" >&2; exit 3'\n  exit code: 3\n  stderr:\n    no such thing$/,
  );
});

t.test('a missing program and a timeout are reported as such', async (t) => {
  await t.rejects(run(['/nonexistent/tool'], { step: 'network' }), /fleet network: cannot run \/nonexistent\/tool/);
  await t.rejects(run(['sleep', '5'], { timeoutMs: 50 }), /timed out after 50 ms/);
  const res = await run(['sh', '-c', 'exit 2'], { reject: false });
  t.equal(res.exitCode, 2, 'reject: false resolves with the failure');
});

t.test('long stderr is cut to its tail', async (t) => {
  const e = new FleetError('x', { step: 's', stderr: Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') });
  t.match(e.message, /… \(20 earlier lines\)/);
  t.match(e.message, /line 49$/);
  t.notMatch(e.message, /line 19\n/);
});
