// Validates a call's arguments against the function's ArgSpec, as Salt's format_call and
// verify_data do: a missing required argument fails the state; an unknown one is a warning.
import type { ArgSpec } from '../states/types.ts';

export interface ArgsCheck {
  /** Salt's "Missing parameter …" messages, one per missing required argument. */
  errors: string[];
  /** Salt's "'x' is an invalid keyword argument for 'mod.fun'" warning, when there are unknown ones. */
  warnings: string[];
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

/** Checks `args` (which include `name`) for the function `full` (`file.managed`). */
export function checkArgs(spec: ArgSpec, args: Record<string, unknown>, full: string): ArgsCheck {
  const errors: string[] = [];
  for (const req of spec.required) {
    if (args[req] === undefined) errors.push(`Missing parameter ${req} for state ${full}`);
  }
  const warnings: string[] = [];
  if (!spec.anyKeyword) {
    const known = new Set(['name', ...spec.required, ...spec.optional]);
    const extra = Object.keys(args).filter((k) => !known.has(k));
    if (extra.length === 1) warnings.push(`'${extra[0]}' is an invalid keyword argument for '${full}'`);
    else if (extra.length > 1) {
      warnings.push(`${quoted(extra.slice(0, -1))} and '${extra[extra.length - 1]}' are invalid keyword arguments for '${full}'`);
    }
  }
  return { errors, warnings };
}
