// Pillar matcher: `key:value` against the minion's pillar, as the grain matcher does for grains.
import { keyValueTarget } from './grain.ts';
import { subdictMatch } from './subdict.ts';
import { DEFAULT_DELIMITER, type Minion } from './types.ts';

export function pillarMatch(tgt: unknown, minion: Minion, delimiter = DEFAULT_DELIMITER): boolean {
  return subdictMatch(minion.pillar ?? {}, keyValueTarget('pillar', tgt, delimiter), 'glob', delimiter);
}
