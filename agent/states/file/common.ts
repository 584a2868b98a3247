// Shared pieces of the file states: paths under the root, ownership and mode checks,
// parent directories, backups and fact invalidation.
import { constants as fsConstants, promises as fsp } from 'node:fs';
import { join, posix } from 'node:path';
import type { Changes, StateContext } from '../types.ts';
import { octalMode, statFact, type FileStat } from '../../facts/stat.ts';
import { contentFact, type FileContent } from '../../facts/content.ts';
import { lookupAccount } from '../../facts/users.ts';
import { backupFile } from '../../store/backup.ts';
import { contentDiff } from '../../util/diff.ts';
import { SECRET_DIFF } from '../../pillar/redact.ts';
import { normalizeMode } from '../args.ts';
import { StateRefusal } from '../plan.ts';

/** Where a state path ('/etc/x') is on this host. */
export function hostPath(ctx: StateContext, path: string): string {
  return join(ctx.root, path);
}

export function notAbsolute(name: string): string | undefined {
  return posix.isAbsolute(name) ? undefined : `Specified file ${name} is not an absolute path`;
}

/** Removes a trailing slash (but keeps '/'). */
export function cleanPath(name: string): string {
  return name.length > 1 ? name.replace(/\/+$/, '') : name;
}

export function statOf(ctx: StateContext, path: string): Promise<FileStat | null> {
  return ctx.facts.get(statFact, path);
}

export function contentOf(ctx: StateContext, path: string): Promise<FileContent | null> {
  return ctx.facts.get(contentFact, path);
}

/** A symlink the file states refuse to follow; its message is the state's comment. */
export class UnsafeSymlinkError extends StateRefusal {}

/** Root, or the agent's own user (a test run as non-root owns its temporary trees). */
const trustedOwner = (uid: number): boolean => uid === 0 || uid === process.getuid?.();

/**
 * Why the symlink at `link` must not be followed, or undefined: a link another user owns, or one in
 * a directory that someone else can write (sticky, group- or world-writable, or owned by another
 * user), can be swapped for a link to anything (/etc/shadow) between our look and our write.
 */
export async function unsafeLink(ctx: StateContext, link: string, st: FileStat): Promise<string | undefined> {
  if (!trustedOwner(st.uid)) return `Refusing to follow symlink ${link}: it is owned by uid ${st.uid}, not root`;
  const dir = posix.dirname(link);
  // the directory the link's entry sits in (any symlinks above it are the kernel's business)
  const d = await fsp.stat(hostPath(ctx, dir));
  const mode = d.mode & 0o7777;
  if ((mode & 0o1022) !== 0 || !trustedOwner(d.uid)) {
    const who = !trustedOwner(d.uid)
      ? `is owned by uid ${d.uid}`
      : `can be written by others (mode ${octalMode(mode)})`;
    return `Refusing to follow symlink ${link}: its directory ${dir} ${who}`;
  }
  return undefined;
}

/**
 * Follows symlinks at `path` (absolute targets are taken under the root). Throws
 * UnsafeSymlinkError for a link that must not be followed (see unsafeLink).
 */
export async function realPath(ctx: StateContext, path: string): Promise<string> {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    const st = await statOf(ctx, p);
    if (!st || st.type !== 'symlink' || st.target === undefined) return p;
    const unsafe = await unsafeLink(ctx, p, st);
    if (unsafe) throw new UnsafeSymlinkError(unsafe);
    p = posix.resolve(posix.dirname(p), st.target);
  }
  throw new Error(`Too many levels of symbolic links: ${path}`);
}

export interface Owner {
  user?: string;
  group?: string;
  uid?: number;
  gid?: number;
}

/** Resolves user/group arguments; the error wording is Salt's (_check_user). */
export async function resolveOwner(
  ctx: StateContext,
  user: string | undefined,
  group: string | undefined,
): Promise<{ owner: Owner; error?: string }> {
  const owner: Owner = {};
  let error = '';
  if (user) {
    const u = await lookupAccount(ctx.facts, 'passwd', user);
    if (u) Object.assign(owner, { user, uid: u.id });
    else error += `User ${user} is not available `;
  }
  if (group) {
    const g = await lookupAccount(ctx.facts, 'group', group);
    if (g) Object.assign(owner, { group, gid: g.id });
    else error += `Group ${group} is not available`;
  }
  // In test mode a user or group that a pending requisite would create (a package's system user,
  // a user.present) is not an error yet: the state reports what it would do, like the others.
  if (error && ctx.test && ctx.pendingRequisites?.length) return { owner };
  return error ? { owner, error } : { owner };
}

/** user/group/mode that differ from `st`, keyed and valued as Salt reports them. */
export function metaChanges(st: FileStat, owner: Owner, mode: string | undefined): Changes {
  const changes: Changes = {};
  if (owner.uid !== undefined && owner.uid !== st.uid) changes.user = owner.user;
  if (owner.gid !== undefined && owner.gid !== st.gid) changes.group = owner.group;
  if (mode !== undefined && mode !== st.mode && st.type !== 'symlink') changes.mode = mode;
  return changes;
}

/**
 * chmod of what is at `abs` itself, never of what a symlink put there in the meantime points to
 * (a symlink has no mode of its own on Linux: it is left alone).
 */
async function chmodNoFollow(abs: string, mode: number): Promise<void> {
  let fh;
  try {
    fh = await fsp.open(abs, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') return;
    throw e;
  }
  try {
    await fh.chmod(mode);
  } finally {
    await fh.close();
  }
}

/** Applies ownership and mode to an existing path (never following a final symlink for owner). */
export async function setMeta(ctx: StateContext, path: string, owner: Owner, mode: string | undefined): Promise<void> {
  const abs = hostPath(ctx, path);
  if (owner.uid !== undefined || owner.gid !== undefined) await fsp.lchown(abs, owner.uid ?? -1, owner.gid ?? -1);
  if (mode !== undefined) await chmodNoFollow(abs, parseInt(mode, 8));
  ctx.facts.invalidatePath(path);
}

/** Salt's default for directories made for a file: the file mode with x added to each non-zero digit. */
export function dirModeFor(fileMode: string | undefined): string | undefined {
  if (fileMode === undefined) return undefined;
  const digits = fileMode
    .slice(-3)
    .split('')
    .map((d) => (d === '0' ? d : String(Number(d) | 1)));
  return normalizeMode(digits.join(''));
}

/** The missing ancestors of `path`, outermost first ([] when the parent exists). */
export async function missingParents(ctx: StateContext, path: string): Promise<string[]> {
  const out: string[] = [];
  let dir = posix.dirname(path);
  while (dir !== '/' && !(await statOf(ctx, dir))) {
    out.unshift(dir);
    dir = posix.dirname(dir);
  }
  return out;
}

/** Creates directories (outermost first) with the given owner and mode; existing ones are left alone. */
export async function makeDirs(
  ctx: StateContext,
  dirs: string[],
  owner: Owner,
  mode: string | undefined,
): Promise<void> {
  for (const d of dirs) {
    const made = await fsp.mkdir(hostPath(ctx, d)).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
        return false;
      },
    );
    if (made) await setMeta(ctx, d, owner, mode);
    ctx.facts.invalidatePath(d);
  }
}

/** Backs up the file at path before it is replaced or deleted (no-op for non-files). */
export async function backup(ctx: StateContext, path: string): Promise<string | undefined> {
  return backupFile(path, { ...ctx.backup, root: ctx.root });
}

/** True when `data` holds a secret (ctx.redact would change it). */
function holdsSecret(ctx: StateContext, data: Buffer | string): boolean {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  return ctx.redact(text) !== text;
}

/**
 * changes.diff between two contents, with secrets masked; when either content holds a secret (a
 * private pillar value, or a line of one) there is no diff at all, only SECRET_DIFF.
 */
export function diffOf(
  ctx: StateContext,
  oldData: Buffer | string,
  newData: Buffer | string,
  showChanges = true,
): string {
  const diff = contentDiff(oldData, newData, showChanges);
  if (!diff || !showChanges) return diff;
  return holdsSecret(ctx, oldData) || holdsSecret(ctx, newData) ? SECRET_DIFF : ctx.redact(diff);
}

/** The owner and mode of the file being replaced, so an edit keeps them. */
export function keepMeta(st: FileStat | null): { mode?: number; uid?: number; gid?: number } {
  return st ? { mode: parseInt(st.mode, 8), uid: st.uid, gid: st.gid } : {};
}
