// file.symlink: a symbolic link to `target` (replaced atomically when it points elsewhere).
import { promises as fsp } from 'node:fs';
import { posix } from 'node:path';
import type { Changes, Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { defineState } from '../define.ts';
import { symlinkAtomic } from '../../store/fs-atomic.ts';
import { accountName, lookupAccount } from '../../facts/users.ts';
import { backup, hostPath, makeDirs, missingParents, notAbsolute, statOf, type Owner } from './common.ts';
import { fileArgs } from './args.ts';

export interface SymlinkOps {
  name: string;
  target: string;
  parents: string[];
  dirMode?: string;
  owner: Owner;
  /** Remove what is in the way (force) or move it aside (backupname). */
  remove?: 'file' | 'directory';
  renameTo?: string;
  /** disallow_copy_and_unlink: a backupname on another file system fails instead of being copied. */
  renameOnly?: boolean;
  /** Only the ownership of an existing, correct link changes. */
  chownOnly: boolean;
}

async function ownerOf(ctx: StateContext, uid: number, gid: number): Promise<string> {
  return `${await accountName(ctx.facts, 'passwd', uid)}:${await accountName(ctx.facts, 'group', gid)}`;
}

const SYMLINK_ARGS = fileArgs(
  [
    'target',
    'force',
    'backupname',
    'makedirs',
    'user',
    'group',
    'mode',
    'win_owner',
    'win_perms',
    'win_deny_perms',
    'win_inheritance',
    'atomic',
    'disallow_copy_and_unlink',
    'inherit_user_and_group',
  ],
  { target: { required: true } },
);

export async function checkSymlink(args: ArgsOf<typeof SYMLINK_ARGS>, ctx: StateContext): Promise<Plan<SymlinkOps>> {
  const name = args.name.length > 1 ? args.name.replace(/\/+$/, '') : args.name;
  const target = args.target;
  const errors: string[] = [];
  const owner: Owner = {};
  const { user, group } = args;
  if (user) {
    const u = await lookupAccount(ctx.facts, 'passwd', user);
    if (u) Object.assign(owner, { user, uid: u.id });
    else errors.push(`User ${user} does not exist`);
  }
  if (group) {
    const g = await lookupAccount(ctx.facts, 'group', group);
    if (g) Object.assign(owner, { group, gid: g.id });
    else errors.push(`Group ${group} does not exist`);
  }
  const bad = notAbsolute(name);
  if (bad) errors.push(bad);
  if (errors.length) return failed(errors.join('. ') + (errors.length > 1 ? '.' : ''));
  if (!target) return failed('Must provide target to file.symlink');

  const force = args.force;
  const backupname = args.backupname;
  const dirMode = args.mode === 'keep' ? undefined : args.mode;
  const ops: SymlinkOps = { name, target, parents: [], dirMode, owner, chownOnly: false };
  const st = await statOf(ctx, name);
  let changes: Changes = {};
  let comment: string;
  if (!st) {
    changes = { new: name };
    comment = `Symlink ${name} to ${target} is set for creation`;
  } else if (st.type === 'symlink') {
    if (posix.normalize(st.target ?? '') !== posix.normalize(target)) {
      changes = { change: name };
      comment = `Link ${name} target is set to be changed to ${target}`;
    } else {
      const wrongOwner =
        (owner.uid !== undefined && owner.uid !== st.uid) || (owner.gid !== undefined && owner.gid !== st.gid);
      const current = await ownerOf(ctx, st.uid, st.gid);
      if (!wrongOwner)
        return converged(
          ctx.test ? `The symlink ${name} is present` : `Symlink ${name} is present and owned by ${current}`,
        );
      const want = `${user ?? current.split(':')[0]}:${group ?? current.split(':')[1]}`;
      return pending(
        { ownership: current },
        `The symlink ${name} is present, but the ownership of the symlink would be changed from ${current} to ${want}`,
        { ...ops, chownOnly: true },
      );
    }
  } else {
    const kind = st.type === 'directory' ? 'directory' : 'file';
    if (backupname) {
      const dest = backupname.startsWith('/') ? backupname : posix.join(posix.dirname(name), backupname);
      if (!backupname.startsWith('/') && backupname !== posix.basename(backupname)) {
        return failed(`Backupname must be an absolute path or a file name: ${backupname}`);
      }
      if ((await statOf(ctx, dest)) && !force) {
        return failed(`Symlink & backup dest exists and Force not set. ${name} -> ${target} - backup: ${dest}`);
      }
      ops.renameTo = dest;
      if (args.disallow_copy_and_unlink) ops.renameOnly = true;
    } else if (force) {
      ops.remove = kind;
    } else {
      return failed(
        ctx.test
          ? `File or directory exists where the symlink ${name} should be. Did you mean to use force?`
          : `${kind === 'directory' ? 'Directory' : 'File'} exists where the symlink ${name} should be`,
      );
    }
    comment = `The file or directory ${name} is set for removal to make way for a new symlink targeting ${target}`;
  }
  ops.parents = await missingParents(ctx, name);
  if (ops.parents.length) {
    const dir = posix.dirname(name);
    if (args.makedirs) comment += `\n${dir} will be created`;
    else if (ctx.test) comment += `\nDirectory ${dir} for symlink is not present`;
    else return failed(`Directory ${dir} for symlink is not present`);
  }
  return pending(changes, comment, ops);
}

export async function applySymlink(plan: Plan<SymlinkOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const abs = hostPath(ctx, ops.name);
  const chown = async (): Promise<void> => {
    if (ops.owner.uid !== undefined || ops.owner.gid !== undefined)
      await fsp.lchown(abs, ops.owner.uid ?? -1, ops.owner.gid ?? -1);
    ctx.facts.invalidatePath(ops.name);
  };
  if (ops.chownOnly) {
    await chown();
    const st = await statOf(ctx, ops.name);
    const now = st ? await ownerOf(ctx, st.uid, st.gid) : '';
    return { changes: { ownership: now }, comment: `Set ownership of symlink ${ops.name} to ${now}` };
  }
  await makeDirs(ctx, ops.parents, ops.owner, ops.dirMode);
  if (ops.renameTo) {
    await fsp.rm(hostPath(ctx, ops.renameTo), { recursive: true, force: true });
    const moved = await moveAside(abs, hostPath(ctx, ops.renameTo), ops.renameOnly ?? false);
    ctx.facts.invalidatePath(ops.renameTo);
    if (moved)
      return {
        result: false,
        changes: {},
        comment: `Unable to rename ${ops.name} to backup ${ops.renameTo} -> ${moved}`,
      };
  } else if (ops.remove === 'directory') {
    await fsp.rm(abs, { recursive: true, force: true });
  } else {
    // the file, or the link pointing elsewhere, that the new link replaces
    await backup(ctx, ops.name);
  }
  await symlinkAtomic(ops.target, abs);
  await chown();
  return { changes: { new: ops.name }, comment: `Created new symlink ${ops.name} -> ${ops.target}` };
}

/**
 * Moves what is in the way to its backup name: a rename, or (Salt's shutil.move) a copy and
 * unlink when the backup is on another file system, unless renameOnly. Returns an error text.
 */
async function moveAside(from: string, to: string, renameOnly: boolean): Promise<string | undefined> {
  try {
    await fsp.rename(from, to);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code !== 'EXDEV' || renameOnly) return e.message;
  }
  await fsp.cp(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  await fsp.rm(from, { recursive: true, force: true });
  return undefined;
}

export const symlink = defineState({
  doc: 'The path is a symlink to target',
  args: SYMLINK_ARGS,
  check: checkSymlink,
  apply: applySymlink,
});
