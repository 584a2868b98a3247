import t from 'tap';
import { run } from '../../../agent/process/run.ts';

t.test('a command that succeeds and one that fails have the same shape', async (t) => {
  const ok = await run(['/bin/sh', '-c', 'echo out; echo err >&2']);
  t.match(ok, {
    argv: ['/bin/sh', '-c', 'echo out; echo err >&2'],
    code: 0,
    stdout: 'out',
    stderr: 'err',
    timedOut: false,
  });
  t.type(ok.pid, 'number');
  t.equal(ok.error, undefined);
  const bad = await run(['/bin/sh', '-c', 'exit 7']);
  t.match(bad, { code: 7, stdout: '', stderr: '', timedOut: false });
});

t.test('a program that does not exist is code 127 with the reason', async (t) => {
  const r = await run(['/nonexistent/program', 'x']);
  t.equal(r.code, 127);
  t.match(r.error, /ENOENT/);
  t.match(r.stderr, /ENOENT/);
});

t.test('input goes to stdin; env and cwd apply; argv is never shell-parsed', async (t) => {
  const r = await run(['/bin/sh', '-c', 'read l; echo "$l $FOO $(pwd)"; echo "$0"', '; rm -rf /nope'], {
    input: 'line\n',
    env: { FOO: 'bar' },
    cwd: '/tmp',
  });
  t.equal(r.stdout, 'line bar /tmp\n; rm -rf /nope');
});

t.test('extendEnv false runs with only the given variables', async (t) => {
  const r = await run(['/bin/sh', '-c', 'echo "${HOME-unset} ${ONLY}"'], { env: { ONLY: '1' }, extendEnv: false });
  t.equal(r.stdout, 'unset 1');
});

t.test('stripFinalNewline false keeps the output as written', async (t) => {
  t.equal((await run(['/bin/echo', 'x'], { stripFinalNewline: false })).stdout, 'x\n');
});

t.test('a timeout kills the whole process group', async (t) => {
  const start = Date.now();
  const r = await run(['/bin/sh', '-c', 'sleep 30 & sleep 30'], { timeoutMs: 200 });
  t.ok(Date.now() - start < 5000, 'returns promptly');
  t.equal(r.timedOut, true);
  t.equal(r.signal, 'SIGKILL');
  t.equal(r.code, 137);
  t.match(r.error, /Timed out after 200 ms/);
});

t.test('an abort signal kills the command', async (t) => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const r = await run(['/bin/sleep', '30'], { signal: ac.signal });
  t.equal(r.error, 'Aborted');
  t.equal(r.code, 137);
  const already = await run(['/bin/sleep', '30'], { signal: AbortSignal.abort() });
  t.equal(already.error, 'Aborted');
});
