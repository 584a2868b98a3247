import t from 'tap';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOverlayDirs, ensureUpperDir, overlayDirs, writeGuestFile } from './overlay.ts';

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'overlay-'));
  const lower = join(dir, 'lower');
  mkdirSync(join(lower, 'usr', 'sbin'), { recursive: true });
  mkdirSync(join(lower, 'root'), { mode: 0o700 });
  symlinkSync('usr/sbin', join(lower, 'sbin'));
  const o = overlayDirs(join(dir, 'host'), lower);
  createOverlayDirs(o);
  return o;
}

t.test('upper directories take the base directory modes; new ones are private', async (t) => {
  const o = fixture();
  const dir = ensureUpperDir(o, '/root/.ssh');
  t.equal(dir, join(o.upper, 'root', '.ssh'));
  t.equal(lstatSync(join(o.upper, 'root')).mode & 0o7777, 0o700, '/root keeps 0700');
  t.equal(lstatSync(dir).mode & 0o7777, 0o700, 'a directory the base lacks is 0700');
  t.equal(
    lstatSync(ensureUpperDir(o, '/usr/sbin')).mode & 0o7777,
    lstatSync(join(o.lower, 'usr', 'sbin')).mode & 0o7777,
  );
});

t.test('a path through a symlink of the base is refused', async (t) => {
  const o = fixture();
  t.throws(() => ensureUpperDir(o, '/sbin'), /symlink in the base/);
  t.throws(() => lstatSync(join(o.upper, 'sbin')), 'nothing was created that would hide the link');
});

t.test(
  'guest files are written into the upper layer',
  { skip: process.getuid?.() !== 0 && 'writes root-owned files' },
  async (t) => {
    const o = fixture();
    writeGuestFile(o, { path: '/usr/sbin/runlevel', content: 'echo N 2\n', mode: 0o755 });
    const file = join(o.upper, 'usr', 'sbin', 'runlevel');
    t.equal(readFileSync(file, 'utf8'), 'echo N 2\n');
    t.equal(lstatSync(file).mode & 0o7777, 0o755);
    t.equal(lstatSync(file).uid, 0);
    t.throws(() => writeGuestFile(o, { path: 'relative', content: '', mode: 0o644 }), /absolute/);
  },
);
