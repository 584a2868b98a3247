import t from 'tap';
import { createHash } from 'node:crypto';
import { renderRelease } from './release.ts';

t.test('Release lists each index with its size and checksums', async (t) => {
  const packages = Buffer.from('Package: memcached\nVersion: 1.6\n\n');
  const gz = Buffer.from([0x1f, 0x8b, 1, 2, 3]);
  const text = renderRelease(
    [
      { name: 'Packages', content: packages },
      { name: 'Packages.gz', content: gz },
    ],
    new Date(Date.UTC(2025, 4, 20, 12, 0, 0)),
    ['amd64', 'all'],
  );
  t.match(text, /^Date: Tue, 20 May 2025 12:00:00 UTC$/m);
  t.match(text, /^Architectures: amd64 all$/m);
  const sha = createHash('sha256').update(packages).digest('hex');
  const md5 = createHash('md5').update(gz).digest('hex');
  t.match(text, new RegExp(`^SHA256:\\n ${sha} +${packages.length} Packages\\n`, 'm'));
  t.match(text, new RegExp(`^ ${md5} +5 Packages.gz$`, 'm'));
  t.ok(text.indexOf('MD5Sum:') < text.indexOf('SHA256:'));
});
