// pecl.installed and pecl.removed: PHP extensions installed with PECL (`pecl install` builds them,
// so the host needs php-dev and a compiler too), as Salt's pecl states word their comments and
// changes. name is `ext`, `ext-1.2.3`, `channel/ext`, or the path of a local package (.tgz), which
// is opened for its extension name and version; version may also be given apart.
import type { Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';
import { refuseOptionLike } from '../process/operands.ts';
import { parsePeclList, peclArchiveSpec, type PeclPackage } from '../backends/pecl.ts';
import { join } from 'node:path';
import { failureOf, INSTALL_TIMEOUT_MS, notFound, runTool } from '../backends/tool-run.ts';
import { toolMissingPlan, waitingForRequisites } from './tool-missing.ts';

const INSTALLED_ARGS = declareArgs({
  version: { type: 'string', doc: 'The version to install (also written name-version)' },
  defaults: { type: 'bool', default: false, doc: "Answer every question of the extension's build with its default" },
  force: { type: 'bool', default: false, doc: 'pecl install -f: install even if already installed or newer' },
  preferred_state: {
    type: 'string',
    default: 'stable',
    doc: 'The least stable release state accepted (stable, beta, alpha, devel, snapshot)',
  },
});

const REMOVED_ARGS = declareArgs({});

interface PeclOps {
  argv: string[];
  input: string;
  name: string;
  channel?: string;
  check: (installed: Map<string, PeclPackage>) => boolean;
}

/** `pecl list [-c channel]`: installed extensions, or why they could not be listed. */
async function list(
  ctx: StateContext,
  channel: string | undefined,
): Promise<{ installed: Map<string, PeclPackage> } | { error: string; missing?: boolean }> {
  const r = await runTool(ctx, ['pecl', 'list', ...(channel ? ['-c', channel] : [])]);
  if (notFound(r)) return { error: 'pecl is not installed', missing: true };
  if (r.code !== 0) return { error: failureOf(r) };
  return { installed: parsePeclList(r.stdout) };
}

const isArchive = (name: string): boolean => /\.(tgz|tar\.gz|tar)$/.test(name);

/** name → channel, extension and version, as Salt splits `channel/ext-1.2`. */
function splitName(name: string, version?: string): { channel?: string; ext: string; version?: string } {
  const slash = name.indexOf('/');
  const channel = slash === -1 ? undefined : name.slice(0, slash);
  let ext = slash === -1 ? name : name.slice(slash + 1);
  let v = version;
  const dash = ext.indexOf('-');
  if (dash !== -1) {
    v = ext.slice(dash + 1);
    ext = ext.slice(0, dash);
  }
  return channel ? { channel, ext, version: v } : { ext, version: v };
}

async function checkInstalled(args: ArgsOf<typeof INSTALLED_ARGS>, ctx: StateContext): Promise<Plan<PeclOps>> {
  const bad = refuseOptionLike('extension', args.name) ?? refuseOptionLike('preferred_state', args.preferred_state);
  if (bad) return failed(bad);
  let target: { channel?: string; ext: string; version?: string };
  let full: string;
  if (isArchive(args.name)) {
    if (!args.name.startsWith('/')) return failed(`A PECL package must be given by its absolute path: ${args.name}`);
    const spec = peclArchiveSpec(join(ctx.root, args.name));
    if ('error' in spec)
      return waitingForRequisites(ctx)
        ? pending({}, `Pecl extension ${args.name} would have been installed`, undefined as never)
        : failed(spec.error);
    target = { ext: spec.name, version: spec.version };
    full = args.name;
  } else {
    target = splitName(args.name, args.version);
    const v = target.version;
    full = v !== undefined && !args.name.endsWith(`-${v}`) ? `${args.name}-${v}` : args.name;
  }
  const { channel, ext, version } = target;
  const found = await list(ctx, channel);
  const would = `Pecl extension ${full} would have been installed`;
  if ('error' in found) {
    const fail = `Could not list the pecl extensions: ${found.error}`;
    return found.missing ? toolMissingPlan(ctx, fail, 'pecl', 'php-pear', would) : failed(fail);
  }
  const meets = (installed: Map<string, PeclPackage>): boolean => {
    const p = installed.get(ext);
    return !!p && (version === undefined || p.version === version) && p.state === args.preferred_state;
  };
  if (meets(found.installed)) return converged(`Pecl extension ${args.name} is already installed.`);
  const argv = ['pecl', '-d', `preferred_state=${args.preferred_state}`, 'install'];
  if (args.force) argv.push('-f');
  argv.push(full);
  // `yes "" | pecl install`, as Salt does with defaults: every prompt takes its default
  const input = args.defaults ? '\n'.repeat(200) : '';
  return pending({}, would, { argv, input, name: full, channel, check: meets });
}

async function applyInstalled(plan: Plan<PeclOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const r = await runTool(ctx, ops.argv, { input: ops.input, timeoutMs: INSTALL_TIMEOUT_MS });
  const after = r.code === 0 ? await list(ctx, ops.channel) : undefined;
  if (!after || 'error' in after || !ops.check(after.installed))
    return {
      result: false,
      changes: {},
      comment: `Could not install pecl extension ${ops.name}.${r.code !== 0 ? ` ${failureOf(r)}` : ''}`,
    };
  return { changes: { [ops.name]: 'Installed' }, comment: `Pecl extension ${ops.name} was successfully installed` };
}

async function checkRemoved(args: ArgsOf<typeof REMOVED_ARGS>, ctx: StateContext): Promise<Plan<PeclOps>> {
  const { name } = args;
  const bad = refuseOptionLike('extension', name);
  if (bad) return failed(bad);
  const found = await list(ctx, undefined);
  const would = `Pecl extension ${name} would have been removed`;
  if ('error' in found) {
    const fail = `Could not list the pecl extensions: ${found.error}`;
    return found.missing ? toolMissingPlan(ctx, fail, 'pecl', 'php-pear', would) : failed(fail);
  }
  if (!found.installed.has(name)) return converged(`Pecl extension ${name} is not installed.`);
  return pending({}, would, {
    argv: ['pecl', 'uninstall', name],
    input: '',
    name,
    check: (installed) => !installed.has(name),
  });
}

async function applyRemoved(plan: Plan<PeclOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const r = await runTool(ctx, ops.argv, { timeoutMs: INSTALL_TIMEOUT_MS });
  const after = r.code === 0 ? await list(ctx, undefined) : undefined;
  if (!after || 'error' in after || !ops.check(after.installed))
    return {
      result: false,
      changes: {},
      comment: `Could not remove pecl extension ${ops.name}.${r.code !== 0 ? ` ${failureOf(r)}` : ''}`,
    };
  return { changes: { [ops.name]: 'Removed' }, comment: `Pecl extension ${ops.name} was successfully removed.` };
}

export const installed = defineState({
  doc: 'A PHP extension is installed with PECL (built on the host: it needs php-dev and a compiler)',
  args: INSTALLED_ARGS,
  check: checkInstalled,
  apply: applyInstalled,
});

export const removed = defineState({
  doc: 'A PHP extension is not installed (pecl uninstall)',
  args: REMOVED_ARGS,
  check: checkRemoved,
  apply: applyRemoved,
});

const peclModule: StateModule = { installed, removed };
export default peclModule;
