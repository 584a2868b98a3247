// Grain PCRE matcher: `key:regex` against the minion's grains (case-insensitive, re.match).
import { keyValueTarget } from './grain.ts';
import { subdictMatch } from './subdict.ts';
import { DEFAULT_DELIMITER, type Minion } from './types.ts';

export function grainPcreMatch(tgt: unknown, minion: Minion, delimiter = DEFAULT_DELIMITER): boolean {
  return subdictMatch(minion.grains ?? {}, keyValueTarget('grain_pcre', tgt, delimiter), 'pcre', delimiter);
}
