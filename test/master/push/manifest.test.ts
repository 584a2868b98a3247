// The state-tree manifest: path → sha256, hidden files left out, unchanged files not hashed again.
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestCache } from '../../../master/push/manifest.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'halite-tree-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

mkdirSync(join(dir, 'memcached/files'), { recursive: true });
mkdirSync(join(dir, '.git'));
writeFileSync(join(dir, 'top.sls'), 'base: {}\n');
writeFileSync(join(dir, 'memcached/init.sls'), 'a: b\n');
writeFileSync(join(dir, 'memcached/files/conf'), 'same\n');
writeFileSync(join(dir, 'memcached/files/copy'), 'same\n');
writeFileSync(join(dir, '.git/HEAD'), 'x');
writeFileSync(join(dir, '.hidden.sls'), 'x');

t.test('manifest of a directory', async (t) => {
  const cache = new ManifestCache();
  const { manifest, read } = cache.scan(dir);
  t.same(manifest, {
    'memcached/files/conf': sha('same\n'),
    'memcached/files/copy': sha('same\n'),
    'memcached/init.sls': sha('a: b\n'),
    'top.sls': sha('base: {}\n'),
  });
  t.same(Object.keys(manifest), Object.keys(manifest).sort(), 'sorted by path');
  t.equal(read(sha('a: b\n'))?.toString(), 'a: b\n');
  t.equal(read(sha('x')), undefined, 'a hidden file is not served');
  t.equal(cache.hashed, 4);
});

t.test('a second scan hashes only what changed (mtime or size)', async (t) => {
  const cache = new ManifestCache();
  cache.scan(dir);
  cache.scan(dir);
  t.equal(cache.hashed, 4, 'nothing re-hashed');
  writeFileSync(join(dir, 'memcached/init.sls'), 'a: bc\n');
  const { manifest } = cache.scan(dir);
  t.equal(cache.hashed, 5, 'the changed file only');
  t.equal(manifest['memcached/init.sls'], sha('a: bc\n'));
  // same size, new mtime
  writeFileSync(join(dir, 'top.sls'), 'base: {]\n');
  utimesSync(join(dir, 'top.sls'), new Date(), new Date(Date.now() + 5000));
  t.equal(cache.scan(dir).manifest['top.sls'], sha('base: {]\n'));
  t.equal(cache.hashed, 6);
});
