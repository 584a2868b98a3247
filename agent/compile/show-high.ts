// High data as Salt's state.show_highstate returns it: every rendered ID (excluded ones too) with
// its modules, function and arguments (the automatic `order` included) and `__sls__`/`__env__`,
// then the extensions and exclusions of the SLS files as `__extend__` and `__exclude__` lists, not
// yet applied — the stage before Salt reconciles them into the chunks state.show_lowstate prints.
import type { HighData } from '../protocol.ts';
import { clone } from './data.ts';
import type { ExcludeDecl, ExtendDecl } from './sls-decls.ts';

export type ShownHigh = Record<string, unknown>;

/** `high` as rendered (before extend and exclude), in declaration order, without halite's own locators. */
export function showHigh(
  high: HighData,
  ids: readonly string[],
  extend: ExtendDecl[],
  exclude: ExcludeDecl[],
): ShownHigh {
  const out: ShownHigh = {};
  for (const id of ids) {
    const decl = high[id];
    if (!decl) continue;
    const { __file__: _f, __line__: _l, ...rest } = decl;
    out[id] = clone(rest);
  }
  if (extend.length)
    out.__extend__ = extend.map((e) => ({ [e.id]: { __sls__: e.sls, __env__: e.env, ...clone(e.body) } }));
  if (exclude.length) out.__exclude__ = exclude.map((e) => ({ [e.kind]: e.value }));
  return out;
}
