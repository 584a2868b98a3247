// A host's overlay directories: `upper` (the host's own changes over the shared base), `work`
// (overlayfs's scratch space) and `root` (the mount point, mounted only inside the host's own
// mount namespace). Files the fleet gives a host are written into `upper` before it boots.
import { chmodSync, chownSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GuestFile } from './guest-files.ts';

export interface OverlayDirs {
  lower: string;
  upper: string;
  work: string;
  root: string;
}

export function overlayDirs(hostDir: string, lower: string): OverlayDirs {
  return { lower, upper: join(hostDir, 'upper'), work: join(hostDir, 'work'), root: join(hostDir, 'root') };
}

export function createOverlayDirs(o: OverlayDirs): void {
  for (const d of [o.upper, o.work, o.root]) mkdirSync(d, { recursive: true, mode: 0o755 });
  chmodSync(o.upper, 0o755);
}

/**
 * Creates the directories leading to `path` (absolute, inside the host) in the upper layer with
 * the base's ownership and modes, so the merged view keeps them. A path through a symlink of the
 * base (/sbin → usr/sbin) is refused: a real directory in `upper` would hide the link.
 */
export function ensureUpperDir(o: OverlayDirs, path: string, newMode = 0o700): string {
  const parts = path.split('/').filter(Boolean);
  let rel = '';
  for (const part of parts) {
    rel = join(rel, part);
    const target = join(o.upper, rel);
    const below = lstatOrUndefined(join(o.lower, rel));
    if (below?.isSymbolicLink())
      throw new Error(`${path} passes through /${rel}, a symlink in the base; use the real path`);
    if (lstatOrUndefined(target)) continue;
    mkdirSync(target, { mode: below?.mode ?? newMode });
    chmodSync(target, (below?.mode ?? newMode) & 0o7777);
    if (below) chownSync(target, below.uid, below.gid);
  }
  return join(o.upper, rel);
}

export function writeGuestFile(o: OverlayDirs, file: GuestFile): void {
  if (!file.path.startsWith('/')) throw new Error(`guest path must be absolute: ${file.path}`);
  const dir = ensureUpperDir(o, dirname(file.path));
  const target = join(dir, file.path.slice(file.path.lastIndexOf('/') + 1));
  writeFileSync(target, file.content, { mode: file.mode });
  chmodSync(target, file.mode);
  chownSync(target, 0, 0);
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
