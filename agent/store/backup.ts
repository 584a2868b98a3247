// Backups of files the states replace or delete. Each version is a copy (content, mode,
// owner, mtime; a symlink is kept as a symlink) stored as <dir>/<path>@<id>; the newest `keep`
// versions per path are kept.
import { constants, promises as fsp, type Stats } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { symlinkAtomic, writeFileAtomic } from './fs-atomic.ts';

export const DEFAULT_BACKUP_DIR = '/var/lib/halite/backup';
export const DEFAULT_BACKUP_KEEP = 10;

export interface BackupOptions {
  /** Filesystem root the paths live under ('/' on a host; a temp dir in tests). */
  root?: string;
  /** Backup directory as a path under root. */
  dir?: string;
  /** Versions kept per file. */
  keep?: number;
  /** Clock, for the version ids. */
  now?: () => Date;
}

export interface BackupEntry {
  /** The backed-up file's path (absolute, as the states name it). */
  path: string;
  /** Version id: UTC time of the backup, YYYYMMDDTHHMMSSmmmZ[-n]. */
  id: string;
  time: Date;
  size: number;
  /** Where the copy is stored (under root). */
  location: string;
}

const ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z(?:-(\d+))?$/;

function settings(opts: BackupOptions): { root: string; dir: string; keep: number; now: () => Date } {
  return {
    root: opts.root ?? '/',
    dir: opts.dir ?? DEFAULT_BACKUP_DIR,
    keep: opts.keep ?? DEFAULT_BACKUP_KEEP,
    now: opts.now ?? (() => new Date()),
  };
}

function absPath(path: string): string {
  const p = posix.normalize(path);
  if (!p.startsWith('/') || p === '/') throw new Error(`not an absolute file path: ${path}`);
  return p;
}

export function formatBackupId(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '');
}

export function parseBackupId(id: string): Date | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]));
}

/** Orders ids oldest first (time, then collision counter). */
function compareIds(a: string, b: string): number {
  const [ta, na] = a.split('-');
  const [tb, nb] = b.split('-');
  return ta < tb ? -1 : ta > tb ? 1 : Number(na ?? 0) - Number(nb ?? 0);
}

async function versions(storeDir: string, base: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(storeDir);
  } catch {
    return [];
  }
  const prefix = `${base}@`;
  return names
    .filter((n) => n.startsWith(prefix) && ID.test(n.slice(prefix.length)))
    .map((n) => n.slice(prefix.length))
    .sort(compareIds);
}

/** The regular file or symlink at `source`, read without following a link; undefined for anything else. */
async function snapshot(source: string): Promise<{ st: Stats; data?: Buffer; link?: string } | undefined> {
  let st: Stats;
  try {
    st = await fsp.lstat(source);
  } catch {
    return undefined;
  }
  if (st.isSymbolicLink()) return { st, link: await fsp.readlink(source) };
  if (!st.isFile()) return undefined;
  // opened without following: a link swapped in since the lstat is not read through
  const fh = await fsp.open(source, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const now = await fh.stat();
    if (!now.isFile()) return undefined;
    return { st: now, data: await fh.readFile() };
  } finally {
    await fh.close();
  }
}

/**
 * Copies the file (or the symlink, as a symlink) at `path` into the backup store and prunes old
 * versions. Returns the new version's id, or undefined when there is nothing to back up there.
 */
export async function backupFile(path: string, opts: BackupOptions = {}): Promise<string | undefined> {
  const s = settings(opts);
  const p = absPath(path);
  const snap = await snapshot(join(s.root, p));
  if (!snap) return undefined;
  const { st } = snap;
  const storeDir = join(s.root, s.dir, posix.dirname(p));
  const base = posix.basename(p);
  await fsp.mkdir(storeDir, { recursive: true, mode: 0o700 });
  const existing = new Set(await versions(storeDir, base));
  const stamp = formatBackupId(s.now());
  let id = stamp;
  for (let n = 1; existing.has(id); n++) id = `${stamp}-${n}`;
  const dest = join(storeDir, `${base}@${id}`);
  if (snap.link !== undefined) {
    await fsp.symlink(snap.link, dest);
    await fsp.lchown(dest, st.uid, st.gid);
  } else {
    const fh = await fsp.open(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await fh.chown(st.uid, st.gid);
      await fh.chmod(st.mode & 0o7777);
      await fh.writeFile(snap.data ?? Buffer.alloc(0));
      await fh.utimes(st.atime, st.mtime);
    } finally {
      await fh.close();
    }
  }
  const all = [...existing, id].sort(compareIds);
  for (const old of all.slice(0, Math.max(0, all.length - s.keep))) {
    await fsp.unlink(join(storeDir, `${base}@${old}`)).catch(() => undefined);
  }
  return id;
}

async function walk(dir: string, rel: string, out: Array<{ rel: string; name: string }>): Promise<void> {
  let entries;
  try {
    entries = await fsp.readdir(join(dir, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.isDirectory()) await walk(dir, rel ? `${rel}/${e.name}` : e.name, out);
    else if (e.isFile() || e.isSymbolicLink()) out.push({ rel, name: e.name });
  }
}

/** Backups of one file (oldest first), or of every file when path is omitted. */
export async function listBackups(path?: string, opts: BackupOptions = {}): Promise<BackupEntry[]> {
  const s = settings(opts);
  const store = join(s.root, s.dir);
  const found: Array<{ rel: string; name: string }> = [];
  if (path !== undefined) {
    const p = absPath(path);
    const rel = posix.dirname(p).slice(1);
    for (const id of await versions(join(store, rel), posix.basename(p)))
      found.push({ rel, name: `${posix.basename(p)}@${id}` });
  } else {
    await walk(store, '', found);
  }
  const out: BackupEntry[] = [];
  for (const { rel, name } of found) {
    const at = name.lastIndexOf('@');
    const id = name.slice(at + 1);
    const time = parseBackupId(id);
    if (at <= 0 || !time) continue;
    const location = join(store, rel, name);
    const st = await fsp.lstat(location).catch(() => undefined);
    if (!st) continue;
    out.push({ path: `/${rel ? `${rel}/` : ''}${name.slice(0, at)}`, id, time, size: st.size, location });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : compareIds(a.id, b.id)));
}

/**
 * Puts version `id` of `path` back in place (atomically, with its mode and owner).
 * The file being replaced is backed up first, so a restore can itself be undone.
 */
export async function restoreBackup(path: string, id: string, opts: BackupOptions = {}): Promise<BackupEntry> {
  const entry = (await listBackups(path, opts)).find((b) => b.id === id);
  if (!entry) throw new Error(`no backup ${id} of ${path}`);
  const s = settings(opts);
  const target = join(s.root, absPath(path));
  const st = await fsp.lstat(entry.location);
  await backupFile(path, opts);
  await fsp.mkdir(dirname(target), { recursive: true });
  if (st.isSymbolicLink()) {
    await symlinkAtomic(await fsp.readlink(entry.location), target);
    await fsp.lchown(target, st.uid, st.gid);
    return entry;
  }
  const data = await fsp.readFile(entry.location);
  await writeFileAtomic(target, data, { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
  await fsp.utimes(target, st.atime, st.mtime);
  return entry;
}
