// archive.extracted: a tar or zip archive (salt:// or local) unpacked into a directory. As in Salt,
// the archive's listing decides: it is extracted when a path it holds is missing from the target
// (or source_hash changed, with source_hash_update), never because it was extracted before.
// Comments and changes are Salt's.
import { promises as fsp } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import type { ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';
import { EXTRACTED_ARGS } from './archive-args.ts';
import { actualSum, expectedSum, loadArchive } from './archive-source.ts';
import {
  guessFormat,
  stripComponents,
  tarExtractArgv,
  tarListArgv,
  zipExtractArgv,
  zipListArgv,
  type ArchiveFormat,
} from './archive-options.ts';
import {
  cachedSourcePath,
  chownTrees,
  compareTarget,
  exists,
  hashRecordPath,
  ownershipDiffers,
  readHashRecord,
  withArchiveFile,
  writeHashRecord,
} from './archive-fs.ts';
import { parseSaltUrl } from './file/source.ts';
import { resolveOwner } from './file/common.ts';
import { archiveContents, parseTarListing, parseZipListing, type ArchiveContents } from '../facts/archive-list.ts';
import { writeFileAtomic } from '../store/fs-atomic.ts';

type Args = ArgsOf<typeof EXTRACTED_ARGS>;

interface ExtractOps {
  source: string;
  bytes: Buffer;
  format: ArchiveFormat;
  /** The target as given, without its trailing '/'; `display` with it, as Salt prints it. */
  name: string;
  display: string;
  extract: boolean;
  options?: string;
  trim: number;
  /** Host paths removed before extracting (clean, clean_parent, force). */
  remove: string[];
  contents?: ArchiveContents;
  uid?: number;
  gid?: number;
  /** Host paths whose ownership user/group set. */
  ownPaths: string[];
  hashRecord?: { path: string; value: string };
  keepSource: boolean;
  explanation: string;
}

const SIGNATURE_ARGS = ['signature', 'source_hash_sig', 'signed_by_any', 'signed_by_all'] as const;

function trimOf(v: unknown): number | undefined {
  if (v === true) return 100;
  if (v === false || v === undefined || v === null) return 0;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return /^true$/i.test(v.trim()) ? 100 : 0;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** The archive's listing, or the listing tool's complaint. */
async function listArchive(
  bytes: Buffer,
  format: ArchiveFormat,
  listOptions: string | undefined,
  ctx: StateContext,
): Promise<{ entries: ReturnType<typeof parseTarListing> } | { error: string; missingTool?: true }> {
  return withArchiveFile(bytes, async (file) => {
    const argv = format === 'zip' ? zipListArgv(file) : tarListArgv(file, listOptions);
    const r = await ctx.run(argv, { env: { LC_ALL: 'C' } });
    if (r.code === 127 && format === 'zip')
      return {
        error: 'archive.cmd_unzip function not available, unzip might not be installed on minion',
        missingTool: true,
      };
    if (r.code !== 0) return { error: `Unable to list contents of the archive: ${(r.stderr || r.error || '').trim()}` };
    return { entries: format === 'zip' ? parseZipListing(r.stdout) : parseTarListing(r.stdout) };
  });
}

function listingFailure(error: string, format: ArchiveFormat, args: Args): string {
  const errors: string[] = [];
  if (!args.if_missing) errors.push("'if_missing' must be set");
  if (!args.enforce_ownership_on && (args.user || args.group))
    errors.push("Ownership cannot be managed without setting 'enforce_ownership_on'.");
  if (!errors.length) return error;
  const lead =
    format === 'tar'
      ? "If the source archive is a tar archive compressed using a compression type not natively supported by the tar command, then setting the 'list_options' argument may allow the contents to be listed. Otherwise, if Salt is unable to determine the files/directories in the archive, the following workaround(s) would need to be used for this state to proceed"
      : 'The following workarounds must be used for this state to proceed';
  return `${error}\n\n${lead} (assuming the source file is a valid ${format} archive):\n${errors.map((e) => `\n- ${e}`).join('')}`;
}

/** Checks of the arguments alone; a failure comment or undefined. */
function argumentProblem(args: Args, name: string): string | undefined {
  if (!name.startsWith('/')) return `${args.name} is not an absolute path`;
  if (args.if_missing !== undefined && !args.if_missing.startsWith('/'))
    return "Value for 'if_missing' is not an absolute path";
  if (args.enforce_ownership_on !== undefined) {
    if (!args.enforce_ownership_on.startsWith('/')) return "Value for 'enforce_ownership_on' is not an absolute path";
    if (relative(name, args.enforce_ownership_on).startsWith('..'))
      return `Value for 'enforce_ownership_on' must be within ${name}/`;
  }
  if (args.clean && args.clean_parent) return "Only one of 'clean' and 'clean_parent' can be set to True";
  const signed = SIGNATURE_ARGS.find((k) => args[k] !== undefined && args[k] !== null);
  if (signed)
    return `Signature verification is not supported here ('${signed}' was given): the archive is not extracted unverified`;
  return undefined;
}

async function check(args: Args, ctx: StateContext): Promise<Plan<ExtractOps>> {
  const name = args.name.replace(/\/+$/, '') || '/';
  const display = name === '/' ? '/' : `${name}/`;
  const dest = join(ctx.root, name);
  const bad = argumentProblem(args, name);
  if (bad) return failed(bad);
  const st = await fsp.stat(dest).catch(() => undefined);
  if (st && !st.isDirectory()) return failed(`${name} exists and is not a directory`);
  const { owner } = await resolveOwner(ctx, args.user, args.group);
  if (args.user && owner.uid === undefined) return failed(`User ${args.user} does not exist`);
  if (args.group && owner.gid === undefined) return failed(`Group ${args.group} does not exist`);
  const warnings: string[] = [];
  if (args.source_hash_update && !args.source_hash)
    warnings.push("The 'source_hash_update' argument is ignored when 'source_hash' is not also specified.");

  const loaded = loadArchive(args.source, ctx);
  if (typeof loaded === 'string') return failed(loaded);
  const { source, bytes } = loaded;
  const given = args.archive_format?.toLowerCase();
  const format = (given ?? guessFormat(source)) as ArchiveFormat | undefined;
  if (!format)
    return failed(
      "Could not guess archive_format from the value of the 'source' argument. Please set this archive_format to one of the following: tar, rar, zip",
    );
  if (!['tar', 'zip', 'rar'].includes(format))
    return failed(
      `Invalid archive_format '${format}'. Either set it to a supported value (tar, rar, zip) or remove this argument and the archive format will be guessed based on file extension.`,
    );
  if (format === 'rar') return failed('archive_format rar is not supported here (no unrar); use tar or zip');
  if (args.password !== undefined) {
    if (format !== 'zip') return failed("The 'password' argument is only supported for zip archives");
    return failed('Password-protected zip archives are not supported here: unzip would show the password to ps');
  }
  const trim = trimOf(args.trim_output);
  if (trim === undefined) return failed('Invalid value for trim_output, must be True/False or an integer');

  let hashValue: string | undefined;
  if (args.source_hash) {
    const want = expectedSum(args.source_hash, source, args.source_hash_name, ctx);
    if (typeof want === 'string') return failed(want);
    const got = actualSum(bytes, want.type);
    if (got !== want.hex)
      return failed(`File sum set for file ${source} of ${want.hex} does not match real sum of ${got}`);
    hashValue = `${want.type}:${want.hex}`;
  }

  const listing = await listArchive(bytes, format, args.list_options, ctx);
  let contents: ArchiveContents | undefined;
  if ('error' in listing) {
    // in test mode the package bringing unzip may be among the requisites about to change
    if ('missingTool' in listing && ctx.test && ctx.pendingRequisites?.length)
      return {
        status: 'pending',
        changes: {},
        comment: `Archive ${source} would be extracted to ${display}`,
        warnings,
      };
    if (!args.if_missing || (!args.enforce_ownership_on && (args.user || args.group)))
      return failed(listingFailure(listing.error, format, args));
  } else {
    try {
      contents = archiveContents(listing.entries, format === 'tar' ? stripComponents(args.options) : 0);
    } catch (e) {
      return failed(`Refusing to extract ${source}: ${(e as Error).message}`);
    }
  }
  if (args.enforce_toplevel && contents && (contents.topLevelDirs.length > 1 || contents.topLevelFiles.length > 0))
    return failed(
      `Archive does not have a single top-level directory. To allow this archive to be extracted, set 'enforce_toplevel' to False. To avoid a '${format}-bomb' it may also be advisable to set a top-level directory by adding it to the 'name' value (for example, setting 'name' to ${join(name, 'some_dir')} instead of ${display}).`,
    );

  const ifMissingExists = args.if_missing !== undefined && (await exists(join(ctx.root, args.if_missing)));
  let extract = args.overwrite;
  let missing = false;
  const remove: string[] = [];
  if (!ifMissingExists) {
    if (!contents) extract = true;
    else {
      const target = await compareTarget(dest, contents);
      if (target.missing) extract = missing = true;
      if (target.incorrect.length) {
        const listText = `\n\n${target.incorrect.map((p) => `- ${p}`).join('\n')}`;
        const lead = `The below paths (relative to ${display}) exist, but are the incorrect type (file instead of directory, symlink instead of file, etc.).`;
        if (!args.clean && !args.clean_parent && !args.force)
          return failed(
            `${lead} To proceed with extraction, set 'force' to True. Note that this will remove these paths before extracting.${listText}`,
          );
        if (!args.clean && !args.clean_parent) remove.push(...target.incorrect.map((p) => join(dest, p)));
        extract = true;
      }
    }
  }
  const record = hashValue ? { path: hashRecordPath(ctx.root, name, source), value: hashValue } : undefined;
  let hashTrigger = false;
  if (!extract && args.source_hash_update && record) {
    const before = await readHashRecord(record.path);
    if (before !== undefined && before !== record.value) extract = hashTrigger = true;
  }
  const explanation = hashTrigger
    ? ', due to source_hash update'
    : missing
      ? ', due to absence of one or more files/dirs'
      : '';
  if (extract && args.clean_parent) remove.push(dest);
  else if (extract && args.clean && contents)
    remove.push(
      ...[...contents.topLevelDirs, ...contents.topLevelFiles, ...contents.topLevelLinks].map((p) => join(dest, p)),
    );

  const enforce = owner.uid !== undefined || owner.gid !== undefined;
  const ownPaths = !enforce
    ? []
    : args.enforce_ownership_on
      ? [join(ctx.root, args.enforce_ownership_on)]
      : contents
        ? [...contents.topLevelDirs, ...contents.topLevelFiles, ...contents.topLevelLinks].map((p) => join(dest, p))
        : [];
  const ops: ExtractOps = {
    source,
    bytes,
    format,
    name,
    display,
    extract,
    ...(args.options !== undefined ? { options: args.options } : {}),
    trim,
    remove,
    ...(contents ? { contents } : {}),
    ...(owner.uid !== undefined ? { uid: owner.uid } : {}),
    ...(owner.gid !== undefined ? { gid: owner.gid } : {}),
    ownPaths,
    ...(record ? { hashRecord: record } : {}),
    keepSource: args.keep_source && args.keep !== false,
    explanation,
  };
  if (extract) {
    const cleaning = (args.clean || args.clean_parent) && contents ? ', after cleaning destination path(s)' : '';
    return pending({}, `Archive ${source} would be extracted to ${display}${cleaning}${explanation}`, ops, warnings);
  }
  const present = ifMissingExists ? `${args.if_missing} exists` : 'All files in archive are already present';
  if (enforce && (await ownershipDiffers(ownPaths, owner.uid, owner.gid)))
    return pending(
      { 'updated ownership': true },
      `${present}. Ownership would be updated on one or more files/directories.`,
      ops,
      warnings,
    );
  return converged(present, warnings);
}

/** Runs the extraction; the member names it reports, or a failure comment. */
async function unpack(ops: ExtractOps, dest: string, ctx: StateContext): Promise<string[] | { error: string }> {
  return withArchiveFile(ops.bytes, async (file) => {
    const argv =
      ops.format === 'zip' ? zipExtractArgv(file, dest, ops.options) : tarExtractArgv(file, dest, ops.options);
    const r = await ctx.run(argv, { env: { LC_ALL: 'C' }, input: '' });
    if (r.code !== 0)
      return { error: `Failed to extract ${ops.source}: ${(r.stderr || r.stdout || r.error || '').trim()}` };
    if (ops.format === 'tar') return r.stdout.split('\n').filter(Boolean);
    const c = ops.contents;
    return c ? [...c.dirs.map((d) => `${d}/`), ...c.files, ...c.links].sort() : ['no unzip output so far'];
  });
}

async function keepCopy(ops: ExtractOps, ctx: StateContext): Promise<void> {
  const salt = parseSaltUrl(ops.source);
  if (!salt) return;
  const path = cachedSourcePath(ctx.root, salt.saltenv ?? ctx.saltenv, salt.path);
  if (!ops.keepSource) return void (await fsp.rm(path, { force: true }));
  await fsp.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, ops.bytes, { mode: 0o600 });
}

async function apply(plan: Plan<ExtractOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const dest = join(ctx.root, ops.name);
  const changes: Record<string, unknown> = {};
  const removed: string[] = [];
  for (const p of ops.remove) {
    if (!(await exists(p))) continue;
    await fsp.rm(p, { recursive: true, force: true });
    removed.push(ctx.root === '/' ? p : `/${relative(ctx.root, p)}`);
  }
  if (removed.length) changes.removed = removed;
  let comment = plan.comment.replace(/\. Ownership would be updated on one or more files\/directories\.$/, '');
  if (ops.extract) {
    const created = !(await exists(dest));
    if (created) {
      await fsp.mkdir(dest, { recursive: true });
      // as Salt's makedirs with the state's user: the new target belongs to them
      if (ops.uid !== undefined || ops.gid !== undefined) await fsp.chown(dest, ops.uid ?? -1, ops.gid ?? -1);
    }
    const files = await unpack(ops, dest, ctx);
    if (!Array.isArray(files)) {
      if (created) await fsp.rmdir(dest).catch(() => undefined);
      return { result: false, changes, comment: files.error };
    }
    if (!files.length) return { result: false, changes, comment: `Can't extract content of ${ops.source}` };
    if (created) changes.directories_created = [ops.display];
    changes.extracted_files = ops.trim ? files.slice(0, ops.trim) : files;
    comment = `${ops.source} extracted to ${ops.display}${ops.explanation}`;
    if (ops.hashRecord) await writeHashRecord(ops.hashRecord.path, ops.hashRecord.value);
    await keepCopy(ops, ctx);
  }
  if (ops.uid !== undefined || ops.gid !== undefined) {
    const missingOwn: string[] = [];
    for (const p of ops.ownPaths) if (!(await exists(p))) missingOwn.push(p);
    if (missingOwn.length)
      return {
        result: false,
        changes,
        comment: `${comment}\n\nWhile trying to enforce user/group ownership, the following paths were missing:\n${missingOwn.map((p) => `\n- ${p}`).join('')}`,
      };
    if (await chownTrees(ops.ownPaths, ops.uid, ops.gid)) changes['updated ownership'] = true;
  }
  return { changes, comment };
}

export const extracted = defineState({
  doc: 'A tar or zip archive (salt:// or local) is extracted into a directory, when what it holds is missing there',
  args: EXTRACTED_ARGS,
  check,
  apply,
  // overwrite extracts on every run: a re-check would always want to extract again
  recheck: false,
});

const archiveModule: StateModule = { extracted };
export default archiveModule;
