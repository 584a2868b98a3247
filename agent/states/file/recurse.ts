// file.recurse: a directory of the state tree copied to the host, file by file through
// file.managed and directory by directory through file.directory; `clean` removes the rest.
import { promises as fsp } from 'node:fs';
import { posix } from 'node:path';
import type { Changes, Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { defineState } from '../define.ts';
import { walkFact } from '../../facts/walk.ts';
import { parseSaltUrl } from './source.ts';
import { includeExclude } from './patterns.ts';
import { managed, applyManaged } from './managed.ts';
import { directory, applyDirectory, isKept } from './directory.ts';
import { backup, cleanPath, hostPath, notAbsolute, resolveOwner, statOf } from './common.ts';
import { fileArgs } from './args.ts';

interface Step {
  kind: 'directory' | 'file';
  path: string;
  plan: Plan;
}

export interface RecurseOps {
  name: string;
  steps: Step[];
  remove: string[];
}

const RECURSE_ARGS = fileArgs(
  [
    'source',
    'keep_source',
    'clean',
    'user',
    'group',
    'dir_mode',
    'file_mode',
    'sym_mode',
    'template',
    'context',
    'replace',
    'defaults',
    'include_empty',
    'backup',
    'include_pat',
    'exclude_pat',
    'maxdepth',
    'keep_symlinks',
    'force_symlinks',
    'win_owner',
    'win_perms',
    'win_deny_perms',
    'win_inheritance',
    'mode',
  ],
  {
    source: { type: 'string', required: true, doc: 'The directory of the state tree (salt://path)' },
    mode: { type: 'any', doc: 'Not an option: the state fails, pointing to file_mode and dir_mode' },
  },
);
type RecurseArgs = ArgsOf<typeof RECURSE_ARGS>;

/** Files of the source directory to manage, as [relative path, salt:// url]. */
function sourceFiles(ctx: StateContext, srcDir: string, args: RecurseArgs): Array<[string, string]> {
  const maxdepth = args.maxdepth;
  const prefix = srcDir ? `${srcDir}/` : '';
  return ctx.tree
    .list(srcDir)
    .map((p) => p.slice(prefix.length))
    .filter((rel) => !rel.split('/').includes('..'))
    .filter((rel) => maxdepth === undefined || rel.split('/').length <= maxdepth + 1)
    .filter((rel) => includeExclude(rel, args.include_pat, args.exclude_pat))
    .map((rel) => [rel, `salt://${prefix}${rel}`]);
}

function flatten(path: string, changes: Changes): unknown {
  const inner = changes[path];
  return Object.keys(changes).length === 1 && inner && typeof inner === 'object' ? inner : changes;
}

export async function checkRecurse(args: RecurseArgs, ctx: StateContext): Promise<Plan<RecurseOps>> {
  const name = cleanPath(args.name);
  if (args.mode !== undefined)
    return failed("'mode' is not allowed in 'file.recurse'. Please use 'file_mode' and 'dir_mode'.");
  const { error } = await resolveOwner(ctx, args.user, args.group);
  if (error) return failed(error);
  const bad = notAbsolute(name);
  if (bad) return failed(bad);
  const sources = [args.source].map((s) => s.replace(/\/+$/, ''));
  for (const s of sources) if (!s.startsWith('salt://')) return failed(`Invalid source '${s}' (must be a salt:// URI)`);
  const srcDir = sources.map((s) => parseSaltUrl(s)?.path ?? '').find((p) => ctx.tree.isDir(p));
  if (srcDir === undefined) {
    const first = parseSaltUrl(sources[0] ?? 'salt://')?.path ?? '';
    return failed(`The directory '${first}' does not exist on the salt fileserver in saltenv '${ctx.saltenv}'`);
  }
  const st = await statOf(ctx, name);
  if (st && st.type !== 'directory' && st.type !== 'symlink')
    return failed(`The path ${name} exists and is not a directory`);

  const files = sourceFiles(ctx, srcDir, args);
  const dirs = [...new Set(files.map(([rel]) => posix.dirname(posix.join(name, rel))))].sort();
  const steps: Step[] = [];
  for (const d of dirs) {
    const plan = await directory.check(
      { name: d, user: args.user, group: args.group, dir_mode: args.dir_mode, makedirs: true },
      ctx,
    );
    steps.push({ kind: 'directory', path: d, plan });
  }
  const fileMode = args.file_mode === 'keep' ? undefined : args.file_mode;
  for (const [rel, url] of files) {
    const dest = posix.join(name, rel);
    const plan = await managed.check(
      {
        name: dest,
        source: url,
        user: args.user,
        group: args.group,
        mode: fileMode,
        template: args.template,
        context: args.context,
        defaults: args.defaults,
        makedirs: true,
        replace: args.replace,
        dir_mode: args.dir_mode,
      },
      ctx,
    );
    steps.push({ kind: 'file', path: dest, plan });
  }

  const remove: string[] = [];
  if (args.clean) {
    const keep = [
      ...files.map(([rel]) => posix.join(name, rel)),
      ...(ctx.chunks ?? [])
        .filter((c) => c.state === 'file' && (ctx.chunk?.requisites.require ?? []).includes(c.tag))
        .map((c) => cleanPath(c.name)),
    ];
    for (const e of (await ctx.facts.get(walkFact, name)) ?? []) {
      if (isKept(e.path, keep) || remove.some((r) => e.path.startsWith(`${r}/`))) continue;
      if (!includeExclude(posix.relative(name, e.path), undefined, args.exclude_pat)) continue;
      remove.push(e.path);
    }
  }

  const changes: Changes = {};
  const comments: string[] = [];
  let anyFailed = false;
  for (const s of steps) {
    if (s.plan.status === 'converged') continue;
    if (s.plan.status === 'failed') anyFailed = true;
    if (Object.keys(s.plan.changes).length)
      changes[s.path] = s.kind === 'directory' ? flatten(s.path, s.plan.changes) : s.plan.changes;
    if (s.plan.comment) comments.push(`\n#### ${s.path} ####\n${s.plan.comment}`);
  }
  if (remove.length) {
    if (ctx.test) comments.push(`\n#### removed ####\n${remove.join('\n')}`);
    changes.removed = remove;
  }
  const comment = comments.join('\n').trim();
  if (anyFailed) return failed(comment, changes);
  if (!Object.keys(changes).length && !steps.some((s) => s.plan.status === 'pending')) {
    return converged(`The directory ${name} is in the correct state`);
  }
  return pending(changes, comment || `Recursively updated ${name}`, { name, steps, remove });
}

export async function applyRecurse(plan: Plan<RecurseOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const changes: Changes = {};
  const comments: string[] = [];
  let result = true;
  for (const s of ops.steps) {
    if (s.plan.status !== 'pending') continue;
    const out =
      s.kind === 'directory' ? await applyDirectory(s.plan as never, ctx) : await applyManaged(s.plan as never, ctx);
    if (Object.keys(out.changes).length)
      changes[s.path] = s.kind === 'directory' ? flatten(s.path, out.changes) : out.changes;
    if (out.result === false) {
      result = false;
      comments.push(`\n#### ${s.path} ####\n${out.comment}`);
    }
  }
  for (const p of ops.remove) {
    await backup(ctx, p);
    await fsp.rm(hostPath(ctx, p), { recursive: true, force: true });
    ctx.facts.invalidatePath(p);
  }
  if (ops.remove.length) changes.removed = ops.remove;
  const comment = comments.join('\n').trim() || `Recursively updated ${ops.name}`;
  return result ? { changes, comment } : { result, changes, comment };
}

export const recurse = defineState({
  doc: 'A directory of the state tree is copied here (each file managed)',
  args: RECURSE_ARGS,
  check: checkRecurse,
  apply: applyRecurse,
});
