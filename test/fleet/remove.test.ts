import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountPointsUnder, removeTree } from './remove.ts';
import { run } from './run.ts';

t.test('mount points below a directory, deepest first, with escaped names', async (t) => {
  const info = [
    '22 1 8:1 / / rw - ext4 /dev/vda rw',
    '40 22 0:5 / /cache/base.tmp-1/rootfs/proc rw - proc proc rw',
    '41 40 0:6 / /cache/base.tmp-1/rootfs/proc/sys/fs/binfmt_misc rw - binfmt_misc x rw',
    '42 22 0:7 / /cache/base.tmp-1/with\\040space rw - tmpfs tmpfs rw',
    '43 22 0:8 / /cache/base.tmp-10 rw - tmpfs tmpfs rw',
  ].join('\n');
  t.same(mountPointsUnder('/cache/base.tmp-1', info), [
    '/cache/base.tmp-1/rootfs/proc/sys/fs/binfmt_misc',
    '/cache/base.tmp-1/rootfs/proc',
    '/cache/base.tmp-1/with space',
  ]);
});

t.test(
  'a tree with something mounted inside is unmounted, not emptied',
  { skip: process.getuid?.() !== 0 && 'mounts need root' },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'remove-'));
    const inner = join(dir, 'rootfs', 'dev');
    const outside = mkdtempSync(join(tmpdir(), 'remove-outside-'));
    writeFileSync(join(outside, 'precious'), 'keep me');
    mkdirSync(inner, { recursive: true });
    await run(['mount', '--bind', outside, inner]);
    t.teardown(() => run(['umount', '--lazy', inner], { reject: false }));
    await removeTree(dir, 'test');
    t.notOk(existsSync(dir), 'the tree is gone');
    t.ok(existsSync(join(outside, 'precious')), 'what was mounted inside it is untouched');
  },
);
