// The hosts' own disk: every host's overlay upper and work directories live on one tmpfs per
// fleet. Files the hosts write (package installs, logs) never touch the machine's filesystem, so
// the fleets that come and go leave no freed inodes behind for the next one's allocations to skip
// over, and taking a fleet down is one unmount.
import { mkdirSync } from 'node:fs';
import { mountPointsUnder } from './remove.ts';
import { run } from './run.ts';

/** Mounts a fresh tmpfs on `dir` (created if missing); `dir` must not be mounted already. */
export async function mountHostDisk(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (mountPointsUnder(dir).includes(dir)) throw new Error(`${dir} is mounted already`);
  await run(['mount', '-t', 'tmpfs', '-o', 'mode=0755,size=50%,nr_inodes=0', 'halite-fleet-disk', dir], {
    step: 'host disk',
  });
}

/** Unmounts the tmpfs on `dir` when this mount namespace has one there; true if it did. */
export async function unmountHostDisk(dir: string): Promise<boolean> {
  if (!mountPointsUnder(dir).includes(dir)) return false;
  const res = await run(['umount', dir], { step: 'down', reject: false });
  return res.exitCode === 0;
}
