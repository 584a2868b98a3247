import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrEmpty, readText } from '../../../agent/store/read-text.ts';

t.test('a readable file gives its text; anything else gives null or empty', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-read-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.txt'), 'héllo\n');
  t.equal(await readText(join(dir, 'a.txt')), 'héllo\n');
  t.equal(await readText(join(dir, 'missing')), null, 'missing file');
  t.equal(await readText(dir), null, 'a directory');
  t.equal(await readText(join(dir, 'a.txt', 'below')), null, 'below a regular file');
  t.equal(await readOrEmpty(join(dir, 'a.txt')), 'héllo\n');
  t.equal(await readOrEmpty(join(dir, 'missing')), '');
});
