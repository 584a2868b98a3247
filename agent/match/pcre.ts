// PCRE matcher: a regular expression against the minion id, anchored at the start like re.match
// (`web\d+` matches `web01` and `web01-old`; add `$` to anchor the end).
import { pyMatch, PyRegexError, RE } from '../util/pyre.ts';
import { TargetError, type Minion } from './types.ts';

/** Python's `bool(re.match(pattern, text))`; an invalid pattern is a TargetError. */
export function reMatch(pattern: string, text: string, ignoreCase = false): boolean {
  try {
    return pyMatch(pattern, text, ignoreCase ? RE.I : 0) !== null;
  } catch (err) {
    throw err instanceof PyRegexError ? new TargetError(err.message) : err;
  }
}

export function pcreMatch(tgt: unknown, minion: Minion): boolean {
  if (typeof tgt !== 'string') throw new TargetError(`pcre target must be a string, not ${JSON.stringify(tgt)}`);
  return reMatch(tgt, minion.id);
}
