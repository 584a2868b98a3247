import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupFile } from '../../../agent/store/backup.ts';
import { backupsCommand } from '../../../agent/store/backups-cli.ts';

function io() {
  const o = { out: '', err: '' };
  return { o, io: { out: (s: string) => void (o.out += s), err: (s: string) => void (o.err += s) } };
}

t.test('list and restore the previous version of a file', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'halite-backups-'));
  mkdirSync(join(root, 'etc'));
  const file = join(root, 'etc/app.conf');
  writeFileSync(file, 'version 1\n');
  let n = 0;
  const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, n++));
  await backupFile('/etc/app.conf', { root, now });
  writeFileSync(file, 'version 2\n');

  const list = io();
  t.equal(await backupsCommand(['list', '--root', root, '--json'], list.io), 0);
  const entries = JSON.parse(list.o.out) as Array<{ path: string; id: string }>;
  t.same(
    entries.map((e) => e.path),
    ['/etc/app.conf'],
  );

  const text = io();
  t.equal(await backupsCommand(['list', '/etc/app.conf', '--root', root], text.io), 0);
  t.match(text.o.out, /^PATH +ID +TIME +BYTES\n\/etc\/app\.conf +20260101T000000000Z /);

  const restore = io();
  t.equal(await backupsCommand(['restore', '/etc/app.conf', entries[0].id, '--root', root], restore.io), 0);
  t.equal(readFileSync(file, 'utf8'), 'version 1\n', 'old version is back');
  t.match(restore.o.out, /restored \/etc\/app\.conf from backup 20260101T000000000Z/);

  const after = io();
  await backupsCommand(['list', '/etc/app.conf', '--root', root, '--json'], after.io);
  t.equal(JSON.parse(after.o.out).length, 2, 'the replaced version was itself backed up');
});

t.test('bad requests are usage errors', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'halite-backups-'));
  const a = io();
  t.equal(await backupsCommand(['restore', '/etc/none', '20260101T000000000Z', '--root', root], a.io), 64);
  t.match(a.o.err, /no backup 20260101T000000000Z of \/etc\/none/);
  const b = io();
  t.equal(await backupsCommand(['frobnicate'], b.io), 64);
  t.match(b.o.err, /usage: halite-agent backups/);
  const c = io();
  t.equal(await backupsCommand(['list'], c.io), 0);
});
