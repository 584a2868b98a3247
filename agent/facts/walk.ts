// Everything under a directory (no symlinks followed), depth first, sorted by path.
import { promises as fsp, type Dirent } from 'node:fs';
import { join, posix } from 'node:path';
import type { Fact } from './cache.ts';
import type { FileType } from './stat.ts';

export interface WalkEntry {
  /** Absolute path, as states name it. */
  path: string;
  type: FileType;
  /** 1 for the directory's own children. */
  depth: number;
}

export interface RawWalkEntry {
  rel: string;
  dirent: Pick<Dirent, 'isFile' | 'isDirectory' | 'isSymbolicLink'>;
}

export function parseWalk(raw: RawWalkEntry[] | null, dir: string): WalkEntry[] | null {
  if (!raw) return null;
  const out = raw.map(({ rel, dirent: d }): WalkEntry => ({
    path: posix.join(dir, rel),
    type: d.isSymbolicLink() ? 'symlink' : d.isDirectory() ? 'directory' : d.isFile() ? 'file' : 'other',
    depth: rel.split('/').length,
  }));
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** walk: key = absolute path of a directory; null when it is not a directory. */
export const walkFact: Fact<RawWalkEntry[] | null, WalkEntry[] | null> = {
  name: 'walk',
  async gather(dir, env) {
    const out: RawWalkEntry[] = [];
    const visit = async (rel: string): Promise<boolean> => {
      let entries: Dirent[];
      try {
        entries = await fsp.readdir(join(env.root, dir, rel), { withFileTypes: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return false;
        throw err;
      }
      for (const e of entries) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        out.push({ rel: r, dirent: e });
        if (e.isDirectory()) await visit(r);
      }
      return true;
    };
    return (await visit('')) ? out : null;
  },
  parse: parseWalk,
};
