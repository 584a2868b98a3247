// The top files of several saltenvs merged into one list of targets, as Salt's default
// top_file_merging_strategy `merge` does (salt/state.py BaseHighState.get_tops and _merge_tops_merge):
// every environment's top.sls is read, base first, then the others in file_roots order. The base
// top file is authoritative: all its sections count. Another environment's top file contributes only
// its own section, and only when the base top file has no section for that environment.
// With a saltenv asked for (Salt's `saltenv=`), only that environment's top file is read and only
// its section for that environment counts (BaseHighState.top_matches).
import type { ErrorData } from '../errors.ts';
import type { RenderContext } from '../render/context.ts';
import type { EnvTrees } from '../store/env-trees.ts';
import { readTop, type TopTarget } from './read.ts';

export interface EnvTops {
  /** False when no saltenv read has a top file. */
  found: boolean;
  targets: TopTarget[];
  errors: ErrorData[];
  /** The trees whose top file was read, for messages. */
  labels: string[];
}

export function readEnvTops(trees: EnvTrees, ctx: RenderContext, file: string, only?: string): EnvTops {
  const out: EnvTops = { found: false, targets: [], errors: [], labels: [] };
  const order = only !== undefined ? [only] : ['base', ...[...trees.keys()].filter((e) => e !== 'base')];
  const baseSections = new Set<string>();
  for (const env of order) {
    const tree = trees.get(env);
    if (!tree) continue;
    out.labels.push(tree.label);
    const r = readTop(tree, env === ctx.saltenv ? ctx : { ...ctx, saltenv: env }, file);
    if (!r.found) continue;
    out.found = true;
    out.errors.push(...r.errors);
    for (const t of r.targets) {
      if (only !== undefined) {
        if (t.saltenv === only) out.targets.push(t);
      } else if (env === 'base') {
        baseSections.add(t.saltenv);
        out.targets.push(t);
      } else if (t.saltenv === env && !baseSections.has(env)) out.targets.push(t);
    }
  }
  return out;
}
