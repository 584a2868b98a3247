// PCRE matcher: a regular expression against the minion id, anchored at the start like re.match
// (`web\d+` matches `web01` and `web01-old`; add `$` to anchor the end).
import { reMatch } from './regex.ts';
import { TargetError, type Minion } from './types.ts';

export function pcreMatch(tgt: unknown, minion: Minion): boolean {
  if (typeof tgt !== 'string') throw new TargetError(`pcre target must be a string, not ${JSON.stringify(tgt)}`);
  return reMatch(tgt, minion.id);
}
