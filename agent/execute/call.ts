// One call of a state function on a chunk (Salt's State.call): argument checks, unless/onlyif/
// creates, check → (test: report | apply → re-check) and check_cmd, or the mod_watch reaction; all
// under the state's time limit. Whatever happens inside a module becomes a result, never an exception.
import type { LowChunk, ResultValue } from '../protocol.ts';
import type { Changes, Plan, StateArgs, StateContext, StateFunction } from '../states/types.ts';
import { StateRefusal } from '../states/plan.ts';
import { checkArgs } from './args-check.ts';
import { runCheckCmd, runConditions } from './conditions.ts';
import { StateTimeout, withTimeout } from './timeout.ts';

export interface CallOutcome {
  result: ResultValue;
  changes: Changes;
  comment: string;
  warnings: string[];
  /** unless/onlyif/creates stopped the state: a watch on it must not run its mod_watch. */
  skipWatch?: boolean;
  /** The function asked that a watch that fired run mod_watch despite its changes (force_mod_watch). */
  forceModWatch?: boolean;
}

export interface CallInput {
  chunk: LowChunk;
  fn: StateFunction | undefined;
  /** 'run': check/apply; 'modWatch': the watch reaction (no conditions, no re-check). */
  mode: 'run' | 'modWatch';
  /** Arguments replacing the chunk's own (an aggregated call). */
  args?: Record<string, unknown>;
  /** Time limit in seconds (none when undefined or 0). */
  timeout?: number;
  /** The context for this call, given the signal that aborts it. */
  context(signal: AbortSignal | undefined): StateContext;
  /** Aborts everything (shutdown). */
  signal?: AbortSignal;
}

const fail = (comment: string, warnings: string[] = [], changes: Changes = {}): CallOutcome => ({
  result: false,
  changes,
  comment,
  warnings,
});

function fullName(chunk: LowChunk, mode: CallInput['mode']): string {
  return `${chunk.state}.${mode === 'modWatch' ? 'mod_watch' : chunk.fun}`;
}

const forced = (r: { forceModWatch?: boolean }): { forceModWatch?: true } =>
  r.forceModWatch ? { forceModWatch: true } : {};

/** What a plan means as a result in test mode, or when nothing needs applying. */
function planResult(plan: Plan, test: boolean): CallOutcome | undefined {
  const warnings = plan.warnings ?? [];
  if (plan.status === 'failed') return fail(plan.comment, warnings, plan.changes);
  if (plan.status === 'converged') return { result: true, changes: {}, comment: plan.comment, warnings };
  if (test) return { result: null, changes: plan.changes, comment: plan.comment, warnings, ...forced(plan) };
  return undefined;
}

async function perform(input: CallInput, fn: StateFunction, args: StateArgs, ctx: StateContext): Promise<CallOutcome> {
  const { chunk, mode } = input;
  const full = fullName(chunk, mode);
  if (mode === 'modWatch' && !fn.modWatch) return fail(`State '${full}' was not found in SLS '${chunk.sls}'`);
  const plan = mode === 'modWatch' ? await fn.modWatch!(args, ctx) : await fn.check(args, ctx);
  const early = planResult(plan, ctx.test);
  if (early) return early;
  const out = await fn.apply(plan, ctx);
  const warnings = [...(plan.warnings ?? []), ...(out.warnings ?? [])];
  const result = out.result ?? true;
  if (!result || mode === 'modWatch' || fn.recheck === false || out.recheck === false)
    return { result, changes: out.changes, comment: out.comment, warnings, ...forced(out) };
  const again = await fn.check(args, ctx);
  if (again.status === 'converged')
    return { result: true, changes: out.changes, comment: out.comment, warnings, ...forced(out) };
  const why =
    again.status === 'pending'
      ? `${full} is still not in the desired state after apply: ${again.comment}`
      : `Re-check after apply failed: ${again.comment}`;
  return { result: false, changes: out.changes, comment: out.comment ? `${out.comment}\n${why}` : why, warnings };
}

/**
 * The arguments the function is called with: the chunk's, and the runtime keywords it declares as
 * its own (file.managed's check_cmd, cmd.run's umask and timeout), as Salt's format_call hands a function each
 * keyword its signature takes.
 */
function callArgs(fn: StateFunction, chunk: LowChunk, given: Record<string, unknown>): StateArgs {
  const args: StateArgs = { ...given, name: chunk.name };
  for (const [key, value] of Object.entries(chunk.meta)) {
    if (Object.hasOwn(fn.args, key) && !Object.hasOwn(args, key)) args[key] = value;
  }
  return args;
}

export async function callState(input: CallInput): Promise<CallOutcome> {
  const { chunk, fn, mode } = input;
  const full = fullName(chunk, mode);
  if (!fn) return fail(`State '${chunk.state}.${chunk.fun}' was not found in SLS '${chunk.sls}'`);
  // the function types its arguments itself (define.ts); the executor reports what is wrong first
  const args = callArgs(fn, chunk, input.args ?? chunk.args);
  const check = checkArgs(fn, args, `${chunk.state}.${chunk.fun}`);
  if (check.errors.length) return fail(check.errors.join('\n'), check.warnings);
  try {
    const out = await withTimeout(input.timeout, input.signal, async (signal) => {
      const ctx = input.context(signal);
      const cond = mode === 'run' ? await runConditions(chunk, ctx) : undefined;
      const ran: CallOutcome = cond?.skip
        ? { result: true, changes: {}, comment: cond.comment, warnings: [], skipWatch: cond.skipWatch }
        : await perform(input, fn, args, ctx);
      // check_cmd judges what the run (or the watch reaction) did; a test run did nothing to judge
      const judged = ctx.test ? undefined : await runCheckCmd(chunk, ctx);
      return judged ? { ...ran, ...judged } : ran;
    });
    return { ...out, warnings: [...check.warnings, ...out.warnings] };
  } catch (err) {
    if (err instanceof StateTimeout) return fail(`State ${full} ${err.message}`, check.warnings);
    if (err instanceof StateRefusal) return fail(err.message, check.warnings);
    const msg = err instanceof Error ? err.message : String(err);
    return fail(`An exception occurred in this state: ${msg}`, check.warnings);
  }
}
