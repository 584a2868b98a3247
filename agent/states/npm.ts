// npm.installed and npm.removed: Node.js packages installed globally or in a project directory
// (`dir`), as Salt's npm states word their comments and changes. A version after `@` is an exact
// version or an npm range (^1.2, ~1.2.3, >=1 <2); a dist-tag (latest) is met by any installed
// version. A local tarball (/srv/pkgs/foo-1.0.0.tgz) is read for its name and version, so it is
// not reinstalled every run.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';
import { refuseOptionLike } from '../process/operands.ts';
import { npmList, QUIET, scopeFlags, tarballManifest, type NpmInstalled } from '../backends/npm.ts';
import { envStrings, failureOf, INSTALL_TIMEOUT_MS, notFound, runTool, type ToolRun } from '../backends/tool-run.ts';
import { satisfiesRange } from '../util/semver.ts';
import { toolMissingPlan, waitingForRequisites } from './tool-missing.ts';

const SCOPE = {
  dir: { type: 'string', doc: 'The project directory (its node_modules); default: the global packages' },
  user: { type: 'string', doc: 'Run npm as this user' },
} as const;

const INSTALLED_ARGS = declareArgs({
  ...SCOPE,
  pkgs: { type: 'list', doc: 'Several packages installed with one npm call; name is then ignored' },
  force_reinstall: { type: 'bool', default: false, doc: 'Install even when already installed (every run)' },
  registry: { type: 'string', doc: 'The npm registry to install from' },
  env: { type: 'any', doc: 'Environment variables for npm (a mapping, or a list of one-key mappings)' },
});

const REMOVED_ARGS = declareArgs({ ...SCOPE });

interface NpmTarget {
  /** As written: name, name@version, @scope/name@range, or a tarball path. */
  text: string;
  name: string;
  spec?: string;
  /** The version a tarball holds. */
  tarballVersion?: string;
}

interface InstallOps {
  run: ToolRun;
  dir?: string;
  registry?: string;
  install: NpmTarget[];
  all: string[];
}

const isTarball = (text: string): boolean => /^(file:)?[./~]/.test(text) && /\.(tgz|tar\.gz)$/.test(text);

/** Salt's reading of a package string (`^(@?[^@\s]+)(?:@(\S+))?`); a tarball is opened for its name. */
function parseTarget(text: string, root: string): NpmTarget | { error: string } {
  if (isTarball(text)) {
    const path = text.replace(/^file:/, '');
    if (!path.startsWith('/')) return { error: `A package tarball must be given by its absolute path: ${text}` };
    const m = tarballManifest(join(root, path));
    return 'error' in m ? m : { text: path, name: m.name, tarballVersion: m.version };
  }
  const m = /^(@?[^@\s]+)(?:@(\S+))?/.exec(text);
  if (!m) return { error: `Invalid package '${text}'` };
  return m[2] ? { text, name: m[1], spec: m[2] } : { text, name: m[1] };
}

/** Salt's test for a package given by URL: an installed one came from the same place. */
function fromSameUrl(url: string, installed: ReadonlyMap<string, NpmInstalled>): NpmInstalled | undefined {
  const want = url.split('://')[1];
  for (const inst of installed.values()) {
    let from = inst.from?.split('://')[1];
    if (from === undefined) continue;
    if (!from.endsWith('.git') && url.startsWith('git://')) from += '.git';
    if (from === want) return inst;
  }
  return undefined;
}

const lookup = (t: NpmTarget, installed: ReadonlyMap<string, NpmInstalled>): NpmInstalled | undefined =>
  installed.get(t.name) ?? (t.name.includes('://') ? fromSameUrl(t.name, installed) : undefined);

/** Whether what is installed meets the target (Salt: the name is there and the version equals). */
function satisfied(t: NpmTarget, inst: NpmInstalled | undefined): boolean {
  if (!inst?.version) return false;
  if (t.tarballVersion !== undefined) return inst.version === t.tarballVersion;
  if (!t.spec || t.spec === inst.version) return true;
  return satisfiesRange(inst.version, t.spec) ?? true;
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

function toolRun(user: string | undefined, env?: unknown): ToolRun {
  const run: ToolRun = { env: envStrings(env) };
  if (user) run.user = user;
  return run;
}

/** The project directory's problem, if any (it must exist: npm runs in it). */
function dirProblem(dir: string | undefined, ctx: StateContext): string | undefined {
  if (dir === undefined) return undefined;
  if (!dir.startsWith('/')) return `The directory '${dir}' is not an absolute path`;
  return isDir(join(ctx.root, dir)) ? undefined : `The directory ${dir} does not exist`;
}

async function checkInstalled(args: ArgsOf<typeof INSTALLED_ARGS>, ctx: StateContext): Promise<Plan<InstallOps>> {
  const all = args.pkgs?.length ? args.pkgs : [args.name];
  const planned = `NPM package(s) '${all.join(', ')}' are set to be installed`;
  const bad = refuseOptionLike('package', ...all) ?? refuseOptionLike('registry', args.registry);
  if (bad) return failed(bad);
  const noDir = dirProblem(args.dir, ctx);
  if (noDir) return waitingForRequisites(ctx) ? pending({}, planned, undefined as never) : failed(noDir);
  const targets: NpmTarget[] = [];
  for (const text of all) {
    const t = parseTarget(text, ctx.root);
    if ('error' in t) return waitingForRequisites(ctx) ? pending({}, planned, undefined as never) : failed(t.error);
    targets.push(t);
  }
  const run = toolRun(args.user, args.env);
  const list = await npmList(ctx, args.dir, run);
  if ('error' in list) {
    const fail = `Error looking up '${args.name}': ${list.error}`;
    return list.missing ? toolMissingPlan(ctx, fail, 'npm', 'npm', planned) : failed(fail);
  }
  const install: NpmTarget[] = [];
  const met: string[] = [];
  for (const t of targets) {
    const inst = lookup(t, list.installed);
    if (args.force_reinstall || !satisfied(t, inst)) install.push(t);
    else met.push(`${t.name}@${inst?.version}`);
  }
  const metText = `Package(s) '${all.join(', ')}' satisfied by ${met.join(', ')}`;
  if (!install.length) return converged(metText);
  const texts = install.map((t) => t.text);
  const comment = [`NPM package(s) '${texts.join(', ')}' are set to be installed`, met.length ? metText : '']
    .filter(Boolean)
    .join('. ');
  return pending({ old: [], new: texts }, comment, { run, dir: args.dir, registry: args.registry, install, all });
}

async function applyInstalled(plan: Plan<InstallOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const texts = ops.install.map((t) => t.text);
  const argv = ['npm', 'install', ...QUIET, ...scopeFlags(ops.dir)];
  if (ops.registry) argv.push(`--registry=${ops.registry}`);
  const r = await runTool(ctx, [...argv, ...texts], { ...ops.run, cwd: ops.dir, timeoutMs: INSTALL_TIMEOUT_MS });
  if (r.code !== 0)
    return { result: false, changes: {}, comment: `Error installing '${ops.all.join(', ')}': ${failureOf(r)}` };
  const list = await npmList(ctx, ops.dir, ops.run);
  const missing =
    'error' in list ? texts : ops.install.filter((t) => !satisfied(t, lookup(t, list.installed))).map((t) => t.text);
  if (missing.length)
    return { result: false, changes: {}, comment: `Could not install package(s) '${missing.join(', ')}'` };
  return { changes: { old: [], new: texts }, comment: `Package(s) '${texts.join(', ')}' successfully installed` };
}

interface RemoveOps {
  run: ToolRun;
  dir?: string;
  name: string;
}

async function checkRemoved(args: ArgsOf<typeof REMOVED_ARGS>, ctx: StateContext): Promise<Plan<RemoveOps>> {
  const { name, dir } = args;
  const bad = refuseOptionLike('package', name);
  if (bad) return failed(bad);
  if (dir !== undefined && !dir.startsWith('/')) return failed(`The directory '${dir}' is not an absolute path`);
  if (dir !== undefined && !isDir(join(ctx.root, dir))) return converged(`Package '${name}' is not installed`);
  const run = toolRun(args.user);
  const list = await npmList(ctx, dir, run);
  if ('error' in list) {
    const fail = `Error uninstalling '${name}': ${list.error}`;
    return list.missing
      ? toolMissingPlan(ctx, fail, 'npm', 'npm', `Package '${name}' is set to be removed`)
      : failed(fail);
  }
  if (!list.installed.has(name)) return converged(`Package '${name}' is not installed`);
  return pending({}, `Package '${name}' is set to be removed`, { run, dir, name });
}

async function applyRemoved(plan: Plan<RemoveOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const argv = ['npm', 'uninstall', ...QUIET, ...scopeFlags(ops.dir), ops.name];
  const r = await runTool(ctx, argv, { ...ops.run, cwd: ops.dir, timeoutMs: INSTALL_TIMEOUT_MS });
  if (r.code !== 0 || notFound(r))
    return { result: false, changes: {}, comment: `Error removing package '${ops.name}': ${failureOf(r)}` };
  return { changes: { [ops.name]: 'Removed' }, comment: `Package '${ops.name}' was successfully removed` };
}

export const installed = defineState({
  doc: 'Node.js packages are installed with npm, globally or in a project directory (dir), at the version or range asked for',
  args: INSTALLED_ARGS,
  check: checkInstalled,
  apply: applyInstalled,
  // apply verifies what npm installed; force_reinstall would always look pending again
  recheck: false,
});

export const removed = defineState({
  doc: 'A Node.js package is not installed, globally or in a project directory (dir)',
  args: REMOVED_ARGS,
  check: checkRemoved,
  apply: applyRemoved,
});

const npmModule: StateModule = { installed, removed };
export default npmModule;
