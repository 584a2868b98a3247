// onlyif / unless entries in their module form (Salt's State._run_check_function):
//
//   - onlyif:
//     - fun: file.file_exists       # an execution function
//       path: /etc/x                # the other keys are its keyword arguments
//     - fun: cmd.run
//       args: ['test -d /srv']      # positional arguments
//       get_return: a:b             # look into what it returns (Salt's traverse, ':' separated)
//
// The entry holds when the value is true in Python's sense, except that a cmd.* function whose
// command exited non-zero makes it fail whatever it printed (Salt's context retcode). The
// functions are those templates call: pillar, grains, config… and on the host cmd.*, file.*exists,
// network.*. Another name, or a function that raises, fails the state.
import type { StateContext } from '../states/types.ts';
import { hostFunctions } from '../render/host-functions.ts';
import { traverse } from '../render/salt.ts';
import { pyBool } from '../render/pyvalue.ts';

export type FunctionEntry = Record<string, unknown>;

export function isFunctionEntry(v: unknown): v is FunctionEntry {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ConditionCall {
  /** The value is true (Python truthiness). */
  holds: boolean;
  /** The last exit code a cmd.* function reported (0 when it ran none). */
  retcode: number;
}

/** Calls the function an entry names; throws, naming it, when it does not exist or fails. */
export function callCondition(kind: 'onlyif' | 'unless', entry: FunctionEntry, ctx: StateContext): ConditionCall {
  const { fun, args, get_return: getReturn, ...kwargs } = entry;
  const name = String(fun);
  let retcode = 0;
  const host = hostFunctions({ root: ctx.root, used: () => undefined, retcode: (c) => (retcode = c) });
  const fns = ctx.execFunctions(host);
  const fn = Object.prototype.hasOwnProperty.call(fns, name) ? fns[name] : undefined;
  if (typeof fn !== 'function') throw new Error(`${kind}: there is no execution function '${name}'`);
  const positional = args === undefined || args === null ? [] : Array.isArray(args) ? args : [args];
  const call = Object.keys(kwargs).length ? [...positional, { ...kwargs, __keywords: true }] : positional;
  let value: unknown;
  try {
    value = (fn as (...a: unknown[]) => unknown)(...call);
  } catch (err) {
    throw new Error(`${kind}: ${name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (getReturn !== undefined && getReturn !== null) value = traverse(value, String(getReturn), null);
  return { holds: pyBool(value), retcode };
}
