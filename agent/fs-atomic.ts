// Atomic file replacement: a temp file in the same directory, created with the final mode
// and owner, written and fsynced, renamed over the target, then the directory fsynced.
// Readers see either the old file or the new one, never a partial write.
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
  return join(dirname(path), `.${basename(path)}.halite-${randomBytes(6).toString('hex')}`);
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
  const mode = opts.mode ?? prev?.mode ?? (0o666 & ~process.umask());
  const uid = opts.uid ?? prev?.uid;
  const gid = opts.gid ?? prev?.gid;
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
