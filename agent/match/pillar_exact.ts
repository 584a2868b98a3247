// Exact pillar matcher: `key:value` against the minion's pillar, the value compared without globbing
// (case-insensitive, like the other data matchers).
import { keyValueTarget } from './grain.ts';
import { subdictMatch } from './subdict.ts';
import { DEFAULT_DELIMITER, type Minion } from './types.ts';

export function pillarExactMatch(tgt: unknown, minion: Minion, delimiter = DEFAULT_DELIMITER): boolean {
  return subdictMatch(minion.pillar ?? {}, keyValueTarget('pillar_exact', tgt, delimiter), 'exact', delimiter);
}
