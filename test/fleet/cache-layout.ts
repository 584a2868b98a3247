// Where the fleet keeps what it builds once and reuses: the base root filesystem, the package
// repository, apt's download state, and each fleet's overlay directories.
import { createHash } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_CACHE_DIR = '/var/cache/halite-fleet';

export function cacheRoot(explicit?: string): string {
  return explicit ?? process.env.HALITE_FLEET_CACHE ?? DEFAULT_CACHE_DIR;
}

export interface CacheLayout {
  root: string;
  base(key: string): string;
  repo(key: string): string;
  /** apt's private configuration, lists and state for downloads. */
  apt: string;
  /** debootstrap's download cache. */
  debootstrap: string;
  overlays(fleet: string): string;
  lock: string;
}

export function cacheLayout(root: string): CacheLayout {
  return {
    root,
    base: (key) => join(root, `base-${key}`),
    repo: (key) => join(root, `repo-${key}`),
    apt: join(root, 'apt'),
    debootstrap: join(root, 'debootstrap'),
    overlays: (fleet) => join(root, 'overlays', fleet),
    lock: join(root, '.build-lock'),
  };
}

/** A short, stable key for a JSON-able description of what a cache entry is built from. */
export function cacheKey(what: unknown): string {
  return createHash('sha256').update(JSON.stringify(what)).digest('hex').slice(0, 16);
}

/** Moves a finished build into place; if another process finished the same build first, keeps theirs. */
export function publish(tmp: string, final: string): void {
  try {
    renameSync(tmp, final);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    rmSync(tmp, { recursive: true, force: true });
  }
}
