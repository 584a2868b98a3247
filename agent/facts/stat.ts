// File metadata (lstat: a symlink is reported as itself, with its target).
import { promises as fsp, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Fact } from './cache.ts';

export type FileType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileStat {
  type: FileType;
  /** Permission bits as Salt prints them: four octal digits ('0644'). */
  mode: string;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  atimeMs: number;
  ino: number;
  nlink: number;
  /** Symlink target as stored in the link. */
  target?: string;
}

export interface RawStat {
  stats: Pick<Stats, 'mode' | 'uid' | 'gid' | 'size' | 'mtimeMs' | 'atimeMs' | 'ino' | 'nlink'> & {
    isFile(): boolean;
    isDirectory(): boolean;
    isSymbolicLink(): boolean;
  };
  target?: string;
}

export function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

export function parseStat(raw: RawStat | null): FileStat | null {
  if (!raw) return null;
  const s = raw.stats;
  const type: FileType = s.isSymbolicLink() ? 'symlink' : s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other';
  const out: FileStat = {
    type,
    mode: octalMode(s.mode),
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    mtimeMs: s.mtimeMs,
    atimeMs: s.atimeMs,
    ino: s.ino,
    nlink: s.nlink,
  };
  if (raw.target !== undefined) out.target = raw.target;
  return out;
}

function missing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** stat: key = absolute path; null when nothing is there. */
export const statFact: Fact<RawStat | null, FileStat | null> = {
  name: 'stat',
  async gather(path, env) {
    const abs = join(env.root, path);
    try {
      const stats = await fsp.lstat(abs);
      return { stats, target: stats.isSymbolicLink() ? await fsp.readlink(abs) : undefined };
    } catch (err) {
      if (missing(err)) return null;
      throw err;
    }
  },
  parse: parseStat,
};
