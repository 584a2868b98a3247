// Grain matcher: `key:value` against the minion's grains; nested keys with the delimiter
// (`os:family:debian`), the value a case-insensitive glob, list grains matching on any member.
import { subdictMatch } from './subdict.ts';
import { DEFAULT_DELIMITER, TargetError, type Minion } from './types.ts';

/** Throws unless `tgt` is a string holding the delimiter: `key<delim>value`. */
export function keyValueTarget(kind: string, tgt: unknown, delimiter: string): string {
  if (typeof tgt !== 'string') throw new TargetError(`${kind} target must be a string, not ${JSON.stringify(tgt)}`);
  if (!tgt.includes(delimiter)) {
    throw new TargetError(`${kind} target '${tgt}' has no '${delimiter}': expected key${delimiter}value`);
  }
  return tgt;
}

export function grainMatch(tgt: unknown, minion: Minion, delimiter = DEFAULT_DELIMITER): boolean {
  return subdictMatch(minion.grains ?? {}, keyValueTarget('grain', tgt, delimiter), 'glob', delimiter);
}
