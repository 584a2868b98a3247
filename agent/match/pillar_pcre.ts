// Pillar PCRE matcher: `key:regex` against the minion's pillar (case-insensitive, re.match).
import { keyValueTarget } from './grain.ts';
import { subdictMatch } from './subdict.ts';
import { DEFAULT_DELIMITER, type Minion } from './types.ts';

export function pillarPcreMatch(tgt: unknown, minion: Minion, delimiter = DEFAULT_DELIMITER): boolean {
  return subdictMatch(minion.pillar ?? {}, keyValueTarget('pillar_pcre', tgt, delimiter), 'pcre', delimiter);
}
