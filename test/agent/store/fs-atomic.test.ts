import t from 'tap';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  lstatSync,
  readlinkSync,
  chownSync,
  chmodSync,
  mkdirSync,
  utimesSync,
  promises,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { symlinkAtomic, writeFileAtomic } from '../../../agent/store/fs-atomic.ts';

function scratch(t: { teardown(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'halite-atomic-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

t.test('replaces the file by rename: new inode, no temp file left', async (t) => {
  const d = scratch(t);
  const p = join(d, 'f');
  writeFileSync(p, 'old');
  const before = statSync(p).ino;
  await writeFileAtomic(p, 'new');
  t.equal(readFileSync(p, 'utf8'), 'new');
  t.not(statSync(p).ino, before, 'a new inode took the name');
  t.same(readdirSync(d), ['f']);
});

t.test('an edit keeps the mode and owner of the file it replaces', async (t) => {
  const d = scratch(t);
  const p = join(d, 'f');
  writeFileSync(p, 'old');
  chmodSync(p, 0o640);
  if (process.getuid?.() === 0) chownSync(p, 33, 4);
  await writeFileAtomic(p, 'new');
  const st = statSync(p);
  t.equal(st.mode & 0o7777, 0o640);
  if (process.getuid?.() === 0) t.same([st.uid, st.gid], [33, 4]);
});

t.test('a new file gets the requested mode exactly (not masked by the umask)', async (t) => {
  const d = scratch(t);
  const p = join(d, 'f');
  const old = process.umask(0o077);
  try {
    await writeFileAtomic(p, 'x', { mode: 0o664 });
  } finally {
    process.umask(old);
  }
  t.equal(statSync(p).mode & 0o7777, 0o664);
  await writeFileAtomic(join(d, 'g'), 'x');
  t.equal(statSync(join(d, 'g')).mode & 0o7777, 0o666 & ~old, 'default: 0666 & ~umask');
});

t.test(
  'owner is set on the temp file before it takes the name',
  { skip: process.getuid?.() !== 0 && 'needs root' },
  async (t) => {
    const d = scratch(t);
    const p = join(d, 'f');
    await writeFileAtomic(p, 'x', { uid: 65534, gid: 65534, mode: 0o600 });
    const st = statSync(p);
    t.same([st.uid, st.gid, st.mode & 0o7777], [65534, 65534, 0o600]);
  },
);

t.test('a failed write leaves the old file and no temp file', async (t) => {
  const d = scratch(t);
  const p = join(d, 'f');
  writeFileSync(p, 'old');
  mkdirSync(join(d, 'sub'));
  // Renaming a file over a non-empty directory fails after the temp file was written.
  const target = join(d, 'sub');
  writeFileSync(join(target, 'x'), 'x');
  await t.rejects(writeFileAtomic(target, 'data'));
  t.same(readdirSync(d).sort(), ['f', 'sub']);
  t.equal(readFileSync(p, 'utf8'), 'old');
});

t.test('readers never see a partial file while it is replaced', async (t) => {
  const d = scratch(t);
  const p = join(d, 'f');
  const a = 'a'.repeat(1 << 20);
  const b = 'b'.repeat(1 << 20);
  await writeFileAtomic(p, a);
  let bad = 0;
  let reads = 0;
  let writing = true;
  const reader = (async () => {
    while (writing) {
      const s = readFileSync(p, 'utf8');
      reads++;
      if (s !== a && s !== b) bad++;
      await new Promise((r) => setImmediate(r));
    }
  })();
  for (let i = 0; i < 20; i++) await writeFileAtomic(p, i % 2 ? a : b);
  writing = false;
  await reader;
  t.ok(reads > 0, `${reads} reads`);
  t.equal(bad, 0, 'every read saw a whole version');
});

t.test('symlinkAtomic creates and retargets a link', async (t) => {
  const d = scratch(t);
  const p = join(d, 'link');
  await symlinkAtomic('one', p);
  t.equal(readlinkSync(p), 'one');
  await symlinkAtomic('two', p);
  t.equal(readlinkSync(p), 'two');
  writeFileSync(join(d, 'file'), 'x');
  await symlinkAtomic('three', join(d, 'file'));
  t.ok(lstatSync(join(d, 'file')).isSymbolicLink(), 'a file is replaced by the link');
  t.same(readdirSync(d).sort(), ['file', 'link']);
});

t.test('a temp file left by a writer that died is removed when the target is next written', async (t) => {
  const d = scratch(t);
  const p = join(d, 'app.conf');
  writeFileSync(p, 'old');
  // a pid that ran and is gone
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const old = new Date(Date.now() - 3600_000);
  const leftover = (name: string, when = old): string => {
    writeFileSync(join(d, name), 'half written');
    utimesSync(join(d, name), when, when);
    return name;
  };
  const stale = leftover(`.app.conf.halite-${dead}-0123456789ab`);
  const fresh = leftover(`.app.conf.halite-${dead}-ba9876543210`, new Date(Date.now() + 60_000));
  const alive = leftover(`.app.conf.halite-1-aaaaaaaaaaaa`);
  const other = leftover(`.other.conf.halite-${dead}-0123456789ab`);
  const unrelated = leftover(`.app.conf.halite-${dead}-not-ours`);
  await writeFileAtomic(p, 'new');
  t.equal(readFileSync(p, 'utf8'), 'new');
  t.same(
    readdirSync(d).sort(),
    ['app.conf', fresh, alive, other, unrelated].sort(),
    `${stale} removed; younger than this process, a running pid, another target's and a foreign name kept`,
  );
  const link = join(d, 'link');
  const staleLink = leftover(`.link.halite-${dead}-cccccccccccc`);
  await symlinkAtomic('app.conf', link);
  t.notOk(readdirSync(d).includes(staleLink), 'the symlink writer cleans up too');
});

t.test('the temp file names its writer', async (t) => {
  const d = scratch(t);
  const renamed: string[] = [];
  const rename = promises.rename;
  promises.rename = async (from, to) => {
    renamed.push(basename(String(from)));
    return rename(from, to);
  };
  t.teardown(() => void (promises.rename = rename));
  await writeFileAtomic(join(d, 'f'), 'x');
  t.match(renamed, [new RegExp(`^\\.f\\.halite-${process.pid}-[0-9a-f]{12}$`)]);
});
