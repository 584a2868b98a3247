// Atomic file replacement: a temp file in the same directory, created with the final mode
// and owner, written and fsynced, renamed over the target, then the directory fsynced.
// Readers see either the old file or the new one, never a partial write. The temp file is named
// `.NAME.halite-PID-RANDOM` after its writer; one left by a writer that died mid-write (its process
// gone, the file older than this process) is removed the next time the target is written.
import { promises as fsp, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface WriteOptions {
  /** Permission bits (e.g. 0o644). Default: the current file's mode, else 0o644 masked by the umask. */
  mode?: number;
  uid?: number;
  gid?: number;
}

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.halite-${process.pid}-${randomBytes(6).toString('hex')}`);
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** False only when no process has this pid (EPERM: one exists, owned by someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** When this process started, in ms since the epoch. */
const startedAt = Date.now() - process.uptime() * 1000;

/**
 * Removes the temp files of `path` whose writer is gone: named for a pid that is not running (and
 * not this process), and older than this process, so a pid reused since cannot be mistaken for
 * the writer and a writer in another pid namespace is left alone while it may still run.
 */
export async function removeStaleTemps(path: string): Promise<string[]> {
  const dir = dirname(path);
  const pattern = new RegExp(`^\\.${escapeRe(basename(path))}\\.halite-(\\d+)-[0-9a-f]{12}$`);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1] ?? 0);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    const file = join(dir, name);
    try {
      const st = await fsp.lstat(file);
      if ((!st.isFile() && !st.isSymbolicLink()) || st.mtimeMs >= startedAt) continue;
      await fsp.unlink(file);
      removed.push(file);
    } catch {
      // gone already, or not ours to remove: the write goes on
    }
  }
  return removed;
}

/** fsync a directory so a rename inside it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function currentMeta(path: string): Promise<{ mode: number; uid: number; gid: number } | undefined> {
  try {
    // a symlink being replaced lends nothing: its target's mode and owner are not the file's
    const st = await fsp.lstat(path);
    return st.isFile() ? { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replaces (or creates) `path` with `data`. Mode and owner default to those of the file
 * being replaced, so an edit keeps them; a new file gets 0o666 & ~umask.
 */
export async function writeFileAtomic(path: string, data: string | Buffer, opts: WriteOptions = {}): Promise<void> {
  const prev = await currentMeta(path);
  const mode = opts.mode ?? prev?.mode ?? 0o666 & ~process.umask();
  const uid = opts.uid ?? prev?.uid;
  const gid = opts.gid ?? prev?.gid;
  await removeStaleTemps(path);
  const tmp = tempName(path);
  // Created owner-only, so nobody can read the content before mode and owner are final.
  const fh = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    if (uid !== undefined || gid !== undefined) await fh.chown(uid ?? -1, gid ?? -1);
    await fh.chmod(mode);
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    await fsp.rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(path));
}

/** Creates or replaces `path` with a symlink to `target` (rename over, so never missing). */
export async function symlinkAtomic(target: string, path: string): Promise<void> {
  await removeStaleTemps(path);
  const tmp = tempName(path);
  await fsp.symlink(target, tmp);
  try {
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(path));
}
