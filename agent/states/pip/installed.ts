// pip.installed: Python packages installed with pip (in a virtualenv with bin_env), at versions
// that satisfy their specifiers; with upgrade, at the newest version the sources offer. A
// requirements file is checked with pip's own dry run, so a converged file changes nothing.
import type { Changes, Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import { defineState } from '../define.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { isPrerelease, parseVersion, compareVersions, satisfiesAll } from '../../util/pep440.ts';
import { parseIndexVersions, pipList, pipMissing, type Installed } from '../../backends/pip.ts';
import { failureOf, INSTALL_TIMEOUT_MS, runTool } from '../../backends/tool-run.ts';
import { toolMissingPlan, waitingForRequisites } from '../tool-missing.ts';
import { INSTALLED_ARGS } from './args.ts';
import { installFlags, sourceFlags } from './options.ts';
import { parseTarget, type PipTarget } from './requirement.ts';
import { pipSession, type PipSession } from './session.ts';
import type { PipInstallOps } from './ops.ts';
import { withScratchFile } from './scratch.ts';
import { checkRequirements } from './requirements.ts';

type Args = ArgsOf<typeof INSTALLED_ARGS>;

const PIP = 'python3-pip';

/** The newest offered version that satisfies the target, from `pip index versions`. */
async function newestOffered(
  t: PipTarget,
  args: Args,
  s: PipSession,
  ctx: StateContext,
): Promise<{ version?: string } | { error: string }> {
  const r = await runTool(ctx, [...s.pip, 'index', 'versions', ...sourceFlags(args), '--', t.project], s.run);
  if (r.code !== 0) return { error: failureOf(r) };
  const wantPre = args.pre_releases || t.specs.some((sp) => /[a-z]/i.test(sp.version));
  const version = parseIndexVersions(r.stdout).find((v) => {
    const p = parseVersion(v);
    return p && (wantPre || !isPrerelease(p)) && satisfiesAll(v, t.specs);
  });
  return version ? { version } : {};
}

/** Whether the target needs pip, or the comment saying it is already there. */
async function needs(
  t: PipTarget,
  installed: Map<string, Installed>,
  args: Args,
  s: PipSession,
  ctx: StateContext,
): Promise<{ need: boolean; comment?: string } | { error: string }> {
  if (!t.key) return { need: true };
  const inst = installed.get(t.key);
  if (!inst || args.ignore_installed || args.force_reinstall) return { need: true };
  const already = `Python package ${t.text} was already installed`;
  if (!args.upgrade) return satisfiesAll(inst.version, t.specs) ? { need: false, comment: already } : { need: true };
  const best = await newestOffered(t, args, s, ctx);
  if ('error' in best) return { error: `Could not list the versions of ${t.project} on offer: ${best.error}` };
  if (!best.version)
    return {
      need: false,
      comment: `Python package ${inst.name} was already installed and\nthe available upgrade doesn't fulfills the version requirements`,
    };
  return compareVersions(inst.version, best.version) >= 0 ? { need: false, comment: already } : { need: true };
}

async function check(args: Args, ctx: StateContext): Promise<Plan<PipInstallOps>> {
  if (args.use_wheel)
    return failed("The 'use_wheel' option is only supported in pip between 1.4 and 9.0.3, and pip here is newer.");
  if (args.no_use_wheel)
    return failed("The 'no_use_wheel' option is only supported in pip between 1.4 and 9.0.3, and pip here is newer.");
  if (args.editable !== undefined)
    return failed(
      "The 'editable' argument is not supported: an editable checkout cannot be checked before installing it; install the package by name, path or requirements file",
    );
  const s = pipSession(args, ctx);
  const what = args.requirements ? `Requirements file '${args.requirements}' will be processed.` : '';
  if ('missing' in s)
    return toolMissingPlan(
      ctx,
      `Error installing '${args.name}': ${s.missing}`,
      'pip',
      PIP,
      what || `Python package ${args.name} is set to be installed`,
      s.hint,
    );
  if (args.requirements) return checkRequirements(args, s, ctx);
  const targets: PipTarget[] = [];
  const errors: string[] = [];
  for (const raw of args.pkgs?.length ? args.pkgs : [args.name]) {
    const t = parseTarget(raw);
    if ('error' in t) errors.push(t.error);
    else targets.push(t);
  }
  if (errors.length) return failed(errors.join('\n'));
  const list = await pipList(ctx, s.pip, s.run, args.target);
  if ('error' in list) {
    const fail = `Error installing '${args.name}': ${list.error}`;
    return list.missing
      ? toolMissingPlan(ctx, fail, 'pip', PIP, `Python package ${args.name} is set to be installed`)
      : failed(fail);
  }
  const need: PipTarget[] = [];
  const already: string[] = [];
  for (const t of targets) {
    const n = await needs(t, list.installed, args, s, ctx);
    if ('error' in n) return waitingForRequisites(ctx) ? pending({}, n.error, undefined as never) : failed(n.error);
    if (n.need) need.push(t);
    else if (n.comment) already.push(n.comment);
  }
  if (!need.length)
    return converged(
      [...already, `All specified packages are already installed${args.upgrade ? ' and up-to-date' : ''}`].join('\n'),
    );
  const argv = [...s.pip, 'install', ...installFlags(args), '--', ...need.map((t) => t.text)];
  return pending({}, need.map((t) => `Python package ${t.text} is set to be installed`).join('\n'), {
    session: s,
    argv,
    targets: need,
    before: list.installed,
    already,
    forced: args.force_reinstall || args.ignore_installed,
    path: args.target,
  });
}

function installedChanges(ops: PipInstallOps, after: Map<string, Installed>): { changes: Changes; problems: string[] } {
  const changes: Changes = {};
  const problems: string[] = [];
  for (const t of ops.targets) {
    if (!t.key) {
      changes[`${t.text}==???`] = 'Installed';
      continue;
    }
    const inst = after.get(t.key);
    if (!inst) {
      problems.push(
        `There was no error installing package '${t.text}' although it does not show when calling 'pip.freeze'.`,
      );
    } else if (!satisfiesAll(inst.version, t.specs)) {
      problems.push(`Python package ${t.text} is installed at version ${inst.version}, which does not satisfy it.`);
    } else if (ops.forced || ops.before.get(t.key)?.version !== inst.version) {
      changes[`${t.project}==${inst.version}`] = 'Installed';
    }
  }
  return { changes, problems };
}

async function apply(plan: Plan<PipInstallOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const r = await withScratchFile(ops.text, ops.user, ops.argv, ctx, (argv) =>
    runTool(ctx, argv, { ...ops.session.run, timeoutMs: INSTALL_TIMEOUT_MS }),
  );
  const error = `Error: ${r.stdout.trim()} ${(pipMissing(r) ?? r.stderr).trim()}`.trim();
  if (ops.requirements !== undefined) {
    if (r.code !== 0)
      return {
        result: false,
        changes: {},
        comment: `Unable to process requirements file "${ops.requirements}". ${error}`,
      };
    return {
      changes: { requirements: true },
      comment: `Successfully processed requirements file ${ops.requirements}.`,
    };
  }
  const lead = ops.already.length ? `${ops.already.join('\n')}\n` : '';
  if (r.code !== 0) {
    const names = ops.targets.map((t) => t.text).join(', ');
    return { result: false, changes: {}, comment: `${lead}Failed to install packages: ${names}. ${error}` };
  }
  const list = await pipList(ctx, ops.session.pip, ops.session.run, ops.path);
  if ('error' in list)
    return { result: false, changes: {}, comment: `${lead}pip list failed after installing: ${list.error}` };
  const { changes, problems } = installedChanges(ops, list.installed);
  if (problems.length) return { result: false, changes, comment: lead + problems.join('\n') };
  return { changes, comment: `${lead}All packages were successfully installed` };
}

export const installed = defineState({
  doc: 'Python packages are installed with pip (in a virtualenv with bin_env), at versions that satisfy their specifiers',
  args: INSTALLED_ARGS,
  check,
  apply,
  // apply verifies what pip installed itself; forced reinstalls would always look pending again
  recheck: false,
});
