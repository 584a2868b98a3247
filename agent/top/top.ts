// The top file: which SLS each saltenv assigns to this minion.
// Targets are matched in file order with Salt's matchers (compound unless `- match:` says otherwise);
// SLS globs expand to the tree's SLS names; each SLS appears once, where it first appears.
import type { ErrorData } from '../errors.ts';
import { TargetError, type Minion } from '../match/index.ts';
import type { RenderContext } from '../render/context.ts';
import type { StateTree } from '../store/tree.ts';
import { readTop } from './read.ts';
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

/** Renders `file` (default `top.sls`) of `tree` and returns the SLS that match the minion `ctx.grains.id`. */
export function matchTop(tree: StateTree, ctx: RenderContext, file = 'top.sls'): TopResult {
  let minion: Minion;
  try {
    minion = minionOf(ctx);
  } catch (err) {
    return { top: {}, errors: [{ code: 'TOP', message: (err as Error).message, file }] };
  }
  const read = readTop(tree, ctx, file);
  if (!read.found)
    return {
      top: {},
      errors: [{ code: 'TOP', message: `${NO_TOP_MATCHES}: no top file ${file} in ${tree.label}`, file }],
    };
  const sel = selectTargets(read.targets, minion);
  const errors = [...read.errors, ...sel.errors];
  const top: Record<string, string[]> = {};
  let available: string[] | undefined;
  const avail = (): string[] => (available ??= listSls(tree));
  for (const [env, list] of Object.entries(sel.matches)) {
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
