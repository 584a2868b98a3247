// Checks a call's arguments against the function's declarations, as Salt's format_call and
// verify_data do, plus types: a missing required argument or a value of the wrong type fails the
// state (in test mode too); an unknown keyword, or one given that halite does not act upon, is a
// warning.
import type { StateFunction } from '../states/types.ts';
import { parseArgs, type ParsedArgs } from '../states/arg-parse.ts';

/** Checks `args` (which include `name`) for the function `full` (`file.managed`). */
export function checkArgs(
  fn: Pick<StateFunction, 'args' | 'anyKeyword'>,
  args: Record<string, unknown>,
  full: string,
): ParsedArgs {
  return parseArgs(fn.args, args, full, fn.anyKeyword);
}
