import t from 'tap';
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { ensurePrivateDir } from '../../../agent/runtime/runtime-dir.ts';
import { acquireLock } from '../../../agent/runtime/lock.ts';
import { bindSocket } from '../../../agent/runtime/resident.ts';

const base = mkdtempSync(join(tmpdir(), 'halite-rtdir-'));
const modeOf = (p: string): number => statSync(p).mode & 0o7777;

t.test('a new runtime directory is created 0700 whatever the umask', async (t) => {
  const old = process.umask(0o022);
  t.teardown(() => void process.umask(old));
  const dir = join(base, 'new/run/halite');
  ensurePrivateDir(dir);
  t.equal(modeOf(dir), 0o700);
});

t.test('an existing 0755 runtime directory is tightened to 0700', async (t) => {
  const dir = join(base, 'loose');
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  ensurePrivateDir(dir);
  t.equal(modeOf(dir), 0o700);
});

t.test('a file where the directory should be is refused', async (t) => {
  const p = join(base, 'afile');
  writeFileSync(p, '');
  t.throws(() => ensurePrivateDir(p), /EEXIST|not a directory/);
});

t.test(
  'taking the lock in the runtime directory tightens it; a lock elsewhere leaves its directory alone',
  async (t) => {
    const own = join(base, 'lockdir');
    mkdirSync(own, { mode: 0o755 });
    chmodSync(own, 0o755);
    const lock = await acquireLock(join(own, 'agent.lock'), { privateDir: true });
    lock.release();
    t.equal(modeOf(own), 0o700);
    const shared = join(base, 'shared');
    mkdirSync(shared, { mode: 0o1777 });
    chmodSync(shared, 0o1777);
    (await acquireLock(join(shared, 'x.lock'))).release();
    t.equal(modeOf(shared), 0o1777);
  },
);

t.test('binding a resident socket tightens its directory', async (t) => {
  const dir = join(base, 'sock');
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  const server = createServer();
  t.teardown(() => server.close());
  t.ok(await bindSocket(server, join(dir, 'a.sock')));
  t.equal(modeOf(dir), 0o700);
  t.equal(modeOf(join(dir, 'a.sock')), 0o600);
});
