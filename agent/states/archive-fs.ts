// Filesystem work of archive.extracted: the archive as a file the tools can read, the target's
// paths compared with the archive's listing, ownership set recursively, and the record of the
// source hash last extracted (source_hash_update).
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sha256 } from '../store/cas.ts';
import { writeFileAtomic } from '../store/fs-atomic.ts';
import { readText } from '../store/read-text.ts';
import type { ArchiveContents } from '../facts/archive-list.ts';

export const HASH_RECORDS = '/var/lib/halite/archive-hash';
const SOURCE_CACHE = '/var/cache/halite/archives';

/** Runs `fn` with the bytes in a private temporary file, removed afterwards. */
export async function withArchiveFile<T>(bytes: Buffer, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await fsp.mkdtemp(join(tmpdir(), 'halite-archive-'));
  try {
    const path = join(dir, 'archive');
    await fsp.writeFile(path, bytes, { mode: 0o600 });
    return await fn(path);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

async function lstatOrCode(path: string): Promise<import('node:fs').Stats | string> {
  try {
    return await fsp.lstat(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

export interface TargetState {
  missing: boolean;
  /** Paths (relative to the target) of another type than in the archive. */
  incorrect: string[];
}

/** Compares the target directory `dest` (a host path) with the archive's contents. */
export async function compareTarget(dest: string, contents: ArchiveContents): Promise<TargetState> {
  const out: TargetState = { missing: false, incorrect: [] };
  const kinds: Array<[string[], (s: import('node:fs').Stats) => boolean]> = [
    [contents.dirs, (s) => s.isDirectory()],
    [contents.files, (s) => !s.isDirectory() && !s.isSymbolicLink()],
    [contents.links, (s) => s.isSymbolicLink()],
  ];
  for (const [paths, ok] of kinds) {
    for (const p of paths) {
      const st = await lstatOrCode(join(dest, p));
      if (st === 'ENOENT') out.missing = true;
      else if (typeof st === 'string') {
        if (st !== 'ENOTDIR') throw new Error(`cannot examine ${join(dest, p)}: ${st}`);
      } else if (!ok(st)) out.incorrect.push(p);
    }
  }
  return out;
}

export async function exists(path: string): Promise<boolean> {
  return typeof (await lstatOrCode(path)) !== 'string';
}

/** Every path at and below `path` (not following links), depth first. */
async function* tree(path: string): AsyncGenerator<[string, import('node:fs').Stats]> {
  const st = await lstatOrCode(path);
  if (typeof st === 'string') return;
  yield [path, st];
  if (!st.isDirectory()) return;
  for (const name of await fsp.readdir(path)) yield* tree(join(path, name));
}

/** Whether any path under `paths` has another owner than uid/gid (undefined: not enforced). */
export async function ownershipDiffers(paths: readonly string[], uid?: number, gid?: number): Promise<boolean> {
  for (const p of paths)
    for await (const [, st] of tree(p))
      if ((uid !== undefined && st.uid !== uid) || (gid !== undefined && st.gid !== gid)) return true;
  return false;
}

/** Sets the owner of every path under `paths`; returns whether any changed. */
export async function chownTrees(paths: readonly string[], uid?: number, gid?: number): Promise<boolean> {
  let changed = false;
  for (const p of paths)
    for await (const [path, st] of tree(p)) {
      if ((uid === undefined || st.uid === uid) && (gid === undefined || st.gid === gid)) continue;
      await fsp.lchown(path, uid ?? -1, gid ?? -1);
      changed = true;
    }
  return changed;
}

/** Where the hash of the last extraction of `source` into `name` is kept (under `root`). */
export function hashRecordPath(root: string, name: string, source: string): string {
  return join(root, HASH_RECORDS, sha256(`${name}\0${source}`));
}

export async function readHashRecord(path: string): Promise<string | undefined> {
  return (await readText(path))?.trim() || undefined;
}

export async function writeHashRecord(path: string, value: string): Promise<void> {
  await fsp.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${value}\n`, { mode: 0o600 });
}

/** The kept copy of a salt:// archive: SOURCE_CACHE/<saltenv>/<path with '/' as '_'>. */
export function cachedSourcePath(root: string, saltenv: string, treePath: string): string {
  return join(root, SOURCE_CACHE, saltenv.replace(/[/\\]/g, '_'), treePath.replace(/[:/\\]/g, '_'));
}
