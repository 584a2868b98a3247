// salt['mine.get'](tgt, fun, tgt_type): mine data of the minions a target selects.
import type { MineData } from '../protocol.ts';
import { fnmatch as fnmatchcase } from '../match/glob.ts';
import { pyStr } from './pyvalue.ts';
import { pyMatcher } from '../util/pyre.ts';

export const MINE_TARGET_TYPES = ['glob', 'list', 'pcre'];

function matcher(tgt: unknown, tgtType: string): (id: string) => boolean {
  switch (tgtType) {
    case 'glob':
      return (id) => fnmatchcase(id, pyStr(tgt));
    case 'list': {
      const ids = Array.isArray(tgt) ? tgt.map(pyStr) : pyStr(tgt).split(',').map((s) => s.trim());
      return (id) => ids.includes(id);
    }
    case 'pcre': {
      const match = pyMatcher(pyStr(tgt), 0, 'match');
      return (id) => match(id) !== null;
    }
    default:
      throw new Error(`tgt_type '${tgtType}' is not supported here (use one of: ${MINE_TARGET_TYPES.join(', ')})`);
  }
}

/** Mine values of `fun` for the minions `tgt` selects, keyed by minion id in sorted order. */
export function mineGet(mine: MineData | undefined, tgt: unknown, fun: string, tgtType = 'glob'): Record<string, unknown> {
  const match = matcher(tgt, tgtType);
  const out: Record<string, unknown> = {};
  for (const id of Object.keys(mine ?? {}).sort()) {
    const funs = mine![id];
    if (funs && Object.prototype.hasOwnProperty.call(funs, fun) && match(id)) out[id] = funs[fun];
  }
  return out;
}
