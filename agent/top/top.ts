// The top file: which SLS each saltenv assigns to this minion.
// Targets are matched in file order with Salt's matchers (compound unless `- match:` says otherwise);
// SLS globs expand to the tree's SLS names; each SLS appears once, where it first appears.
import type { ErrorData } from '../errors.ts';
import { TargetError, type Minion } from '../match/index.ts';
import type { RenderContext } from '../render/context.ts';
import type { StateTree } from '../store/tree.ts';
import { type EnvTrees, treeOfEnv } from '../store/env-trees.ts';
import { readEnvTops } from './env-tops.ts';
import { type ReadTop, readTop } from './read.ts';
import { selectTargets } from './select.ts';
import { expandSls, listSls } from './sls-names.ts';

export interface TopResult {
  /** saltenv → SLS names matched for this minion, in top-file order, without duplicates. */
  top: Record<string, string[]>;
  errors: ErrorData[];
}

/** Salt's words when a highstate finds nothing to apply. */
export const NO_TOP_MATCHES = 'No Top file or master_tops data matches found';

/** The minion a render context describes (its id from `grains.id`). */
export function minionOf(ctx: RenderContext): Minion {
  const id = ctx.grains.id;
  if (typeof id !== 'string' || !id) throw new TargetError("grains have no 'id': cannot match targets");
  return { id, grains: ctx.grains, pillar: ctx.pillar };
}

/** Which saltenvs' top files are read: every one's (`envs`, merged) or only `only`'s. */
export interface TopEnvs {
  /** saltenv → tree (file_roots); absent: the one tree holds the top file of every saltenv. */
  envs?: EnvTrees;
  /** Salt's `saltenv=`: only this saltenv's top file and its section for this saltenv. */
  only?: string;
}

function readTops(tree: StateTree, ctx: RenderContext, file: string, sel: TopEnvs): ReadTop & { where: string } {
  if (sel.envs) {
    const r = readEnvTops(sel.envs, ctx, file, sel.only);
    return { ...r, where: r.labels.join(', ') || `saltenv '${sel.only}'` };
  }
  const r = readTop(tree, ctx, file);
  const targets = sel.only === undefined ? r.targets : r.targets.filter((t) => t.saltenv === sel.only);
  return { ...r, targets, where: tree.label };
}

/**
 * Renders `file` (default `top.sls`) of `tree` (of each saltenv's tree with `sel.envs`) and returns the
 * SLS that match the minion `ctx.grains.id`.
 */
export function matchTop(tree: StateTree, ctx: RenderContext, file = 'top.sls', sel: TopEnvs = {}): TopResult {
  let minion: Minion;
  try {
    minion = minionOf(ctx);
  } catch (err) {
    return { top: {}, errors: [{ code: 'TOP', message: (err as Error).message, file }] };
  }
  const read = readTops(tree, ctx, file, sel);
  if (!read.found)
    return {
      top: {},
      errors: [{ code: 'TOP', message: `${NO_TOP_MATCHES}: no top file ${file} in ${read.where}`, file }],
    };
  const matched = selectTargets(read.targets, minion);
  const errors = [...read.errors, ...matched.errors];
  const top: Record<string, string[]> = {};
  for (const [env, list] of Object.entries(matched.matches)) {
    let available: string[] | undefined;
    const avail = (): string[] => (available ??= listSls(treeOfEnv(tree, sel.envs, env)));
    const names: string[] = [];
    for (const { sls } of list) {
      for (const n of expandSls(sls, avail)) if (!names.includes(n)) names.push(n);
    }
    top[env] = names;
  }
  if (!Object.keys(top).length && !errors.length) {
    errors.push({ code: 'TOP', message: `${NO_TOP_MATCHES}: no target in ${file} matches '${minion.id}'`, file });
  }
  return { top, errors };
}
