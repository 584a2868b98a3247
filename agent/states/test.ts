// test.*: states that report what they are told, for trying out requisites and output.
// Results, comments and changes are Salt's, including in test mode.
import type { Changes, Outcome, Plan, StateArgs, StateContext, StateFunction, StateModule } from './types.ts';
import { converged, failed, pending } from './plan.ts';
import { isDict, optString, strList } from './args.ts';
import { splitTag } from '../protocol.ts';

const CHANGE: Changes = { testing: { old: 'Unchanged', new: 'Something pretended to change' } };

/** A plan whose apply returns `out` as it is; test states are never re-checked. */
function planned(out: Outcome, ctx: StateContext, testComment: string): Plan<Outcome> {
  return pending(out.changes, ctx.test ? testComment : out.comment, out, out.warnings);
}

function fixed(check: StateFunction<Outcome>['check'], optional: string[] = ['comment']): StateFunction<Outcome> {
  return {
    args: { required: [], optional, anyKeyword: true },
    check,
    apply: async (plan) => plan.ops ?? { changes: plan.changes, comment: plan.comment },
    recheck: false,
  };
}

const comment = (args: StateArgs, dflt: string): string => optString(args.comment) ?? dflt;

export const succeed_without_changes = fixed(async (args) => converged(comment(args, 'Success!')));

export const nop = fixed(async () => converged('Success!'), []);

export const fail_without_changes = fixed(async (args, ctx) =>
  failed(ctx.test ? "If we weren't testing, this would be a failure!" : comment(args, 'Failure!')),
);

export const succeed_with_changes = fixed(async (args, ctx) =>
  planned({ changes: CHANGE, comment: comment(args, 'Success!') }, ctx, "If we weren't testing, this would be successful with changes"),
);

export const fail_with_changes = fixed(async (args, ctx) =>
  planned({ result: false, changes: CHANGE, comment: comment(args, 'Failure!') }, ctx, "If we weren't testing, this would be failed with changes"),
);

function pick(v: unknown, what: string): boolean {
  if (typeof v === 'boolean') return v;
  if (String(v).toLowerCase() === 'random') return Math.random() < 0.5;
  throw new Error(
    what === 'changes'
      ? "You have specified the state option 'changes' with invalid arguments. It must be either True, False, or 'Random'"
      : "You have specified the state option 'result' with invalid arguments. It must be either True, False, or 'Random'",
  );
}

export const configurable_test_state: StateFunction<Outcome> = fixed(async (args, ctx) => {
  const text = optString(args.comment) ?? '';
  let hasChanges: boolean;
  let result: boolean;
  try {
    hasChanges = pick(args.changes ?? true, 'changes');
    result = pick(args.result ?? true, 'result');
  } catch (e) {
    return failed((e as Error).message);
  }
  const w = args.warnings;
  if (w !== undefined && w !== null && typeof w !== 'string' && !Array.isArray(w)) {
    return failed("You have specified the state option 'warnings' with invalid arguments. It must be a string or a list of strings");
  }
  const warnings = strList(w);
  const changes = hasChanges ? CHANGE : {};
  if (ctx.test) {
    // Salt: None unless changes is literally False, then True; the comment defaults to "This is a test".
    const c = text || 'This is a test';
    const plan = args.changes === false ? converged(c, warnings) : pending(changes, c, { changes, comment: text }, warnings);
    return plan;
  }
  if (!hasChanges) return result ? converged(text, warnings) : { ...failed(text), ...(warnings.length ? { warnings } : {}) };
  return pending(changes, text, { result, changes, comment: text, ...(warnings.length ? { warnings } : {}) }, warnings);
}, ['changes', 'result', 'comment', 'warnings']);

export const show_notification: StateFunction<Outcome> = {
  args: { required: [], optional: ['text'], anyKeyword: true },
  async check(args) {
    const text = optString(args.text);
    if (!text) return failed('Missing required argument text.');
    return converged(text);
  },
  apply: async (plan) => ({ changes: plan.changes, comment: plan.comment }),
  recheck: false,
};

// The watch reaction of every test function: Salt's test.mod_watch.
const modWatch = async (args: StateArgs, ctx: StateContext): Promise<Plan<Outcome>> => {
  const changed = (ctx.changedRequisites ?? []).map((tag) => {
    const t = splitTag(tag);
    return `${t.state}: ${t.id}`;
  });
  const changes = isDict(args.changes) ? args.changes : { 'Requisites with changes': changed };
  const out: Outcome = { changes, comment: optString(args.comment) ?? 'Watch statement fired.' };
  if (args.result === false) out.result = false;
  return pending(changes, out.comment, out);
};

const testModule: StateModule = {
  nop, succeed_without_changes, fail_without_changes, succeed_with_changes, fail_with_changes,
  configurable_test_state, show_notification,
};
for (const fn of Object.values(testModule)) fn.modWatch = modWatch;

export default testModule;
