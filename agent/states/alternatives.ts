// alternatives.install/remove/set/auto: link groups of the alternatives system, through
// update-alternatives (read with --query). Comments and changes are Salt's.
import type { Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';
import { parseQuery, type AlternativesGroup } from '../facts/alternatives.ts';
import { refuseOptionLike } from '../process/operands.ts';
import type { RunResult } from '../process/run.ts';

/** update-alternatives with the state's root (its own --root when that is not '/'). */
function tool(ctx: StateContext, ...args: string[]): Promise<RunResult> {
  const root = ctx.root === '/' ? [] : ['--root', ctx.root];
  return ctx.run(['update-alternatives', ...root, ...args], { env: { LC_ALL: 'C' } });
}

const output = (r: RunResult): string => (r.stderr || r.stdout || r.error || `exited with ${r.code}`).trim();

/** The group, undefined when it does not exist; a string when update-alternatives could not say. */
async function group(ctx: StateContext, name: string): Promise<AlternativesGroup | undefined | string> {
  const r = await tool(ctx, '--query', name);
  if (r.code === 0) return parseQuery(r.stdout) ?? `unexpected output of update-alternatives --query ${name}`;
  if (r.code === 2 && /no alternatives for/.test(r.stderr)) return undefined;
  return `update-alternatives --query ${name} failed: ${output(r)}`;
}

/**
 * In test mode, a requisite that would change (an alternatives.install, the package shipping the
 * alternative) may be what registers it: the state reports what it would then do.
 */
const installPending = (ctx: StateContext): boolean => ctx.test && (ctx.pendingRequisites?.length ?? 0) > 0;

const registered = (g: AlternativesGroup | undefined, path: string): boolean =>
  g?.alternatives.some((a) => a.path === path) ?? false;

interface RunOps {
  argv: string[];
  name: string;
  path?: string;
  link?: string;
  priority?: number;
}

async function queried(
  ctx: StateContext,
  name: string,
  ...values: Array<string | undefined>
): Promise<{ refused: Plan<never> } | { group: AlternativesGroup | undefined }> {
  const bad = refuseOptionLike('alternatives argument', name, ...values);
  if (bad) return { refused: failed(bad) };
  const g = await group(ctx, name);
  return typeof g === 'string' ? { refused: failed(g) } : { group: g };
}

// ---- install

const INSTALL_ARGS = declareArgs({
  link: {
    type: 'string',
    required: true,
    doc: 'The generic symlink pointing to /etc/alternatives/<name> (/usr/bin/pager)',
  },
  path: { type: 'string', required: true, doc: 'The alternative: an existing file or directory (/usr/bin/less)' },
  priority: { type: 'int', required: true, doc: 'Higher numbers win in auto mode' },
});

async function checkInstall(args: ArgsOf<typeof INSTALL_ARGS>, ctx: StateContext): Promise<Plan<RunOps>> {
  const { name, link, path, priority } = args;
  const q = await queried(ctx, name, link, path);
  if ('refused' in q) return q.refused;
  const g = q.group;
  if (registered(g, path)) return converged(`Alternative ${path} for ${name} is already registered`);
  return pending({}, `Alternative will be set for ${name} to ${path} with priority ${priority}`, {
    argv: ['--install', link, name, path, String(priority)],
    name,
    path,
    link,
    priority,
  });
}

async function applyInstall(plan: Plan<RunOps>, ctx: StateContext): Promise<Outcome> {
  const { argv, name, path = '', link, priority } = opsOf(plan);
  const r = await tool(ctx, ...argv);
  const g = await group(ctx, name);
  if (typeof g === 'string' || !registered(g, path))
    return { result: false, changes: {}, comment: `Alternative for ${name} not installed: ${output(r)}` };
  const comment =
    g?.value === path
      ? `Alternative for ${name} set to path ${path} with priority ${priority}`
      : `Alternative ${path} for ${name} registered with priority ${priority} and not set to default`;
  return { changes: { name, link, path, priority }, comment };
}

export const install = defineState({
  doc: 'An alternative is registered in a link group (update-alternatives --install)',
  args: INSTALL_ARGS,
  check: checkInstall,
  apply: applyInstall,
});

// ---- remove

const PATH_ARGS = declareArgs({
  path: { type: 'string', required: true, doc: 'The alternative (/usr/bin/less)' },
});

async function checkRemove(args: ArgsOf<typeof PATH_ARGS>, ctx: StateContext): Promise<Plan<RunOps>> {
  const { name, path } = args;
  const q = await queried(ctx, name, path);
  if ('refused' in q) return q.refused;
  const g = q.group;
  if (registered(g, path))
    return pending({}, `Alternative for ${name} will be removed`, { argv: ['--remove', name, path], name, path });
  if (g?.value) return converged(`Alternative for ${name} is set to it's default path ${g.value}`);
  // Salt fails here; a group whose last alternative is gone is what remove asked for
  return converged(`Alternative for ${name} doesn't exist`);
}

async function applyRemove(plan: Plan<RunOps>, ctx: StateContext): Promise<Outcome> {
  const { argv, name, path = '' } = opsOf(plan);
  const r = await tool(ctx, ...argv);
  const g = await group(ctx, name);
  if (typeof g === 'string') return { result: false, changes: {}, comment: g };
  if (registered(g, path))
    return { result: false, changes: {}, comment: `Alternative for ${name} not removed: ${output(r)}` };
  if (g?.value)
    return { changes: { path: g.value }, comment: `Alternative for ${name} removed. Falling back to path ${g.value}` };
  return { changes: {}, comment: `Alternative for ${name} removed` };
}

export const remove = defineState({
  doc: "An alternative is not in its link group; the group falls back to another (Salt's remove)",
  args: PATH_ARGS,
  check: checkRemove,
  apply: applyRemove,
});

// ---- set

async function checkSet(args: ArgsOf<typeof PATH_ARGS>, ctx: StateContext): Promise<Plan<RunOps>> {
  const { name, path } = args;
  const q = await queried(ctx, name, path);
  if ('refused' in q) return q.refused;
  const g = q.group;
  if (g?.value === path) return converged(`Alternative for ${name} already set to ${path}`);
  if (!registered(g, path) && !installPending(ctx)) return failed(`Alternative ${path} for ${name} doesn't exist`);
  return pending({}, `Alternative for ${name} will be set to path ${path}`, {
    argv: ['--set', name, path],
    name,
    path,
  });
}

async function applySet(plan: Plan<RunOps>, ctx: StateContext): Promise<Outcome> {
  const { argv, name, path } = opsOf(plan);
  const r = await tool(ctx, ...argv);
  const g = await group(ctx, name);
  if (typeof g !== 'string' && g?.value === path)
    return { changes: { path }, comment: `Alternative for ${name} set to path ${path}` };
  return { result: false, changes: {}, comment: `Alternative for ${name} not updated: ${output(r)}` };
}

export const set = defineState({
  doc: 'A link group points at one of its alternatives, in manual mode (update-alternatives --set)',
  args: PATH_ARGS,
  check: checkSet,
  apply: applySet,
});

// ---- auto

const NO_ARGS = declareArgs({});

async function checkAuto(args: ArgsOf<typeof NO_ARGS>, ctx: StateContext): Promise<Plan<RunOps>> {
  const { name } = args;
  const q = await queried(ctx, name);
  if ('refused' in q) return q.refused;
  const g = q.group;
  if (!g && !installPending(ctx)) return failed(`Alternative for ${name} doesn't exist`);
  if (g?.status === 'auto') return converged(`${name} already in auto mode`);
  return pending({}, `${name} will be put in auto mode`, { argv: ['--auto', name], name });
}

async function applyAuto(plan: Plan<RunOps>, ctx: StateContext): Promise<Outcome> {
  const { argv, name } = opsOf(plan);
  const r = await tool(ctx, ...argv);
  if (r.code !== 0) return { result: false, changes: {}, comment: `Failed to put ${name} in auto mode: ${output(r)}` };
  return { changes: { result: r.stdout.trim() }, comment: '' };
}

export const auto = defineState({
  doc: 'A link group is in auto mode: it follows its highest-priority alternative',
  args: NO_ARGS,
  check: checkAuto,
  apply: applyAuto,
});

const alternativesModule: StateModule = { install, remove, set, auto };
export default alternativesModule;
