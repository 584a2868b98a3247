// file.managed end to end on a temp root: what it writes, how, and undoing it from a backup.
import t from 'tap';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemTree } from '../../../../agent/store/tree.ts';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { managed } from '../../../../agent/states/file/managed.ts';
import { listBackups, restoreBackup } from '../../../../agent/store/backup.ts';

function rooted(t: { teardown(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'halite-managed-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  return root;
}

t.test('a change is written by rename, backed up, and can be restored', async (t) => {
  const root = rooted(t);
  const file = join(root, 'etc/app.conf');
  writeFileSync(file, 'v1\n');
  const inode = statSync(file).ino;
  const ctx = makeContext({ root, log: silentLogger, tree: new MemTree({ 'app.conf': 'v2\n' }) });
  const args = { name: '/etc/app.conf', source: 'salt://app.conf' };
  const out = await managed.apply(await managed.check(args, ctx), ctx);
  t.match(out.changes, { diff: /-v1\n\+v2/ });
  t.equal(readFileSync(file, 'utf8'), 'v2\n');
  t.not(statSync(file).ino, inode, 'replaced by rename, not rewritten in place');
  t.same(readdirSync(join(root, 'etc')), ['app.conf'], 'no temp files left');
  t.equal((await managed.check(args, ctx)).status, 'converged', 'the re-check sees the new file');

  const [backup] = await listBackups('/etc/app.conf', { root, ...ctx.backup });
  await restoreBackup('/etc/app.conf', backup.id, { root, ...ctx.backup });
  t.equal(readFileSync(file, 'utf8'), 'v1\n');
  ctx.facts.invalidatePath('/etc/app.conf');
  t.equal((await managed.check(args, ctx)).status, 'pending', 'after a restore the state wants its version again');
});

t.test('test mode reads but never writes', async (t) => {
  const root = rooted(t);
  writeFileSync(join(root, 'etc/app.conf'), 'v1\n');
  const ctx = makeContext({ root, log: silentLogger, test: true });
  const plan = await managed.check({ name: '/etc/app.conf', contents: 'v2', mode: '0600', makedirs: true }, ctx);
  t.equal(plan.status, 'pending');
  t.match(plan.changes, { diff: /\+v2/, mode: '0600' });
  t.equal(readFileSync(join(root, 'etc/app.conf'), 'utf8'), 'v1\n');
  t.equal(statSync(join(root, 'etc/app.conf')).mode & 0o777, 0o644);
  t.same(await listBackups(undefined, { root }), []);
});

t.test('backups go to the configured directory and keep the configured number', async (t) => {
  const root = rooted(t);
  const ctx = makeContext({ root, log: silentLogger, backup: { dir: '/backups', keep: 2 } });
  for (const v of ['a', 'b', 'c', 'd']) {
    const plan = await managed.check({ name: '/etc/app.conf', contents: v }, ctx);
    if (plan.status === 'pending') await managed.apply(plan, ctx);
    await new Promise((r) => setTimeout(r, 2));
  }
  const kept = await listBackups('/etc/app.conf', { root, dir: '/backups' });
  t.same(
    kept.map((b) => readFileSync(b.location, 'utf8')),
    ['b\n', 'c\n'],
  );
});

t.test('test mode: an owner a pending requisite would create is not an error', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'halite-managed-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
  const args = { name: '/etc/redis.conf', contents: 'bind 127.0.0.1', user: 'redis', group: 'redis' };
  const alone = await managed.check(args, makeContext({ root, log: silentLogger, test: true }));
  t.equal(alone.status, 'failed', 'nothing would create the user: an error, as in Salt');
  t.match(alone.comment, /User redis is not available/);
  const waiting = await managed.check(
    args,
    makeContext({ root, log: silentLogger, test: true, pendingRequisites: ['pkg_|-redis_|-redis-server_|-installed'] }),
  );
  t.equal(waiting.status, 'pending', 'the package that brings the user would be installed first');
  t.same(waiting.changes, { newfile: '/etc/redis.conf' });
});
