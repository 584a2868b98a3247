import t from 'tap';
import { readFileSync } from 'node:fs';
import { DEFAULT_PACKAGE_LIST, indexedPackages, parsePackageList, repoKey } from './repo.ts';

t.test('package lists: comments, blanks, duplicates, order', async (t) => {
  t.same(parsePackageList('# header\nredis-server\n\nmemcached  # cache\nredis-server\n'), [
    'memcached',
    'redis-server',
  ]);
  t.throws(() => parsePackageList('memcached; rm -rf /\n'), /not a Debian package name/);
});

t.test('the shipped list offers what tests and demos install', async (t) => {
  const list = parsePackageList(readFileSync(DEFAULT_PACKAGE_LIST, 'utf8'));
  for (const p of ['memcached', 'redis-server', 'cron', 'git', 'curl']) t.ok(list.includes(p), p);
});

t.test('the repository key follows the package list and the base', async (t) => {
  t.equal(repoKey('b1', ['a', 'b']), repoKey('b1', ['b', 'a']), 'order does not matter');
  t.not(repoKey('b1', ['a']), repoKey('b1', ['a', 'b']));
  t.not(repoKey('b1', ['a']), repoKey('b2', ['a']));
});

t.test('package names are read from a Packages index', async (t) => {
  t.same(
    [...indexedPackages('Package: memcached\nVersion: 1\n\nPackage: libevent-2.1-7\nSource: libevent\n')],
    ['memcached', 'libevent-2.1-7'],
  );
});
