// Shared pieces of the file states: paths under the root, ownership and mode checks,
// parent directories, backups and fact invalidation.
import { promises as fsp } from 'node:fs';
import { join, posix } from 'node:path';
import type { Changes, StateContext } from '../types.ts';
import { statFact, type FileStat } from '../../facts/stat.ts';
import { contentFact, type FileContent } from '../../facts/content.ts';
import { lookupAccount } from '../../facts/users.ts';
import { backupFile } from '../../backup.ts';
import { contentDiff } from '../../diff.ts';
import { normalizeMode, optString } from '../args.ts';

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

/** Follows symlinks at `path` (absolute targets are taken under the root). */
export async function realPath(ctx: StateContext, path: string): Promise<string> {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    const st = await statOf(ctx, p);
    if (!st || st.type !== 'symlink' || st.target === undefined) return p;
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
export async function resolveOwner(ctx: StateContext, userArg: unknown, groupArg: unknown): Promise<{ owner: Owner; error?: string }> {
  const owner: Owner = {};
  let error = '';
  const user = optString(userArg);
  const group = optString(groupArg);
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

/** Applies ownership and mode to an existing path (never following a final symlink for owner). */
export async function setMeta(ctx: StateContext, path: string, owner: Owner, mode: string | undefined): Promise<void> {
  const abs = hostPath(ctx, path);
  if (owner.uid !== undefined || owner.gid !== undefined) await fsp.lchown(abs, owner.uid ?? -1, owner.gid ?? -1);
  if (mode !== undefined) await fsp.chmod(abs, parseInt(mode, 8));
  ctx.facts.invalidatePath(path);
}

/** Salt's default for directories made for a file: the file mode with x added to each non-zero digit. */
export function dirModeFor(fileMode: string | undefined): string | undefined {
  if (fileMode === undefined) return undefined;
  const digits = fileMode.slice(-3).split('').map((d) => (d === '0' ? d : String(Number(d) | 1)));
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
export async function makeDirs(ctx: StateContext, dirs: string[], owner: Owner, mode: string | undefined): Promise<void> {
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

/** changes.diff between two contents, with secrets masked. */
export function diffOf(ctx: StateContext, oldData: Buffer | string, newData: Buffer | string, showChanges = true): string {
  return ctx.redact(contentDiff(oldData, newData, showChanges));
}

/** The owner and mode of the file being replaced, so an edit keeps them. */
export function keepMeta(st: FileStat | null): { mode?: number; uid?: number; gid?: number } {
  return st ? { mode: parseInt(st.mode, 8), uid: st.uid, gid: st.gid } : {};
}
