// salt['mine.get'](tgt, fun, tgt_type): mine data of the minions a target selects; and
// salt['publish.publish'] answered from the same data.
import type { MineData } from '../protocol.ts';
import { fnmatch as fnmatchcase } from '../match/glob.ts';
import { isDict, pyStr } from './pyvalue.ts';
import { pyMatcher } from '../util/pyre.ts';
import { matchTarget } from '../match/index.ts';

export const MINE_TARGET_TYPES = ['glob', 'list', 'pcre', 'grain', 'grain_pcre', 'ipcidr', 'compound'];

/** Target types read against each host's reported grains (its mine's grains.items); not pillar. */
const GRAIN_TARGETS = new Set(['grain', 'grain_pcre', 'ipcidr', 'compound']);

function matcher(tgt: unknown, tgtType: string, mine: MineData | undefined): (id: string) => boolean {
  if (GRAIN_TARGETS.has(tgtType)) {
    return (id) => {
      const grains = mine?.[id]?.['grains.items'];
      return matchTarget(tgtType, tgt, { id, grains: isDict(grains) ? grains : { id } });
    };
  }
  switch (tgtType) {
    case 'glob':
      return (id) => fnmatchcase(id, pyStr(tgt));
    case 'list': {
      const ids = Array.isArray(tgt)
        ? tgt.map(pyStr)
        : pyStr(tgt)
            .split(',')
            .map((s) => s.trim());
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
export function mineGet(
  mine: MineData | undefined,
  tgt: unknown,
  fun: string,
  tgtType = 'glob',
): Record<string, unknown> {
  const match = matcher(tgt, tgtType, mine);
  const out: Record<string, unknown> = {};
  for (const id of Object.keys(mine ?? {}).sort()) {
    const funs = mine![id];
    if (funs && Object.prototype.hasOwnProperty.call(funs, fun) && match(id)) out[id] = funs[fun];
  }
  return out;
}

/** The functions publish.publish answers, from the mine's network.ip_addrs and grains.items. */
export const PUBLISHED = ['grains.get', 'grains.item', 'grains.items', 'network.ip_addrs', 'test.ping'];

/** Arguments as publish.publish takes them: a list, or one string of comma-separated values. */
function publishArgs(arg: unknown): string[] {
  if (arg === null || arg === undefined || arg === '') return [];
  return Array.isArray(arg) ? arg.map(pyStr) : pyStr(arg).split(',');
}

function walk(grains: unknown, key: string): unknown {
  let cur = grains;
  for (const part of key.split(':')) {
    if (!isDict(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) return '';
    cur = cur[part];
  }
  return cur;
}

/** salt['publish.publish'](tgt, fun, arg): each selected host's answer, from what it reported. */
export function publish(
  mine: MineData | undefined,
  tgt: unknown,
  fun: string,
  arg: unknown,
  tgtType = 'glob',
): Record<string, unknown> {
  if (!PUBLISHED.includes(fun))
    throw new Error(`publish.publish: '${fun}' is not answered here (it answers ${PUBLISHED.join(', ')})`);
  const args = publishArgs(arg);
  if (fun === 'network.ip_addrs') return mineGet(mine, tgt, 'network.ip_addrs', tgtType);
  const grains = mineGet(mine, tgt, 'grains.items', tgtType);
  const out: Record<string, unknown> = {};
  for (const [id, g] of Object.entries(grains)) {
    if (fun === 'test.ping') out[id] = true;
    else if (fun === 'grains.items') out[id] = g;
    else if (fun === 'grains.get') out[id] = walk(g, args[0] ?? '');
    else out[id] = Object.fromEntries(args.map((k) => [k, walk(g, k)]));
  }
  return out;
}
