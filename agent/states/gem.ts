// gem.installed and gem.removed: Ruby gems installed with RubyGems, as Salt's gem states word their
// comments and changes. `version` is a version or a requirement (>= 1.0, ~> 2.2). A local .gem
// file given as name is read for its gem name and version, so it is not reinstalled every run.
import { join } from 'node:path';
import type { Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';
import { refuseOptionLike } from '../process/operands.ts';
import { gemFileSpec, isGemRequirement, meetsGemRequirement, parseGemList } from '../backends/gem.ts';
import { failureOf, INSTALL_TIMEOUT_MS, notFound, runTool, type ToolRun } from '../backends/tool-run.ts';
import { toolMissingPlan, waitingForRequisites } from './tool-missing.ts';

const COMMON = {
  gem_bin: { type: 'string', doc: 'The gem command to run (default: gem on the PATH)' },
  user: { type: 'string', doc: 'Run gem as this user (a user install goes to their home)' },
  ruby: {
    type: 'string',
    doc: 'The Ruby of rvm or rbenv to use',
    unsupported: 'rvm and rbenv are not driven here; give gem_bin',
  },
} as const;

const INSTALLED_ARGS = declareArgs({
  ...COMMON,
  version: { type: 'string', doc: 'The version, or a requirement such as ">= 1.0" or "~> 2.2"' },
  rdoc: { type: 'bool', default: false, doc: 'Generate RDoc documentation' },
  ri: { type: 'bool', default: false, doc: 'Generate ri documentation' },
  pre_releases: { type: 'bool', default: false, doc: 'Consider pre-release versions (gem install --pre)' },
  proxy: { type: 'string', doc: 'gem install --http-proxy' },
  source: { type: 'string', doc: 'The gem source (gem install --source)' },
});

const REMOVED_ARGS = declareArgs({ ...COMMON });

interface GemOps {
  gem: string;
  run: ToolRun;
  name: string;
  argv: string[];
}

const WOULD_INSTALL = (name: string): string => `The gem ${name} would have been installed`;

/** The gem's name and the installed versions of it; a .gem path is opened for its name. */
async function lookUp(
  gem: string,
  gemName: string,
  run: ToolRun,
  ctx: StateContext,
): Promise<{ versions: string[] } | { error: string; missing?: boolean }> {
  const r = await runTool(ctx, [gem, 'list', '--local', '--exact', gemName], run);
  if (notFound(r)) return { error: `${gem} is not installed`, missing: true };
  if (r.code !== 0) return { error: failureOf(r) };
  return { versions: parseGemList(r.stdout).get(gemName) ?? [] };
}

function toolRun(user: string | undefined): ToolRun {
  return user ? { user } : {};
}

async function checkInstalled(args: ArgsOf<typeof INSTALLED_ARGS>, ctx: StateContext): Promise<Plan<GemOps>> {
  const { name } = args;
  const gem = args.gem_bin ?? 'gem';
  const bad = refuseOptionLike('gem', name) ?? refuseOptionLike('version', args.version);
  if (bad) return failed(bad);
  let gemName = name;
  let version = args.version;
  if (name.endsWith('.gem')) {
    if (!name.startsWith('/')) return failed(`A .gem file must be given by its absolute path: ${name}`);
    const spec = gemFileSpec(join(ctx.root, name));
    if ('error' in spec)
      return waitingForRequisites(ctx) ? pending({}, WOULD_INSTALL(name), undefined as never) : failed(spec.error);
    gemName = spec.name;
    version = spec.version;
  }
  if (version !== undefined && !isGemRequirement(version)) return failed(`Invalid version requirement '${version}'`);
  const run = toolRun(args.user);
  const found = await lookUp(gem, gemName, run, ctx);
  if ('error' in found) {
    const fail = `Could not look up gem ${gemName}: ${found.error}`;
    return found.missing ? toolMissingPlan(ctx, fail, gem, 'ruby', WOULD_INSTALL(name)) : failed(fail);
  }
  if (found.versions.length) {
    if (version === undefined) return converged('Gem is already installed.');
    if (/^\s*(>=|>|<=|<|~>|!=)/.test(version) && meetsGemRequirement(found.versions[0], version))
      return converged('Installed Gem meets version requirements.');
    if (found.versions.some((v) => meetsGemRequirement(v, version))) return converged('Gem is already installed.');
  }
  const argv = [gem, 'install', name];
  if (version !== undefined && !name.endsWith('.gem')) argv.push(`--version=${version}`);
  if (args.rdoc || args.ri)
    argv.push(`--document=${[args.rdoc ? 'rdoc' : '', args.ri ? 'ri' : ''].filter(Boolean).join(',')}`);
  else argv.push('--no-document');
  if (args.pre_releases) argv.push('--pre');
  if (args.proxy) argv.push(`--http-proxy=${args.proxy}`);
  if (args.source) argv.push(`--source=${args.source}`);
  return pending({}, WOULD_INSTALL(name), { gem, run, name: gemName, argv });
}

async function applyInstalled(plan: Plan<GemOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const r = await runTool(ctx, ops.argv, { ...ops.run, timeoutMs: INSTALL_TIMEOUT_MS });
  if (r.code !== 0) return { result: false, changes: {}, comment: `Could not install gem. ${failureOf(r)}` };
  return { changes: { [ops.name]: 'Installed' }, comment: 'Installed Gem' };
}

async function checkRemoved(args: ArgsOf<typeof REMOVED_ARGS>, ctx: StateContext): Promise<Plan<GemOps>> {
  const { name } = args;
  const gem = args.gem_bin ?? 'gem';
  const bad = refuseOptionLike('gem', name);
  if (bad) return failed(bad);
  const run = toolRun(args.user);
  const would = `The gem ${name} would have been removed`;
  const found = await lookUp(gem, name, run, ctx);
  if ('error' in found) {
    const fail = `Could not look up gem ${name}: ${found.error}`;
    return found.missing ? toolMissingPlan(ctx, fail, gem, 'ruby', would) : failed(fail);
  }
  if (!found.versions.length) return converged('Gem is not installed.');
  return pending({}, would, { gem, run, name, argv: [gem, 'uninstall', '--all', '--executables', name] });
}

async function applyRemoved(plan: Plan<GemOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const r = await runTool(ctx, ops.argv, { ...ops.run, timeoutMs: INSTALL_TIMEOUT_MS });
  if (r.code !== 0) return { result: false, changes: {}, comment: `Could not remove gem. ${failureOf(r)}` };
  return { changes: { [ops.name]: 'Removed' }, comment: 'Gem was successfully removed.' };
}

export const installed = defineState({
  doc: 'A Ruby gem is installed (at the version or requirement asked for), from a gem source or a local .gem file',
  args: INSTALLED_ARGS,
  check: checkInstalled,
  apply: applyInstalled,
});

export const removed = defineState({
  doc: 'A Ruby gem is not installed (every version of it)',
  args: REMOVED_ARGS,
  check: checkRemoved,
  apply: applyRemoved,
});

const gemModule: StateModule = { installed, removed };
export default gemModule;
