import t from 'tap';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupFile, formatBackupId, listBackups, parseBackupId, restoreBackup } from '../../../agent/store/backup.ts';

function setup(t: { teardown(fn: () => void): void }): { root: string; clock: () => Date; tick: (ms: number) => void } {
  const root = mkdtempSync(join(tmpdir(), 'halite-backup-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  let now = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  return { root, clock: () => new Date(now), tick: (ms) => (now += ms) };
}

t.test('ids are UTC timestamps that round-trip', async (t) => {
  const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  t.equal(formatBackupId(d), '20240102T030405678Z');
  t.same(parseBackupId('20240102T030405678Z'), d);
  t.same(parseBackupId('20240102T030405678Z-2'), d);
  t.equal(parseBackupId('nonsense'), undefined);
});

t.test('a backup keeps content, mode and owner; list shows it', async (t) => {
  const { root, clock } = setup(t);
  const f = join(root, 'etc/app.conf');
  writeFileSync(f, 'v1');
  chmodSync(f, 0o640);
  if (process.getuid?.() === 0) chownSync(f, 33, 4);
  const id = await backupFile('/etc/app.conf', { root, now: clock });
  t.equal(id, '20240102T030405678Z');
  const [entry, ...rest] = await listBackups('/etc/app.conf', { root });
  t.same(rest, []);
  t.match(entry, { path: '/etc/app.conf', id, size: 2 });
  t.equal(entry.location, join(root, 'var/lib/halite/backup/etc/app.conf@20240102T030405678Z'));
  t.equal(readFileSync(entry.location, 'utf8'), 'v1');
  const st = statSync(entry.location);
  t.equal(st.mode & 0o7777, 0o640);
  if (process.getuid?.() === 0) t.same([st.uid, st.gid], [33, 4]);
});

t.test('nothing to back up: missing files and directories', async (t) => {
  const { root } = setup(t);
  t.equal(await backupFile('/etc/none', { root }), undefined);
  t.equal(await backupFile('/etc', { root }), undefined);
  t.same(await listBackups(undefined, { root }), []);
});

t.test('retention keeps the newest N versions per file; same-millisecond ids get a counter', async (t) => {
  const { root, clock, tick } = setup(t);
  const f = join(root, 'etc/app.conf');
  const ids: string[] = [];
  for (let i = 1; i <= 5; i++) {
    writeFileSync(f, `v${i}`);
    ids.push((await backupFile('/etc/app.conf', { root, now: clock, keep: 3 })) as string);
    if (i !== 2) tick(1000);
  }
  t.equal(ids[2], `${ids[1]}-1`, 'a second backup in the same millisecond');
  const kept = await listBackups('/etc/app.conf', { root });
  t.same(
    kept.map((b) => b.id),
    ids.slice(2),
    'oldest first, the last three',
  );
  t.same(
    kept.map((b) => readFileSync(b.location, 'utf8')),
    ['v3', 'v4', 'v5'],
  );
});

t.test('listing everything walks the store; other files are not mistaken for versions', async (t) => {
  const { root, clock, tick } = setup(t);
  mkdirSync(join(root, 'etc/ssh'));
  writeFileSync(join(root, 'etc/a'), 'a');
  writeFileSync(join(root, 'etc/ssh/sshd_config'), 's');
  writeFileSync(join(root, 'etc/a@20240101T000000000Z'), 'not a backup');
  await backupFile('/etc/a', { root, now: clock });
  tick(1);
  await backupFile('/etc/ssh/sshd_config', { root, now: clock });
  await backupFile('/etc/a@20240101T000000000Z', { root, now: clock });
  const all = await listBackups(undefined, { root });
  t.same(
    all.map((b) => b.path),
    ['/etc/a', '/etc/a@20240101T000000000Z', '/etc/ssh/sshd_config'],
  );
  t.same(
    (await listBackups('/etc/a', { root })).map((b) => b.path),
    ['/etc/a'],
  );
});

t.test('restore puts a version back and backs up what it replaces', async (t) => {
  const { root, clock, tick } = setup(t);
  const f = join(root, 'etc/app.conf');
  writeFileSync(f, 'good');
  chmodSync(f, 0o600);
  const id = (await backupFile('/etc/app.conf', { root, now: clock })) as string;
  writeFileSync(f, 'broken');
  chmodSync(f, 0o644);
  tick(1000);
  const entry = await restoreBackup('/etc/app.conf', id, { root, now: clock });
  t.equal(entry.id, id);
  t.equal(readFileSync(f, 'utf8'), 'good');
  t.equal(statSync(f).mode & 0o7777, 0o600);
  const versions = await listBackups('/etc/app.conf', { root });
  t.same(
    versions.map((b) => readFileSync(b.location, 'utf8')),
    ['good', 'broken'],
    'the broken version was kept',
  );
  await t.rejects(restoreBackup('/etc/app.conf', '20000101T000000000Z', { root }), /no backup/);
});

t.test('restore recreates a deleted file', async (t) => {
  const { root, clock } = setup(t);
  const f = join(root, 'etc/gone.conf');
  writeFileSync(f, 'data');
  const id = (await backupFile('/etc/gone.conf', { root, now: clock })) as string;
  rmSync(f);
  await restoreBackup('/etc/gone.conf', id, { root, now: clock });
  t.equal(readFileSync(f, 'utf8'), 'data');
});

t.test('paths must be absolute file paths', async (t) => {
  const { root } = setup(t);
  await t.rejects(backupFile('etc/x', { root }), /not an absolute file path/);
  await t.rejects(backupFile('/', { root }), /not an absolute file path/);
});
