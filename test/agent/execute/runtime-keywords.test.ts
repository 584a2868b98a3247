// Runtime keywords a state function also takes as its own argument reach the function from an SLS
// (Salt's format_call hands a function every keyword its signature takes): file.managed's
// check_cmd and cmd.run's umask, which the compiler files with the executor's keywords.
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './harness.ts';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'halite-runtime-kw-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// salt/states/file.py managed(check_cmd=...), run by the state itself (file has mod_run_check_cmd).
t.test("file.managed's check_cmd from an SLS refuses the new contents", async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'app.conf'), 'ok\n');
  const out = await run(`
conf:
  file.managed:
    - name: ${dir}/app.conf
    - contents: nope
    - check_cmd: sh -c 'grep -q ok "$0"'
`);
  const r = out.byId('conf');
  t.equal(r.result, false);
  t.equal(r.comment, 'check_cmd execution failed');
  t.same(r.warnings ?? [], [], 'check_cmd is an argument file.managed takes');
  t.equal(readFileSync(join(dir, 'app.conf'), 'utf8'), 'ok\n');
});

// salt/states/cmd.py run(umask=...): the command runs with that umask.
t.test("cmd.run's umask from an SLS is the command's umask", async (t) => {
  const dir = tempDir(t);
  const out = await run(`
made:
  cmd.run:
    - name: umask > ${dir}/umask
    - umask: '077'
`);
  t.equal(out.byId('made').result, true, out.byId('made').comment);
  t.ok(existsSync(join(dir, 'umask')));
  t.equal(readFileSync(join(dir, 'umask'), 'utf8').trim(), '0077');
});
