// pkg.latest: every target installed at apt's candidate version (or the best one offered
// by `fromrepo`).
import type { Changes, Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import { compareVersions } from '../../backends/dpkg.ts';
import { dpkgFact, versionChanges, type DpkgDb } from '../../facts/dpkg.ts';
import { candidateFor, readPolicy } from '../../facts/apt-policy.ts';
import { ensureLists, failureText, installArgv, runApt, type InstallOptions } from '../../backends/apt.ts';
import { heldServices, withServicesHeld } from '../../backends/policy-rc.ts';
import { readTargets } from './targets.ts';
import { joinNames } from './summary.ts';
import { aggregatePkgs } from './aggregate.ts';
import { defineState } from '../define.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { LATEST_ARGS } from './args.ts';

export interface LatestOps {
  /** name → version to reach. */
  targets: Record<string, string>;
  upToDate: string[];
  options: InstallOptions;
  before: DpkgDb;
}

function upToDateTail(names: readonly string[]): string {
  if (!names.length) return '';
  return names.length <= 10
    ? ` The following packages were already up-to-date: ${joinNames([...names].sort())}.`
    : ` ${names.length} packages were already up-to-date.`;
}

async function check(args: ArgsOf<typeof LATEST_ARGS>, ctx: StateContext): Promise<Plan<LatestOps>> {
  if (args.sources !== undefined) return failed('The "sources" parameter is not supported.');
  const read = readTargets(args, false);
  if ('error' in read) return failed(read.error);
  if (!read.targets.length) return failed('Invalidly formatted "pkgs" parameter. See minion log.');
  const names = read.targets.map((t) => t.name);
  const listsError = await ensureLists(ctx.facts, ctx.root, args.refresh ?? false, args.cache_valid_time);
  if (listsError) {
    return failed(`An error was encountered while checking the newest available version of package(s): ${listsError}`);
  }
  const db = await ctx.facts.get(dpkgFact, '');
  const policy = await readPolicy(ctx.facts, names);
  const { fromrepo } = args;
  const targets: Record<string, string> = {};
  const problems: string[] = [];
  const upToDate: string[] = [];
  for (const name of names) {
    const cur = db.installed.get(name)?.version;
    const avail = candidateFor(policy.get(name), fromrepo);
    if (!avail) {
      if (!cur) problems.push(`No information found for '${name}'.`);
      else upToDate.push(name);
    } else if (!cur || compareVersions(cur, avail) < 0) {
      targets[name] = avail;
    } else {
      upToDate.push(name);
    }
  }
  if (problems.length) return failed(problems.join(' '));
  const wanted = Object.keys(targets);
  if (!wanted.length) {
    if (names.length > 10) return converged(`All ${names.length} packages are up-to-date.`);
    if (names.length > 1) return converged(`All packages are up-to-date (${joinNames([...names].sort())}).`);
    return converged(`Package ${names[0]} is already up-to-date`);
  }
  const changes: Changes = Object.fromEntries(
    wanted.map((n) => [n, { old: db.installed.get(n)?.version ?? '', new: targets[n] }]),
  );
  const options: InstallOptions = {};
  if (fromrepo) options.fromrepo = fromrepo;
  if (args.install_recommends !== undefined) options.installRecommends = args.install_recommends;
  if (args.only_upgrade) options.onlyUpgrade = true;
  const comment = `The following packages would be installed/upgraded: ${joinNames([...wanted].sort())}.${upToDateTail(upToDate)}`;
  return pending(changes, comment, { targets, upToDate, options, before: db });
}

async function apply(plan: Plan<LatestOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const wanted = Object.keys(ops.targets).sort();
  const r = await withServicesHeld(ctx.root, heldServices(ctx.chunk, ctx.chunks), () =>
    runApt(
      ctx.run,
      installArgv(
        wanted.map((name) => ({ name })),
        ops.options,
      ),
    ),
  );
  ctx.facts.invalidate(dpkgFact);
  const after = await ctx.facts.get(dpkgFact, '');
  const changes = versionChanges(ops.before, after);
  if (r.code !== 0) {
    return {
      result: false,
      changes,
      comment: `An error was encountered while installing package(s): ${failureText(r)}`,
    };
  }
  const broken = wanted.filter((n) => after.installed.get(n)?.version !== ops.targets[n]);
  const done = wanted.filter((n) => !broken.includes(n));
  const comments: string[] = [];
  if (broken.length) comments.push(`The following packages failed to update: ${joinNames(broken)}.`);
  if (done.length) comments.push(`The following packages were successfully installed/upgraded: ${joinNames(done)}.`);
  return { result: !broken.length, changes, comment: comments.join(' ') + upToDateTail(ops.upToDate) };
}

export const latest = defineState({
  doc: 'The packages are installed at the newest version apt offers',
  args: LATEST_ARGS,
  check,
  apply,
  aggregate: aggregatePkgs,
});
