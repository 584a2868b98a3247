// pkg.removed and pkg.purged: targets not installed (purged: no configuration files left
// either). A `version` limits the removal to packages installed at a matching version.
import type { Changes, Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import { satisfies } from '../../backends/dpkg.ts';
import { dpkgFact, versionChanges, type DpkgDb } from '../../facts/dpkg.ts';
import { failureText, removeArgv, runApt } from '../../backends/apt.ts';
import { readTargets, type Target } from './targets.ts';
import { joinNames } from './summary.ts';
import { aggregatePkgs } from './aggregate.ts';
import { defineState } from '../define.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { REMOVED_ARGS } from './args.ts';

type Action = 'remove' | 'purge';

export interface RemoveOps {
  action: Action;
  targets: string[];
  notInstalled: string[];
  before: DpkgDb;
}

/** Whether the package is still there in the sense of the action. */
function present(t: Target, db: DpkgDb, action: Action, ignoreEpoch: boolean): boolean {
  const inst = db.installed.get(t.name);
  if (inst) return !t.spec || satisfies(inst.version, t.spec, ignoreEpoch);
  return action === 'purge' && db.configFiles.has(t.name) && !t.spec;
}

function makeCheck(action: Action) {
  return async (args: ArgsOf<typeof REMOVED_ARGS>, ctx: StateContext): Promise<Plan<RemoveOps>> => {
    const read = readTargets(args);
    if ('error' in read) return failed(read.error);
    const db = await ctx.facts.get(dpkgFact, '');
    const targets = read.targets
      .filter((t) => present(t, db, action, args.ignore_epoch ?? false))
      .map((t) => t.name)
      .sort();
    if (!targets.length) {
      return converged(
        `None of the targeted packages are installed${action === 'purge' ? ' or partially installed' : ''}`,
      );
    }
    const notInstalled = read.targets
      .map((t) => t.name)
      .filter((n) => !targets.includes(n))
      .sort();
    const changes: Changes = Object.fromEntries(
      targets.map((n) => [n, { old: db.installed.get(n)?.version ?? '', new: '' }]),
    );
    return pending(changes, `The following packages will be ${action}d: ${joinNames(targets)}.`, {
      action,
      targets,
      notInstalled,
      before: db,
    });
  };
}

async function apply(plan: Plan<RemoveOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const r = await runApt(ctx.run, removeArgv(ops.targets, ops.action === 'purge'));
  ctx.facts.invalidate(dpkgFact);
  const after = await ctx.facts.get(dpkgFact, '');
  const changes = versionChanges(ops.before, after);
  const left = ops.targets.filter(
    (n) => after.installed.has(n) || (ops.action === 'purge' && after.configFiles.has(n)),
  );
  if (r.code !== 0 || left.length) {
    const why = r.code !== 0 ? ` ${failureText(r)}` : '';
    return {
      result: false,
      changes,
      comment: `The following packages failed to ${ops.action}: ${joinNames(left.length ? left : ops.targets)}.${why}`,
    };
  }
  const comment = ops.notInstalled.length
    ? `The following packages were not installed: ${joinNames(ops.notInstalled)}. The following packages were ${ops.action}d: ${joinNames(ops.targets)}.`
    : `All targeted packages were ${ops.action}d.`;
  return { changes, comment };
}

export const removed = defineState({
  doc: 'The packages are not installed (apt-get remove; their configuration files stay)',
  args: REMOVED_ARGS,
  check: makeCheck('remove'),
  apply,
  aggregate: aggregatePkgs,
});
export const purged = defineState({
  doc: 'The packages and their configuration files are gone (apt-get purge)',
  args: REMOVED_ARGS,
  check: makeCheck('purge'),
  apply,
  aggregate: aggregatePkgs,
});
