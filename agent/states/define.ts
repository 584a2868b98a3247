// A state function from its declared arguments and its typed check: the function validates and
// coerces what it is given (so a direct caller gets the same checks as the executor), and the
// check and watch reaction receive ArgsOf their declarations.
import type { LowChunk } from '../protocol.ts';
import type { ArgDecls, ArgsOf } from './arg-decl.ts';
import { parseArgs } from './arg-parse.ts';
import { StateRefusal } from './plan.ts';
import type { Outcome, Plan, StateArgs, StateContext, StateFunction } from './types.ts';

export interface StateSpec<D extends ArgDecls, Ops> {
  doc: string;
  args: D;
  anyKeyword?: boolean;
  check(args: ArgsOf<D>, ctx: StateContext): Promise<Plan<Ops>>;
  apply(plan: Plan<Ops>, ctx: StateContext): Promise<Outcome>;
  recheck?: boolean;
  modWatch?(args: ArgsOf<D>, ctx: StateContext): Promise<Plan<Ops>>;
  aggregate?(chunk: LowChunk, pending: readonly LowChunk[]): { args: StateArgs; absorbed: string[] } | undefined;
}

/** The arguments typed for `decls`; a missing or ill-typed one refuses the state. */
export function typedArgs<D extends ArgDecls>(decls: D, raw: StateArgs, anyKeyword = false): ArgsOf<D> {
  const parsed = parseArgs(decls, raw, 'this state', anyKeyword);
  if (parsed.errors.length) throw new StateRefusal(parsed.errors.join('\n'));
  return parsed.args as unknown as ArgsOf<D>;
}

export function defineState<const D extends ArgDecls, Ops = unknown>(spec: StateSpec<D, Ops>): StateFunction<Ops> {
  const { check, modWatch, ...rest } = spec;
  const fn: StateFunction<Ops> = {
    ...rest,
    check: async (raw, ctx) => check(typedArgs(spec.args, raw, spec.anyKeyword), ctx),
  };
  if (modWatch) fn.modWatch = async (raw, ctx) => modWatch(typedArgs(spec.args, raw, spec.anyKeyword), ctx);
  return fn;
}
