// pkg.installed: every target installed (at a version that matches its specification),
// with one apt-get install for all that are missing.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Changes, Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import { dpkgFact, versionChanges, type DpkgDb } from '../../facts/dpkg.ts';
import {
  ensureLists,
  failureText,
  installArgv,
  runApt,
  type InstallOptions,
  type InstallTarget,
} from '../../backends/apt.ts';
import { heldServices, withServicesHeld } from '../../backends/policy-rc.ts';
import { desiredText, readTargets, type Target } from './targets.ts';
import { fulfilled, resolveInstall, resolveLatest } from './resolve.ts';
import { alreadyInstalledSentence, installedSentence, joinNames } from './summary.ts';
import { applyHolds, holdChanges, holdPlanComment, holdsToChange, type HoldOps } from './hold.ts';
import { aggregatePkgs } from './aggregate.ts';
import { defineState } from '../define.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { INSTALLED_ARGS } from './args.ts';

type Args = ArgsOf<typeof INSTALLED_ARGS>;

export interface InstallOps {
  install: InstallTarget[];
  options: InstallOptions;
  /** Every target of the call, to verify after apt ran. */
  desired: Target[];
  /** Names apt was asked to install or change. */
  needed: string[];
  allowUpdates: boolean;
  ignoreEpoch: boolean;
  /** Targets already as asked for, installed again (reinstall). */
  reinstall: string[];
  before: DpkgDb;
  hold?: HoldOps;
}

function installOptions(args: Args, downgrade: boolean, reinstall: boolean): InstallOptions {
  const o: InstallOptions = {};
  if (args.fromrepo) o.fromrepo = args.fromrepo;
  if (args.install_recommends !== undefined) o.installRecommends = args.install_recommends;
  if (downgrade) o.allowDowngrades = true;
  if (reinstall) o.reinstall = true;
  if (args.only_upgrade) o.onlyUpgrade = true;
  if (args.update_holds) o.changeHeld = true;
  return o;
}

/** Held packages whose version the call would change: without update_holds, the state refuses. */
function heldRefusal(need: readonly Target[], db: DpkgDb): string | undefined {
  const held = need.filter((t) => db.installed.get(t.name)?.want === 'hold').map((t) => t.name);
  if (!held.length) return undefined;
  return `The following packages are held and would change version: ${joinNames(held)}. Set update_holds: True to change them.`;
}

/**
 * Test mode, with a pkgrepo state this one requires about to change the sources: what they will
 * offer cannot be known yet, so a package the current sources lack is planned, not failed.
 */
const repositoryPending = (ctx: StateContext): boolean =>
  ctx.test && (ctx.pendingRequisites ?? []).some((tag) => tag.startsWith('pkgrepo_|-'));

/** Salt's bypass_file: the state succeeds without looking when the file exists (and contains the text). */
async function bypassed(args: Args, ctx: StateContext): Promise<string | undefined> {
  if (!args.bypass_file) return undefined;
  let text: string;
  try {
    const path = join(ctx.root, args.bypass_file);
    if (!(await fsp.stat(path)).isFile()) return undefined;
    text = await fsp.readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  if (args.bypass_file_contains === undefined)
    return `pkg.installed was bypassed as bypass_file ${args.bypass_file} was present`;
  return text.includes(args.bypass_file_contains)
    ? `pkg.installed was bypassed as ${args.bypass_file_contains} was present in ${args.bypass_file}`
    : undefined;
}

async function check(args: Args, ctx: StateContext): Promise<Plan<InstallOps>> {
  const bypass = await bypassed(args, ctx);
  if (bypass) return converged(bypass);
  if (args.pkgs?.length === 0) return converged('No packages to install provided');
  if (args.sources !== undefined) return failed("The 'sources' argument is not supported by the apt backend.");
  const read = readTargets(args);
  if ('error' in read) return failed(read.error);
  const listsError = await ensureLists(ctx.facts, ctx.root, args.refresh ?? false, args.cache_valid_time);
  if (listsError) return failed(listsError);
  const db = await ctx.facts.get(dpkgFact, '');
  const targets = await resolveLatest(ctx.facts, read.targets, db, args.fromrepo);
  const allowUpdates = args.allow_updates;
  const ignoreEpoch = args.ignore_epoch ?? false;
  const need = targets.filter((t) => !fulfilled(t, db.installed.get(t.name)?.version, allowUpdates, ignoreEpoch));
  const again = args.reinstall ? targets.filter((t) => !need.includes(t)) : [];
  if (!args.update_holds) {
    const refusal = heldRefusal(need, db);
    if (refusal) return failed(refusal);
  }
  const { fromrepo } = args;
  const res = await resolveInstall(ctx.facts, need, db, fromrepo, ignoreEpoch);
  for (const t of again) res.install.push({ name: t.name, version: db.installed.get(t.name)?.version ?? '' });
  const repoFirst = res.unavailable.length > 0 && repositoryPending(ctx);
  if (res.unavailable.length && !repoFirst) {
    return failed(`The following packages are not available from any configured source: ${joinNames(res.unavailable)}`);
  }
  const hold =
    args.hold === undefined
      ? undefined
      : holdsToChange(
          targets.map((t) => t.name),
          db,
          args.hold,
        );
  if (!need.length && !again.length && !hold) {
    const versioned = targets.some((t) => t.spec);
    return converged(
      `All specified packages are already installed${versioned ? ' and are at the desired version' : ''}`,
    );
  }
  const changes: Changes = hold ? holdChanges(hold) : {};
  for (const t of need)
    changes[t.name] = { old: db.installed.get(t.name)?.version ?? '', new: res.expected[t.name] ?? 'installed' };
  for (const t of again) changes[t.name] = reinstalledChange(db, t.name);
  const comment = [
    need.length ? `The following packages would be installed/updated: ${joinNames(need.map(desiredText))}` : '',
    again.length ? `The following packages would be reinstalled: ${joinNames(again.map((t) => t.name))}` : '',
    repoFirst
      ? `(${joinNames(res.unavailable)}: not offered by the sources configured now, but a package repository this state requires is set to change first)`
      : '',
    hold ? holdPlanComment(hold) : '',
  ]
    .filter(Boolean)
    .join(' ');
  const ops: InstallOps = {
    install: res.install,
    options: installOptions(args, res.downgrade, again.length > 0),
    desired: targets,
    needed: need.map((t) => t.name),
    allowUpdates,
    ignoreEpoch,
    reinstall: again.map((t) => t.name),
    before: db,
  };
  if (hold) ops.hold = hold;
  return pending(changes, comment, ops);
}

async function apply(plan: Plan<InstallOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const comments: string[] = [];
  let changes: Changes = {};
  let ok = true;
  if (ops.install.length) {
    const r = await withServicesHeld(ctx.root, heldServices(ctx.chunk, ctx.chunks), () =>
      runApt(ctx.run, installArgv(ops.install, ops.options)),
    );
    ctx.facts.invalidate(dpkgFact);
    const after = await ctx.facts.get(dpkgFact, '');
    changes = versionChanges(ops.before, after);
    if (r.code !== 0) {
      return {
        result: false,
        changes,
        comment: `An error was encountered while installing package(s): ${failureText(r)}`,
      };
    }
    const good = ops.desired.filter((t) =>
      fulfilled(t, after.installed.get(t.name)?.version, ops.allowUpdates, ops.ignoreEpoch),
    );
    const modified = good.filter((t) => ops.needed.includes(t.name));
    const reinstalled = good.filter((t) => ops.reinstall.includes(t.name));
    const notModified = good.filter((t) => !ops.needed.includes(t.name) && !ops.reinstall.includes(t.name));
    for (const t of reinstalled) changes[t.name] ??= reinstalledChange(after, t.name);
    const broken = ops.desired.filter((t) => !good.includes(t) && ops.needed.includes(t.name));
    if (broken.length) {
      ok = false;
      comments.push(`The following packages failed to install/update: ${joinNames(broken.map(desiredText))}`);
    }
    if (modified.length) comments.push(installedSentence(modified.map(desiredText)));
    if (reinstalled.length)
      comments.push(`The following packages were reinstalled: ${joinNames(reinstalled.map((t) => t.name))}`);
    if (notModified.length) comments.push(alreadyInstalledSentence(notModified.map(desiredText)));
  }
  if (ops.hold) {
    const h = await applyHolds(ops.hold, ctx);
    comments.push(h.comment);
    if (h.ok)
      Object.assign(
        changes,
        Object.fromEntries(Object.entries(holdChanges(ops.hold)).filter(([n]) => !(n in changes))),
      );
    else ok = false;
  }
  // a reinstall is done once: checked again, the package would be reinstalled again
  return { result: ok, changes, comment: comments.join(' '), ...(ops.reinstall.length ? { recheck: false } : {}) };
}

/** A package installed again at the same version. */
function reinstalledChange(db: DpkgDb, name: string): { old: string; new: string } {
  const v = db.installed.get(name)?.version ?? '';
  return { old: v, new: v };
}

export const installed = defineState({
  doc: 'The packages are installed (at the version asked for), in one apt-get call with the other pkg states of the run',
  args: INSTALLED_ARGS,
  check,
  apply,
  aggregate: aggregatePkgs,
});
