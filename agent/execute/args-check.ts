// Checks a call's arguments against the function's declarations, as Salt's format_call and
// verify_data do, plus types: a missing required argument or a value of the wrong type fails the
// state (in test mode too); an unknown keyword, or one given that halite does not act upon, is a
// warning. A runtime keyword that is also some functions' argument (`runas`) reaches only the
// functions that declare it, without a warning for the others (Salt's expected_extra_kws).
import type { StateFunction } from '../states/types.ts';
import { parseArgs, type ParsedArgs } from '../states/arg-parse.ts';
import { SHARED_KEYWORDS } from '../compile/keywords.ts';

/** Checks `args` (which include `name`) for the function `full` (`file.managed`). */
export function checkArgs(
  fn: Pick<StateFunction, 'args' | 'anyKeyword'>,
  args: Record<string, unknown>,
  full: string,
): ParsedArgs {
  const own = Object.fromEntries(
    Object.entries(args).filter(([k]) => !SHARED_KEYWORDS.has(k) || Object.prototype.hasOwnProperty.call(fn.args, k)),
  );
  return parseArgs(fn.args, own as typeof args, full, fn.anyKeyword);
}
