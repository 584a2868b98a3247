// What the language package states (pip, npm, gem, pecl) share: the plan when their tool is not
// installed. Salt users `require` a pkg.installed of the tool; in test mode, while such a
// requisite is about to change, the tool's absence is expected and the state is planned instead.
import { failed, pending } from './plan.ts';
import type { Plan, StateContext } from './types.ts';

/** Whether a requisite of this state would change in this test run (the tool may come with it). */
export const waitingForRequisites = (ctx: StateContext): boolean => ctx.test && !!ctx.pendingRequisites?.length;

/**
 * The plan for a state whose tool is missing: failed, naming the tool and its Debian package (or
 * `hint`), or in
 * test mode with a requisite about to change, `wouldDo` with a note that the tool is not there yet.
 */
export function toolMissingPlan<Ops>(
  ctx: StateContext,
  failure: string,
  tool: string,
  debianPackage: string,
  wouldDo: string,
  hint = `${tool} is not installed: install it first, e.g. pkg.installed: ${debianPackage}, and require it`,
): Plan<Ops> {
  if (waitingForRequisites(ctx))
    return pending<Ops>(
      {},
      `${wouldDo} (${tool} is not available yet: a state this one requires is set to change first)`,
      undefined as Ops,
    );
  return failed(`${failure} (${hint})`);
}
