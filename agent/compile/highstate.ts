// The state compiler: top file (or an explicit SLS list) → rendered SLS → high data → low chunks
// in execution order. Pure: the same tree and render context always give the same output.
//
// Steps, in Salt's order (BaseHighState.render_highstate, State.call_high):
//   1. SLS list from the top file (or `sls`), globs expanded; each SLS rendered once, includes
//      followed depth first; automatic order: includes before the including SLS's own states.
//   2. extend applied, then every declaration verified, then exclude applied.
//   3. high → draft chunks (names, args/meta/requisites split, order resolved).
//   4. requisites resolved and chunks sorted into execution order.
// Every error found is reported; when there is any, `chunks` is empty so that nothing runs from
// a highstate that did not compile.
import type { HighData, LowChunk } from '../protocol.ts';
import { type ErrorData, toErrorData } from '../errors.ts';
import type { StateTree } from '../store/tree.ts';
import type { EnvTrees } from '../store/env-trees.ts';
import type { RenderContext } from '../render/context.ts';
import { matchTop } from '../top/top.ts';
import { gatherHigh } from './gather.ts';
import { applyExcludes, applyExtends } from './extend.ts';
import { verifyDecl } from './verify.ts';
import { compileLow } from './low.ts';
import { resolveRequisites } from './requisites.ts';
import { hasModWatch } from '../states/registry.ts';
import { type ShownHigh, showHigh } from './show-high.ts';

export interface CompileInput {
  tree: StateTree;
  ctx: RenderContext;
  /** Explicit SLS list (rendered in ctx.saltenv) instead of the top file, like state.sls. */
  sls?: string[];
  /** saltenv → state tree (file_roots); absent: `tree` serves every saltenv. */
  envs?: EnvTrees;
  /** Salt's `saltenv=` on a highstate: only this saltenv's top file and section apply. */
  saltenv?: string;
  /** Salt's state_auto_order (default true): declarations without `order` run in file order. */
  autoOrder?: boolean;
  /** Also return the high data as rendered, before extend and exclude (`shown`). */
  show?: boolean;
}

export interface CompileOutput {
  /** saltenv → SLS names applied, in order. */
  top: Record<string, string[]>;
  /** High data after extend and exclude, with the automatic `order` arguments. */
  high: HighData;
  /** With `show`: the high data Salt's state.show_highstate returns (show-high.ts). */
  shown?: ShownHigh;
  /** Chunks in execution order; empty when there are errors. */
  chunks: LowChunk[];
  /** Every error found (render, structure, extend, requisites…). */
  errors: ErrorData[];
  /**
   * What Salt compiles and fails when the state runs (a state function no module provides): the
   * chunks are kept; `halite lint` reports these.
   */
  warnings: ErrorData[];
}

export const TOP_FILE = 'top.sls';

export function compileHighstate(input: CompileInput): CompileOutput {
  const { tree, ctx } = input;
  const errors: ErrorData[] = [];
  const warnings: ErrorData[] = [];
  let top: Record<string, string[]>;
  if (input.sls) top = { [ctx.saltenv]: [...input.sls] };
  else {
    const t = matchTop(tree, ctx, TOP_FILE, {
      ...(input.envs ? { envs: input.envs } : {}),
      ...(input.saltenv !== undefined ? { only: input.saltenv } : {}),
    });
    top = t.top;
    errors.push(...t.errors);
  }

  const g = gatherHigh(tree, ctx, top, input.sls ? undefined : TOP_FILE, input.autoOrder ?? true, input.envs);
  errors.push(...g.errors);
  warnings.push(...g.warnings);
  const shown = input.show ? showHigh(g.high, g.ids, g.extends, g.excludes) : undefined;
  errors.push(...applyExtends(g.high, g.ids, g.extends, g.excludes, g.broken));
  const broken = new Set(g.broken);
  for (const id of g.ids) {
    const decl = g.high[id];
    const verified = verifyDecl(id, decl);
    errors.push(...verified.errors);
    warnings.push(...verified.warnings);
    for (const [module, list] of Object.entries(decl)) {
      if (!module.startsWith('__') && !(Array.isArray(list) && list.some((a) => typeof a === 'string'))) broken.add(id);
    }
  }
  const ids = applyExcludes(g.high, g.ids, g.excludes);

  const low = compileLow(g.high, ids, broken);
  errors.push(...low.errors);
  let chunks: LowChunk[] = [];
  try {
    const resolved = resolveRequisites(low.drafts, { hasModWatch });
    errors.push(...resolved.errors);
    warnings.push(...resolved.warnings);
    chunks = resolved.chunks;
  } catch (err) {
    errors.push(toErrorData(err));
  }

  const high: HighData = {};
  for (const id of ids) high[id] = g.high[id];
  return {
    top,
    high,
    ...(shown ? { shown } : {}),
    chunks: errors.length ? [] : chunks,
    errors,
    warnings: [...warnings, ...low.warnings],
  };
}
