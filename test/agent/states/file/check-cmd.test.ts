// file.managed check_cmd with real commands on a temporary root: the new contents are handed to the
// command in a temporary file whose path is the last argument; a non-zero exit fails the state with
// the command's output and leaves the file as it was; test mode never runs the command.
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { managed } from '../../../../agent/states/file/managed.ts';
import { listBackups } from '../../../../agent/store/backup.ts';
import { redact } from '../../../../agent/pillar/redact.ts';
import type { StateArgs, StateContext } from '../../../../agent/states/types.ts';

function rooted(t: { teardown(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'halite-checkcmd-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  return root;
}

/** check, then apply when pending, as the executor does outside test mode. */
async function converge(args: StateArgs, ctx: StateContext) {
  const plan = await managed.check(args, ctx);
  return { plan, out: plan.status === 'pending' ? await managed.apply(plan, ctx) : undefined };
}

// The command sees the file through its last argument ($0 of sh -c), as in Salt's
// mod_run_check_cmd (salt/states/file.py: the command line, a space, the temporary file's name).
const ACCEPTS_OK = `sh -c 'grep -q "^ok" "$0"'`;

// tests/pytests/unit/states/file/test_managed.py (check_cmd cases): the file is replaced when the
// command succeeds ...
t.test('a command that accepts the new contents: the file is replaced', async (t) => {
  const root = rooted(t);
  writeFileSync(join(root, 'etc/app.conf'), 'old\n');
  const ctx = makeContext({ root, log: silentLogger });
  const { out } = await converge({ name: '/etc/app.conf', contents: 'ok: yes', check_cmd: ACCEPTS_OK }, ctx);
  t.not(out?.result, false);
  t.match(out?.changes, { diff: /-old\n\+ok: yes/ });
  t.equal(readFileSync(join(root, 'etc/app.conf'), 'utf8'), 'ok: yes\n');
  t.equal((await managed.check({ name: '/etc/app.conf', contents: 'ok: yes' }, ctx)).status, 'converged');
});

// ... and fails with "check_cmd execution failed" plus the command's output, the file untouched
// (test_managed.py; test_mod_run_check_cmd in tests/pytests/unit/states/file/test_filestate.py).
t.test('a command that refuses: the state fails with its output, the file is left as it was', async (t) => {
  const root = rooted(t);
  writeFileSync(join(root, 'etc/app.conf'), 'ok: old\n');
  const ctx = makeContext({ root, log: silentLogger });
  const refuse = `sh -c 'echo "line 1: $(head -c 3 "$0")"; echo "syntax error" >&2; exit 3'`;
  const { plan, out } = await converge({ name: '/etc/app.conf', contents: 'broken', check_cmd: refuse }, ctx);
  t.equal(plan.status, 'pending');
  t.equal(out?.result, false);
  t.same(out?.changes, {});
  t.equal(out?.comment, 'check_cmd execution failed\nline 1: bro\nsyntax error');
  t.equal(readFileSync(join(root, 'etc/app.conf'), 'utf8'), 'ok: old\n');
  t.same(await listBackups('/etc/app.conf', { root, ...ctx.backup }), [], 'nothing replaced, nothing backed up');
});

t.test('a refused new file: neither the file nor its missing parents are made', async (t) => {
  const root = rooted(t);
  const ctx = makeContext({ root, log: silentLogger });
  const { out } = await converge(
    { name: '/etc/app/app.conf', contents: 'nope', makedirs: true, check_cmd: ACCEPTS_OK },
    ctx,
  );
  t.equal(out?.result, false);
  t.equal(out?.comment, 'check_cmd execution failed');
  t.notOk(existsSync(join(root, 'etc/app')));
});

// salt/states/file.py managed(): test mode returns from check_managed_changes before the
// check_cmd block, so the command never runs in test mode.
t.test('test mode does not run the command', async (t) => {
  const root = rooted(t);
  const marker = join(root, 'ran');
  const ctx = makeContext({ root, log: silentLogger, test: true });
  const plan = await managed.check(
    { name: '/etc/app.conf', contents: 'ok', check_cmd: `sh -c 'touch ${marker}; exit 1'` },
    ctx,
  );
  t.equal(plan.status, 'pending');
  t.notOk(existsSync(marker));
  t.notOk(existsSync(join(root, 'etc/app.conf')));
});

// salt/states/file.py managed(): the command runs only when the temporary file would change.
t.test('nothing to change: the command is not run', async (t) => {
  const root = rooted(t);
  const marker = join(root, 'ran');
  writeFileSync(join(root, 'etc/app.conf'), 'ok\n');
  const ctx = makeContext({ root, log: silentLogger });
  const plan = await managed.check(
    { name: '/etc/app.conf', contents: 'ok', check_cmd: `sh -c 'touch ${marker}'` },
    ctx,
  );
  t.equal(plan.status, 'converged');
  t.notOk(existsSync(marker));
});

// Salt's docs for tmp_dir and tmp_ext: the directory and the suffix of check_cmd's temporary file
// (for checkers that want the file in a given place or with a given extension).
t.test('tmp_dir and tmp_ext place and name the temporary file; it has the mode asked for', async (t) => {
  const root = rooted(t);
  mkdirSync(join(root, 'etc/checks'));
  const seen = join(root, 'seen');
  const ctx = makeContext({ root, log: silentLogger });
  const record = `sh -c 'printf "%s %s" "$0" "$(stat -c %a "$0")" > ${seen}'`;
  const { out } = await converge(
    { name: '/etc/app.conf', contents: 'x', mode: '0640', check_cmd: record, tmp_dir: '/etc/checks', tmp_ext: '.conf' },
    ctx,
  );
  t.not(out?.result, false);
  const [path, mode] = readFileSync(seen, 'utf8').split(' ');
  t.equal(join(path, '..'), join(root, 'etc/checks'));
  t.match(path, /\.conf$/);
  t.equal(mode, '640');
  t.same(readdirSync(join(root, 'etc/checks')), [], 'the temporary file is removed');
  t.equal(readFileSync(join(root, 'etc/app.conf'), 'utf8'), 'x\n');
});

t.test('a command that cannot be started fails the state and says why', async (t) => {
  const root = rooted(t);
  const ctx = makeContext({ root, log: silentLogger });
  const { out } = await converge({ name: '/etc/app.conf', contents: 'x', check_cmd: '/nonexistent/checker -q' }, ctx);
  t.equal(out?.result, false);
  t.match(out?.comment, /^check_cmd execution failed\n.*ENOENT/);
  t.notOk(existsSync(join(root, 'etc/app.conf')));
});

t.test('an unterminated quote in check_cmd fails the state before anything runs', async (t) => {
  const root = rooted(t);
  const ctx = makeContext({ root, log: silentLogger });
  const plan = await managed.check({ name: '/etc/app.conf', contents: 'x', check_cmd: `sh -c 'exit 0` }, ctx);
  t.equal(plan.status, 'failed');
  t.equal(plan.comment, 'Unable to check_cmd file: No closing quotation');
});

t.test("secrets in the command's output are masked", async (t) => {
  const root = rooted(t);
  const ctx = makeContext({ root, log: silentLogger, redact: (s) => redact(s, ['hunter2']) });
  const { out } = await converge(
    { name: '/etc/app.conf', contents: 'password = hunter2', check_cmd: `sh -c 'cat "$0"; exit 1'` },
    ctx,
  );
  t.equal(out?.result, false);
  t.notMatch(out?.comment, /hunter2/);
  t.match(out?.comment, /check_cmd execution failed\npassword = /);
});
