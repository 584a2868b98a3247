// file.managed attrs with the real chattr/lsattr on a temporary root: the letters given are made
// the file's settable attributes (missing ones added, others removed), a rewritten file gets them
// again, and a file system that refuses an attribute fails the state in chattr's words.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { managed } from '../../../../agent/states/file/managed.ts';

/** The attribute letters of a file ('' when lsattr cannot read them). */
function lsattr(path: string): string {
  try {
    return execFileSync('lsattr', ['-d', '--', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split(/\s+/)[0]
      .replace(/-/g, '');
  } catch {
    return '';
  }
}

/** Whether chattr can set `flags` on a file in `dir`. */
function chattrWorks(dir: string, flags: string): boolean {
  if (!existsSync(dir)) return false;
  const probe = mkdtempSync(join(dir, 'halite-attrs-probe-'));
  try {
    writeFileSync(join(probe, 'f'), '');
    execFileSync('chattr', [`+${flags}`, join(probe, 'f')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const skip = chattrWorks(tmpdir(), 'dA') ? false : 'chattr cannot set d and A under the temporary directory';

function rooted(t: { teardown(fn: () => void): void }, base = tmpdir()): string {
  const root = mkdtempSync(join(base, 'halite-attrs-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  return root;
}

const letters = (s: string): string =>
  [...s]
    .filter((c) => c !== 'e')
    .sort()
    .join('');

// Salt's check_perms (salt/modules/file.py): attrs added with chattr +, those not asked for removed
// with chattr -, the change reported as attrs {old, new}, and "Failed to change attributes to …"
// when lsattr still differs afterwards.
t.test('a new file gets the attributes', { skip }, async (t) => {
  const root = rooted(t);
  const ctx = makeContext({ root, log: silentLogger });
  const plan = await managed.check({ name: '/etc/app.conf', contents: 'x', attrs: 'dA' }, ctx);
  const out = await managed.apply(plan, ctx);
  t.not(out.result, false, out.comment);
  t.equal(letters(lsattr(join(root, 'etc/app.conf'))), 'Ad');
  t.match(out.changes, { attrs: { old: /^e?$/, new: /A/ } });
  t.equal((await managed.check({ name: '/etc/app.conf', contents: 'x', attrs: 'dA' }, ctx)).status, 'converged');
});

t.test('attributes not asked for are removed, those asked for added', { skip }, async (t) => {
  const root = rooted(t);
  const file = join(root, 'etc/app.conf');
  writeFileSync(file, 'x\n');
  execFileSync('chattr', ['+A', file]);
  const ctx = makeContext({ root, log: silentLogger });
  const plan = await managed.check({ name: '/etc/app.conf', contents: 'x', attrs: 'd' }, ctx);
  t.equal(plan.status, 'pending');
  t.match(plan.changes, { attrs: { old: /A/, new: 'd' } });
  t.notOk('diff' in plan.changes, 'the contents are right');
  const out = await managed.apply(plan, ctx);
  t.not(out.result, false, out.comment);
  t.equal(letters(lsattr(file)), 'd');
});

t.test('a rewritten file has the attributes again', { skip }, async (t) => {
  const root = rooted(t);
  const file = join(root, 'etc/app.conf');
  writeFileSync(file, 'old\n');
  execFileSync('chattr', ['+d', file]);
  const ctx = makeContext({ root, log: silentLogger });
  const plan = await managed.check({ name: '/etc/app.conf', contents: 'new', attrs: 'd' }, ctx);
  t.same(Object.keys(plan.changes), ['diff'], 'only the contents differ');
  const out = await managed.apply(plan, ctx);
  t.not(out.result, false, out.comment);
  t.equal(letters(lsattr(file)), 'd');
});

t.test('test mode reports the change and sets nothing', { skip }, async (t) => {
  const root = rooted(t);
  const file = join(root, 'etc/app.conf');
  writeFileSync(file, 'x\n');
  const ctx = makeContext({ root, log: silentLogger, test: true });
  const plan = await managed.check({ name: '/etc/app.conf', contents: 'x', attrs: 'd' }, ctx);
  t.equal(plan.status, 'pending');
  t.match(plan.changes, { attrs: { new: 'd' } });
  t.equal(letters(lsattr(file)), '');
});

t.test('a letter chattr does not know fails the state', async (t) => {
  const root = rooted(t);
  const plan = await managed.check(
    { name: '/etc/app.conf', contents: 'x', attrs: 'iq' },
    makeContext({ root, log: silentLogger }),
  );
  t.equal(plan.status, 'failed');
  t.match(plan.comment, /^Invalid attrs iq: chattr sets only the attributes /);
});

// tmpfs takes some attributes (i, a, d) and refuses others (c, compression).
const shm = '/dev/shm';
const tmpfsRefuses = existsSync(shm) && chattrWorks(shm, 'd') && !chattrWorks(shm, 'c');
t.test(
  "a file system that refuses the attribute: the state fails in chattr's words",
  {
    skip: tmpfsRefuses ? false : 'no tmpfs at /dev/shm that refuses chattr +c',
  },
  async (t) => {
    const root = rooted(t, shm);
    const ctx = makeContext({ root, log: silentLogger });
    const plan = await managed.check({ name: '/etc/app.conf', contents: 'x', attrs: 'c' }, ctx);
    const out = await managed.apply(plan, ctx);
    t.equal(out.result, false);
    t.match(out.comment, /^File \/etc\/app.conf updated; Failed to change attributes to c: chattr: .*not supported/);
  },
);
