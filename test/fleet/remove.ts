// Removing a directory tree the fleet made, without ever descending into something mounted
// inside it (an interrupted debootstrap can leave /proc, /sys or /dev mounted in its target).
import { readFileSync, rmSync } from 'node:fs';
import { run } from './run.ts';

/** Mount points at or below `dir` in this process's mount namespace, deepest first. */
export function mountPointsUnder(dir: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const unescape = (p: string) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(unescape)
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Unmounts whatever is mounted below `dir`, then deletes it. Refuses if a mount stays. */
export async function removeTree(dir: string, step: string): Promise<void> {
  for (const m of mountPointsUnder(dir)) await run(['umount', '--lazy', m], { step, reject: false });
  const left = mountPointsUnder(dir);
  if (left.length) throw new Error(`not removing ${dir}: still mounted: ${left.join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
}
