// Small constructors for plans and outcomes, so modules read as their Salt counterparts.
import type { Changes, Outcome, Plan } from './types.ts';

export function converged(comment: string, warnings?: string[]): Plan<never> {
  return warnings?.length
    ? { status: 'converged', changes: {}, comment, warnings }
    : { status: 'converged', changes: {}, comment };
}

export function failed(comment: string, changes: Changes = {}): Plan<never> {
  return { status: 'failed', changes, comment };
}

export function pending<Ops>(changes: Changes, comment: string, ops: Ops, warnings?: string[]): Plan<Ops> {
  const plan: Plan<Ops> = { status: 'pending', changes, comment, ops };
  if (warnings?.length) plan.warnings = warnings;
  return plan;
}

export function outcome(changes: Changes, comment: string, result = true): Outcome {
  return result ? { changes, comment } : { result: false, changes, comment };
}

/** The plan's ops, or an error when apply is handed a plan check did not make pending. */
export function opsOf<Ops>(plan: Plan<Ops>): Ops {
  if (plan.status !== 'pending' || plan.ops === undefined) throw new Error(`apply called with a ${plan.status} plan`);
  return plan.ops;
}

/**
 * Thrown where a state finds, deep in a helper, that it must not go on (a symlink it refuses to
 * follow): the executor reports the state failed with this message as its comment.
 */
export class StateRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateRefusal';
  }
}
