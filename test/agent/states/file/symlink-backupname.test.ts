// file.symlink moving what is in the way to a backupname on another file system: copied and
// unlinked as Salt's shutil.move does, or refused with disallow_copy_and_unlink.
import t from 'tap';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { symlink } from '../../../../agent/states/file/symlink.ts';

const other = '/dev/shm';
const twoFileSystems = existsSync(other) && statfsSync(other).type !== statfsSync(tmpdir()).type;

t.test(
  'a backupname on another file system',
  { skip: !twoFileSystems && 'needs /dev/shm on its own file system' },
  async (t) => {
    const here = mkdtempSync(join(tmpdir(), 'halite-symbk-'));
    const there = mkdtempSync(join(other, 'halite-symbk-'));
    t.teardown(() => {
      rmSync(here, { recursive: true, force: true });
      rmSync(there, { recursive: true, force: true });
    });
    const name = join(here, 'link');
    const backupname = join(there, 'old');
    writeFileSync(name, 'in the way\n');
    const ctx = makeContext({ log: silentLogger });
    const args = { name, target: '/etc/hostname', backupname, disallow_copy_and_unlink: true };
    const refused = await symlink.apply(await symlink.check(args, ctx), ctx);
    t.match(refused, {
      result: false,
      comment: new RegExp(`^Unable to rename ${name} to backup ${backupname} -> EXDEV`),
    });
    t.equal(readFileSync(name, 'utf8'), 'in the way\n', 'left alone');
    const moved = await symlink.apply(await symlink.check({ ...args, disallow_copy_and_unlink: false }, ctx), ctx);
    t.match(moved, { changes: { new: name } });
    t.equal(readFileSync(backupname, 'utf8'), 'in the way\n', 'copied to the backup');
    t.ok(lstatSync(name).isSymbolicLink());
    t.equal(readlinkSync(name), '/etc/hostname');
  },
);
