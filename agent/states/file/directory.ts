// file.directory: a directory with its owner and mode, optionally enforced recursively
// (recurse: [user, group, mode, ignore_files, ignore_dirs, silent]) and cleaned.
import { promises as fsp } from 'node:fs';
import { posix } from 'node:path';
import type { Changes, Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { defineState } from '../define.ts';
import { walkFact } from '../../facts/walk.ts';
import { includeExclude } from './patterns.ts';
import {
  backup,
  cleanPath,
  hostPath,
  makeDirs,
  metaChanges,
  missingParents,
  notAbsolute,
  realPath,
  resolveOwner,
  setMeta,
  statOf,
  type Owner,
} from './common.ts';
import { fileArgs } from './args.ts';

const RECURSE_TYPES = ['user', 'group', 'mode', 'ignore_files', 'ignore_dirs', 'silent'];

interface MetaOp {
  path: string;
  owner: Owner;
  mode?: string;
}

export interface DirectoryOps {
  name: string;
  /** Thing in the way to remove first (force), or rename (backupname). */
  remove?: string;
  renameTo?: string;
  create: boolean;
  parents: string[];
  owner: Owner;
  mode?: string;
  meta: MetaOp[];
  clean: string[];
  silent: boolean;
  forced?: string;
}

const DIRECTORY_NAMES = [
  'user',
  'group',
  'recurse',
  'max_depth',
  'dir_mode',
  'file_mode',
  'mode',
  'makedirs',
  'clean',
  'exclude_pat',
  'follow_symlinks',
  'force',
  'backupname',
  'allow_symlink',
  'children_only',
  'win_owner',
  'win_perms',
  'win_deny_perms',
  'win_inheritance',
  'win_perms_reset',
] as const;

export const DIRECTORY_ARGS = fileArgs(DIRECTORY_NAMES);
export type DirectoryArgs = ArgsOf<typeof DIRECTORY_ARGS>;

export function recurseSet(recurse: unknown): { set: Set<string>; error?: string } {
  if (recurse === undefined || recurse === null || recurse === false || (Array.isArray(recurse) && !recurse.length))
    return { set: new Set() };
  if (!Array.isArray(recurse)) return { set: new Set(), error: '"recurse" must be formed as a list of strings' };
  const set = new Set(recurse.map(String));
  if (![...set].every((r) => RECURSE_TYPES.includes(r))) {
    return { set, error: `Types for "recurse" limited to ${RECURSE_TYPES.map((t) => `"${t}"`).join(', ')}.` };
  }
  if (set.has('ignore_files') && set.has('ignore_dirs')) {
    return { set, error: 'Must not specify "recurse" options "ignore_files" and "ignore_dirs" at the same time.' };
  }
  return { set };
}

/** Paths `clean` must keep: the names of the file states this one requires, their parents and contents. */
function keepList(ctx: StateContext): string[] {
  const tags = ctx.chunk?.requisites.require ?? [];
  return (ctx.chunks ?? []).filter((c) => c.state === 'file' && tags.includes(c.tag)).map((c) => cleanPath(c.name));
}

export function isKept(path: string, keep: string[]): boolean {
  return keep.some((k) => k === path || k.startsWith(`${path}/`) || path.startsWith(`${k}/`));
}

function describe(changes: Changes): string {
  const lines = ['The following files will be changed:\n'];
  for (const [path, c] of Object.entries(changes)) {
    if (c && typeof c === 'object')
      for (const [k, v] of Object.entries(c)) lines.push(`${path}: ${k} - ${String(v)}\n`);
  }
  return lines.join('');
}

export async function checkDirectory(args: DirectoryArgs, ctx: StateContext): Promise<Plan<DirectoryOps>> {
  const name = cleanPath(args.name);
  const bad = notAbsolute(name);
  if (bad) return failed(bad);
  const clean = args.clean;
  const maxDepth = args.max_depth;
  if (maxDepth !== undefined && clean) return failed('Cannot specify both max_depth and clean');
  const dirMode = args.dir_mode ?? args.mode;
  const fileMode = args.file_mode ?? dirMode;
  for (const m of [dirMode, fileMode]) if (m === 'keep') return failed(`Invalid mode: ${m}`);
  const { owner, error } = await resolveOwner(ctx, args.user, args.group);
  if (error) return failed(error);
  const rec = recurseSet(args.recurse);
  if (rec.error) return failed(rec.error);

  const ops: DirectoryOps = {
    name,
    create: false,
    parents: [],
    owner,
    mode: dirMode,
    meta: [],
    clean: [],
    silent: rec.set.has('silent'),
  };
  const changes: Changes = {};
  const force = args.force;
  let st = await statOf(ctx, name);
  const inTheWay = st && (st.type === 'file' || (st.type === 'symlink' && (!args.allow_symlink || force)));
  if (st && inTheWay) {
    const backupname = args.backupname;
    const kind = st.type === 'file' ? 'File' : 'Symlink';
    if (backupname) {
      if (await statOf(ctx, backupname)) {
        if (!force) return failed(`File exists where the backup target ${backupname} should go`);
        changes.forced = `Existing file at backup path ${backupname} would be removed`;
      }
      ops.renameTo = backupname;
      changes.backup = `${name} would be renamed to ${backupname}`;
    } else if (force) {
      ops.remove = name;
      changes.forced = `${kind} would be forcibly replaced`;
      ops.forced = `${kind} was forcibly replaced`;
    } else {
      return failed(`Specified location ${name} exists and is a ${kind.toLowerCase()}`);
    }
    st = null;
  }
  const dir = st?.type === 'symlink' ? await realPath(ctx, name) : name;
  const dst = dir === name ? st : await statOf(ctx, dir);

  if (!dst) {
    ops.create = true;
    ops.parents = await missingParents(ctx, name);
    if (ops.parents.length && !args.makedirs && !ctx.test) return failed(`No directory to create ${name} in`);
    changes[name] = { directory: 'new' };
  } else {
    const recOwner: Owner = {
      ...(rec.set.has('user') ? { user: owner.user, uid: owner.uid } : {}),
      ...(rec.set.has('group') ? { group: owner.group, gid: owner.gid } : {}),
    };
    const recDirMode = rec.set.has('mode') ? dirMode : undefined;
    const recFileMode = rec.set.has('mode') ? fileMode : undefined;
    if (rec.set.size) {
      const entries = (await ctx.facts.get(walkFact, dir)) ?? [];
      for (const e of entries) {
        if (maxDepth !== undefined && e.depth > maxDepth) continue;
        const isDirEntry = e.type === 'directory';
        if (isDirEntry ? rec.set.has('ignore_dirs') : rec.set.has('ignore_files')) continue;
        const est = await statOf(ctx, e.path);
        if (!est) continue;
        const m = isDirEntry ? recDirMode : recFileMode;
        const c = metaChanges(est, recOwner, m);
        if (Object.keys(c).length) {
          changes[e.path] = c;
          ops.meta.push({ path: e.path, owner: recOwner, mode: c.mode ? m : undefined });
        }
      }
    }
    if (!args.children_only) {
      const c = metaChanges(dst, owner, dirMode);
      if (Object.keys(c).length) {
        changes[name] = c;
        ops.meta.unshift({ path: dir, owner, mode: c.mode ? dirMode : undefined });
      }
    }
    if (clean) {
      const keep = keepList(ctx);
      for (const e of (await ctx.facts.get(walkFact, dir)) ?? []) {
        if (isKept(e.path, keep) || ops.clean.some((c) => e.path.startsWith(`${c}/`))) continue;
        if (!includeExclude(posix.relative(dir, e.path), undefined, args.exclude_pat)) continue;
        changes[e.path] = { removed: 'Removed due to clean' };
        ops.clean.push(e.path);
      }
    }
  }
  if (!Object.keys(changes).length) {
    return converged(
      ctx.test ? `The directory ${name} is in the correct state` : `Directory ${name} is in the correct state`,
    );
  }
  return pending(changes, describe(changes), ops);
}

export async function applyDirectory(plan: Plan<DirectoryOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const changes: Changes = {};
  if (ops.renameTo) {
    await fsp.rm(hostPath(ctx, ops.renameTo), { recursive: true, force: true });
    await fsp.rename(hostPath(ctx, ops.name), hostPath(ctx, ops.renameTo));
    changes.backup = `${ops.name} was renamed to ${ops.renameTo}`;
    ctx.facts.invalidatePath(ops.renameTo);
  } else if (ops.remove) {
    await backup(ctx, ops.remove);
    await fsp.rm(hostPath(ctx, ops.remove), { recursive: true, force: true });
    changes.forced = ops.forced;
  }
  ctx.facts.invalidatePath(ops.name);
  if (ops.create) {
    await makeDirs(ctx, ops.parents, ops.owner, ops.mode);
    await makeDirs(ctx, [ops.name], ops.owner, ops.mode);
    changes[ops.name] = { directory: 'new' };
    return { changes, comment: `Directory ${ops.name} updated` };
  }
  for (const m of ops.meta) await setMeta(ctx, m.path, m.owner, m.mode);
  Object.assign(
    changes,
    Object.fromEntries(Object.entries(plan.changes).filter(([k, v]) => k.startsWith('/') && !(v as Changes).removed)),
  );
  const removed: string[] = [];
  for (const p of ops.clean) {
    await backup(ctx, p);
    await fsp.rm(hostPath(ctx, p), { recursive: true, force: true });
    ctx.facts.invalidatePath(p);
    removed.push(p);
  }
  const out: Changes = ops.silent ? { recursion: 'Changes silenced' } : changes;
  if (removed.length) out.removed = removed;
  return {
    changes: out,
    comment: removed.length ? `Files cleaned from directory ${ops.name}` : `Directory ${ops.name} updated`,
  };
}

export const directory = defineState({
  doc: 'The directory exists with this owner and mode (and, with recurse, everything below)',
  args: DIRECTORY_ARGS,
  check: checkDirectory,
  apply: applyDirectory,
});
