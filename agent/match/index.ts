// Target matching by type, as a top file's `- match:` option or a CLI targeting flag names it.
// Every matcher is a pure function of the target and the minion's id, grains and pillar.
import { compoundMatch } from './compound.ts';
import { globMatch } from './glob.ts';
import { grainMatch } from './grain.ts';
import { grainPcreMatch } from './grain_pcre.ts';
import { ipcidrMatch } from './ipcidr.ts';
import { listMatch } from './list.ts';
import { pcreMatch } from './pcre.ts';
import { pillarMatch } from './pillar.ts';
import { pillarExactMatch } from './pillar_exact.ts';
import { pillarPcreMatch } from './pillar_pcre.ts';
import { DEFAULT_DELIMITER, TargetError, type Minion } from './types.ts';

export { TargetError, type Minion } from './types.ts';
export {
  compoundMatch,
  globMatch,
  grainMatch,
  grainPcreMatch,
  ipcidrMatch,
  listMatch,
  pcreMatch,
  pillarMatch,
  pillarExactMatch,
  pillarPcreMatch,
};
export { fnmatch } from './glob.ts';

type Matcher = (tgt: unknown, minion: Minion, delimiter: string) => boolean;

const MATCHERS = {
  compound: compoundMatch,
  glob: globMatch,
  grain: grainMatch,
  grain_pcre: grainPcreMatch,
  list: listMatch,
  pcre: pcreMatch,
  pillar: pillarMatch,
  pillar_pcre: pillarPcreMatch,
  pillar_exact: pillarExactMatch,
  ipcidr: ipcidrMatch,
} satisfies Record<string, Matcher>;

export type MatchType = keyof typeof MATCHERS;

export const MATCH_TYPES = Object.keys(MATCHERS) as MatchType[];

export function isMatchType(v: unknown): v is MatchType {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(MATCHERS, v);
}

export interface MatchOptions {
  /** Key separator for grain and pillar matchers (default ':'). */
  delimiter?: string;
}

/**
 * Does `tgt`, read as a target of `type`, select `minion`? Throws a TargetError for an unknown
 * type or a target that cannot be evaluated (bad compound syntax, regex, CIDR, missing delimiter).
 */
export function matchTarget(type: string, tgt: unknown, minion: Minion, opts: MatchOptions = {}): boolean {
  if (!isMatchType(type))
    throw new TargetError(`unknown matcher '${type}' (expected one of ${MATCH_TYPES.join(', ')})`);
  return (MATCHERS[type] as Matcher)(tgt, minion, opts.delimiter ?? DEFAULT_DELIMITER);
}
