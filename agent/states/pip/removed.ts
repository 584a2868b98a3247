// pip.removed: a Python package is not installed (pip uninstall), in the environment bin_env names.
import type { Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import { defineState } from '../define.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { canonicalName, pipList, pipMissing } from '../../backends/pip.ts';
import { failureOf, runTool } from '../../backends/tool-run.ts';
import { toolMissingPlan } from '../tool-missing.ts';
import { REMOVED_ARGS } from './args.ts';
import { pipSession, type PipSession } from './session.ts';

interface RemoveOps {
  session: PipSession;
  name: string;
  project: string;
  flags: string[];
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

async function check(args: ArgsOf<typeof REMOVED_ARGS>, ctx: StateContext): Promise<Plan<RemoveOps>> {
  const name = args.name.trim();
  if (!NAME.test(name)) return failed(`Error uninstalling '${name}': not a Python project name`);
  const would = `Package ${name} is set to be removed`;
  const s = pipSession(args, ctx);
  if ('missing' in s)
    return toolMissingPlan(ctx, `Error uninstalling '${name}': ${s.missing}`, 'pip', 'python3-pip', would, s.hint);
  const list = await pipList(ctx, s.pip, s.run);
  if ('error' in list) {
    const fail = `Error uninstalling '${name}': ${list.error}`;
    return list.missing ? toolMissingPlan(ctx, fail, 'pip', 'python3-pip', would) : failed(fail);
  }
  const inst = list.installed.get(canonicalName(name));
  if (!inst) return converged('Package is not installed.');
  const flags = [...(args.log ? [`--log=${args.log}`] : []), ...(args.proxy ? [`--proxy=${args.proxy}`] : [])];
  return pending({}, would, { session: s, name, project: inst.name, flags });
}

async function apply(plan: Plan<RemoveOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const r = await runTool(
    ctx,
    [...ops.session.pip, 'uninstall', '--yes', ...ops.flags, '--', ops.project],
    ops.session.run,
  );
  if (r.code !== 0)
    return { result: false, changes: {}, comment: `Could not remove package. ${pipMissing(r) ?? failureOf(r)}` };
  return { changes: { [ops.name]: 'Removed' }, comment: 'Package was successfully removed.' };
}

export const removed = defineState({
  doc: 'A Python package is not installed (pip uninstall), in the environment bin_env names',
  args: REMOVED_ARGS,
  check,
  apply,
});
