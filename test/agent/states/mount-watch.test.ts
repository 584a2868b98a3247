// mount.mounted's watch reaction (Salt's mod_watch): a remount of a mounted point, a mount of one
// that is not, each with the comment Salt gives.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../agent/states/context.ts';
import { mounted } from '../../../agent/states/mount.ts';
import { Recorded } from './pkg/recorded.ts';

const MOUNTINFO = '22 1 0:21 / / rw - overlay overlay rw\n30 22 0:30 / /mnt/cache rw - tmpfs tmpfs rw,size=1024k\n';

const cases = [
  {
    desc: 'a mounted point is remounted with its options (salt/states/mount.py mod_watch: "remounted")',
    name: '/mnt/cache',
    run: 'mount -o remount,size=1m /mnt/cache',
    comment: '/mnt/cache remounted',
    changes: {},
  },
  {
    desc: 'a point not mounted is mounted as the state would (mount.remount mounts what is not mounted)',
    name: '/mnt/other',
    run: 'mount -t tmpfs -o size=1m tmpfs /mnt/other',
    comment: 'Target was successfully mounted',
    changes: { mount: true },
  },
];

for (const c of cases) {
  t.test(c.desc, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'halite-mount-'));
    t.teardown(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'proc/self'), { recursive: true });
    mkdirSync(join(root, c.name), { recursive: true });
    writeFileSync(join(root, 'proc/self/mountinfo'), MOUNTINFO);
    const rec = new Recorded([{ run: c.run }]);
    const ctx = makeContext({ root, run: rec.run, log: silentLogger });
    const args = { name: c.name, device: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', persist: false };
    const plan = await mounted.modWatch!(args, ctx);
    t.equal(plan.status, 'pending');
    const out = await mounted.apply(plan, ctx);
    t.equal(out.result ?? true, true, out.comment);
    t.equal(out.comment, c.comment);
    t.same(out.changes, c.changes);
    t.same(rec.commands(), [c.run]);
    t.same(rec.unexpected, []);
  });
}

t.test("a failing remount fails the watch reaction with mount's error", async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'halite-mount-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'proc/self'), { recursive: true });
  writeFileSync(join(root, 'proc/self/mountinfo'), MOUNTINFO);
  const rec = new Recorded([
    { run: 'mount -o remount /mnt/cache', code: 32, stderr: 'mount: /mnt/cache: permission denied.' },
  ]);
  const ctx = makeContext({ root, run: rec.run, log: silentLogger });
  const plan = await mounted.modWatch!({ name: '/mnt/cache', device: 'tmpfs', fstype: 'tmpfs' }, ctx);
  const out = await mounted.apply(plan, ctx);
  t.equal(out.result, false);
  t.equal(out.comment, '/mnt/cache failed to remount: mount: /mnt/cache: permission denied.');
});
