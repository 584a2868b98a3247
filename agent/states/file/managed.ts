// file.managed: a file's contents (from salt://, a template or `contents`), owner and mode.
import type { Changes, Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import { normalizeMode } from '../args.ts';
import { defineState } from '../define.ts';
import { writeFileAtomic } from '../../store/fs-atomic.ts';
import {
  backup,
  contentOf,
  diffOf,
  dirModeFor,
  keepMeta,
  hostPath,
  makeDirs,
  metaChanges,
  missingParents,
  realPath,
  resolveOwner,
  setMeta,
  statOf,
  type Owner,
} from './common.ts';
import { decodeText } from './encoding.ts';
import { contentsGiven, desiredContents, encodeContents, sourcesOf, validate } from './contents.ts';
import { MANAGED_ARGS, type ManagedArgs } from './managed-args.ts';
import { applyAttrs, attrsDiff, invalidAttrs } from './attrs.ts';
import type { FileStat } from '../../facts/stat.ts';
import { parseCheckCmd, runCheckCmd, type CheckCmd, type CheckFile } from './check-cmd.ts';

export interface ManagedOps {
  name: string;
  /** The file written: name, or the end of its symlink chain. */
  path: string;
  /** New contents; undefined keeps the contents (only owner/mode are managed). */
  data?: string | Buffer;
  /** Write `data` (or an empty file) to path. */
  write: boolean;
  /** Parent directories to create first, with their owner and mode. */
  parents: string[];
  dirMode?: string;
  owner: Owner;
  mode?: string;
  /** The attribute letters the file must have (chattr). */
  attrs?: string;
  /** The command that must accept the new file before it replaces the old one. */
  check?: CheckCmd;
  /** What apply reports (Salt's changes and comment for a real run). */
  changes: Changes;
  comment: string;
}

const TEST_NOTE = '\nNote: No changes made, actual changes may\nbe different due to other states.';

export async function checkManaged(args: ManagedArgs, ctx: StateContext): Promise<Plan<ManagedOps>> {
  const name = args.name;
  const invalid = validate(args);
  if (invalid) return failed(invalid);
  const warnings: string[] = [];
  if (args.file_mode !== undefined)
    warnings.push("The 'file_mode' argument will be ignored.  Please use 'mode' instead to set file permissions.");
  const mode = args.mode === 'keep' ? undefined : args.mode;
  const dirMode = args.dir_mode ?? dirModeFor(mode);
  const hasSource = sourcesOf(args).length > 0 || contentsGiven(args) > 0;
  const replace = hasSource && args.replace;

  const st = await statOf(ctx, name);
  const follow = args.follow_symlinks;
  const path = st?.type === 'symlink' && follow ? await realPath(ctx, name) : name;
  const target = path === name ? st : await statOf(ctx, path);
  if (!args.create && target?.type !== 'file') {
    return converged(`File ${name} is not present and is not set for creation`, warnings);
  }
  const { owner, error } = await resolveOwner(ctx, args.user, args.group);
  if (error) return failed(error);
  if (target?.type === 'directory') return failed(`Specified target ${name} is a directory`);
  const replaceLink = st?.type === 'symlink' && !follow;
  const exists = target !== null && !replaceLink;
  const checkCmd = args.check_cmd ? parseCheckCmd(args.check_cmd, args.tmp_dir, args.tmp_ext) : {};
  if (checkCmd.error) return failed(checkCmd.error);
  const check = checkCmd.check;
  const attrs = args.attrs;
  const badAttrs = attrs !== undefined ? invalidAttrs(attrs) : undefined;
  if (badAttrs) return failed(badAttrs);
  const base = {
    name,
    path,
    parents: [] as string[],
    dirMode,
    owner,
    mode,
    ...(check ? { check } : {}),
    ...(attrs !== undefined ? { attrs } : {}),
  };
  /** user/group/mode/attrs that differ from the file's. */
  const meta = async (st: FileStat): Promise<Changes | string> => {
    const changes = metaChanges(st, owner, mode);
    if (attrs === undefined) return changes;
    const diff = await attrsDiff(ctx, path, attrs);
    if (typeof diff === 'string') return diff;
    if (diff.add || diff.remove) changes.attrs = { old: diff.old, new: attrs };
    return changes;
  };

  if (!replace && exists) {
    const changes = await meta(target);
    if (typeof changes === 'string') return failed(changes);
    if (!Object.keys(changes).length) {
      return converged(
        ctx.test ? `File ${name} not updated` : `File ${name} exists with proper permissions. No changes made.`,
        warnings,
      );
    }
    const comment = changes.mode
      ? `File ${name} will be updated with permissions ${mode} from its current state of ${target.mode}`
      : `File ${name} not updated`;
    // Salt checks only the permissions here: check_cmd is not run (no contents are written)
    const { check: _unused, ...keep } = base;
    return pending(changes, comment, { ...keep, write: false, changes, comment: `File ${name} updated` }, warnings);
  }

  const wanted = desiredContents(args, ctx);
  if (wanted.error) return failed(ctx.redact(wanted.error));
  const encoded = encodeContents(args, wanted.data, warnings);
  if (encoded.error) return failed(`Unable to manage file: ${encoded.error}`);
  const data = encoded.data;

  if (!exists) {
    const parents = replaceLink ? [] : await missingParents(ctx, path);
    if (parents.length && !args.makedirs && !ctx.test) return failed('Parent directory not present');
    const changes: Changes = data !== undefined ? { diff: 'New file' } : { new: `file ${name} created` };
    if (replaceLink) changes.diff = 'Replace symbolic link with regular file';
    if (owner.uid !== undefined && owner.uid !== process.getuid?.()) changes.user = owner.user;
    if (owner.gid !== undefined && owner.gid !== process.getgid?.()) changes.group = owner.group;
    changes.mode = mode ?? normalizeMode((0o666 & ~process.umask()).toString(8));
    const comment = data !== undefined || replaceLink ? `File ${name} updated` : 'Empty file';
    const plan = pending(
      { newfile: name },
      `The file ${name} is set to be changed${TEST_NOTE}`,
      { ...base, parents, data, write: true, changes, comment },
      warnings,
    );
    return plan;
  }

  const changes: Changes = {};
  if (replace && data !== undefined) {
    const current = await contentOf(ctx, path);
    const before = current?.data ?? Buffer.alloc(0);
    const diff =
      args.encoding && typeof data !== 'string' && !before.equals(data)
        ? diffOf(ctx, decodeText(before, args.encoding), wanted.data ?? '', args.show_changes) ||
          diffOf(ctx, before, data, args.show_changes)
        : diffOf(ctx, before, data, args.show_changes);
    if (diff) changes.diff = diff;
  }
  const metaChanged = await meta(target);
  if (typeof metaChanged === 'string') return failed(metaChanged);
  Object.assign(changes, metaChanged);
  if (!Object.keys(changes).length) {
    return converged(
      ctx.test ? `The file ${name} is in the correct state` : `File ${name} is in the correct state`,
      warnings,
    );
  }
  const write = 'diff' in changes;
  return pending(
    changes,
    `The file ${name} is set to be changed${TEST_NOTE}`,
    { ...base, data, write, changes, comment: `File ${name} updated` },
    warnings,
  );
}

/** What the file will hold: the check's input. */
async function checkedFile(ctx: StateContext, ops: ManagedOps): Promise<CheckFile> {
  const st = await statOf(ctx, ops.path);
  const keep = st?.type === 'file' ? keepMeta(st) : {};
  const data = ops.write ? (ops.data ?? '') : ((await contentOf(ctx, ops.path))?.data ?? '');
  return {
    data,
    mode: ops.mode !== undefined ? parseInt(ops.mode, 8) : (keep.mode ?? 0o666 & ~process.umask()),
    uid: ops.owner.uid ?? keep.uid,
    gid: ops.owner.gid ?? keep.gid,
  };
}

export async function applyManaged(plan: Plan<ManagedOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  if (ops.check) {
    const refused = await runCheckCmd(ctx, ops.check, await checkedFile(ctx, ops));
    if (refused !== undefined) return { result: false, changes: {}, comment: refused };
  }
  await makeDirs(ctx, ops.parents, ops.owner, ops.dirMode);
  if (ops.write) {
    const st = await statOf(ctx, ops.path);
    await backup(ctx, ops.path);
    const keep = st?.type === 'file' ? keepMeta(st) : {};
    await writeFileAtomic(hostPath(ctx, ops.path), ops.data ?? '', {
      mode: ops.mode !== undefined ? parseInt(ops.mode, 8) : keep.mode,
      uid: ops.owner.uid ?? keep.uid,
      gid: ops.owner.gid ?? keep.gid,
    });
  } else {
    await setMeta(ctx, ops.path, ops.owner, ops.mode);
  }
  ctx.facts.invalidatePath(ops.path);
  ctx.facts.invalidatePath(ops.name);
  const warnings = plan.warnings ? { warnings: plan.warnings } : {};
  if (ops.attrs === undefined) return { changes: ops.changes, comment: ops.comment, ...warnings };
  // after the write: a file replaced is a new inode, whose attributes are set afresh
  const { attrs: _planned, ...changes } = ops.changes;
  const set = await applyAttrs(ctx, ops.path, ops.attrs);
  if (set.change) changes.attrs = set.change;
  if (set.error) return { result: false, changes, comment: `${ops.comment}; ${set.error}`, ...warnings };
  return { changes, comment: ops.comment, ...warnings };
}

export const managed = defineState({
  doc: 'The file has these contents (from a source, a template or contents), owner and mode',
  args: MANAGED_ARGS,
  check: checkManaged,
  apply: applyManaged,
});
