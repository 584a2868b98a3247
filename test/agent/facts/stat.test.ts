import t from 'tap';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FactCache } from '../../../agent/facts/cache.ts';
import { octalMode, parseStat, statFact } from '../../../agent/facts/stat.ts';
import { contentFact } from '../../../agent/facts/content.ts';
import { walkFact } from '../../../agent/facts/walk.ts';
import { run } from '../../../agent/process/run.ts';

t.test('parseStat is a pure mapping of lstat data', async (t) => {
  const stats = {
    mode: 0o104755,
    uid: 1,
    gid: 2,
    size: 3,
    mtimeMs: 4,
    atimeMs: 5,
    ino: 6,
    nlink: 1,
    isFile: () => true,
    isDirectory: () => false,
    isSymbolicLink: () => false,
  };
  t.same(parseStat({ stats }), {
    type: 'file',
    mode: '4755',
    uid: 1,
    gid: 2,
    size: 3,
    mtimeMs: 4,
    atimeMs: 5,
    ino: 6,
    nlink: 1,
  });
  t.equal(parseStat(null), null);
  t.equal(octalMode(0o40700), '0700');
});

t.test('stat, content and walk read under the root', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'halite-facts-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc/sub'), { recursive: true });
  writeFileSync(join(root, 'etc/a.conf'), 'hello');
  chmodSync(join(root, 'etc/a.conf'), 0o600);
  writeFileSync(join(root, 'etc/sub/b'), Buffer.from([0, 1]));
  symlinkSync('/etc/a.conf', join(root, 'etc/link'));
  const facts = new FactCache({ root, run });
  t.match(await facts.get(statFact, '/etc/a.conf'), { type: 'file', mode: '0600', size: 5 });
  t.match(await facts.get(statFact, '/etc/link'), { type: 'symlink', target: '/etc/a.conf' });
  t.match(await facts.get(statFact, '/etc'), { type: 'directory' });
  t.equal(await facts.get(statFact, '/etc/none'), null);
  t.equal(await facts.get(statFact, '/etc/a.conf/below'), null, 'ENOTDIR is absence');
  t.match(await facts.get(contentFact, '/etc/a.conf'), {
    text: 'hello',
    binary: false,
    sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
  });
  t.match(await facts.get(contentFact, '/etc/sub/b'), { binary: true });
  t.equal(await facts.get(contentFact, '/etc/sub'), null, 'a directory has no content');
  t.same(
    (await facts.get(walkFact, '/etc'))?.map((e) => [e.path, e.type, e.depth]),
    [
      ['/etc/a.conf', 'file', 1],
      ['/etc/link', 'symlink', 1],
      ['/etc/sub', 'directory', 1],
      ['/etc/sub/b', 'file', 2],
    ],
  );
  t.equal(await facts.get(walkFact, '/etc/a.conf'), null);
});
