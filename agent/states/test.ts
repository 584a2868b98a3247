// test.*: states that report what they are told, for trying out requisites and output.
// Results, comments and changes are Salt's, including in test mode.
import type { Changes, Outcome, Plan, StateArgs, StateContext, StateFunction, StateModule } from './types.ts';
import { converged, failed, pending } from './plan.ts';
import { isDict, optString } from './args.ts';
import { splitTag } from '../protocol.ts';
import { declareArgs, type ArgDecls, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';

const CHANGE: Changes = { testing: { old: 'Unchanged', new: 'Something pretended to change' } };

/** A plan whose apply returns `out` as it is; test states are never re-checked. */
function planned(out: Outcome, ctx: StateContext, testComment: string): Plan<Outcome> {
  return pending(out.changes, ctx.test ? testComment : out.comment, out, out.warnings);
}

/** A test function: any other keyword is accepted (and ignored, as in Salt). */
function fixed<const D extends ArgDecls>(
  doc: string,
  args: D,
  check: (args: ArgsOf<D>, ctx: StateContext) => Promise<Plan<Outcome>>,
): StateFunction<Outcome> {
  return defineState({
    doc,
    args,
    anyKeyword: true,
    check,
    recheck: false,
    apply: async (plan: Plan<Outcome>) => plan.ops ?? { changes: plan.changes, comment: plan.comment },
  });
}

const commentArg = (dflt: string) =>
  declareArgs({ comment: { type: 'string', default: dflt, doc: 'The comment of the result' } });

export const succeed_without_changes = fixed('Succeeds without changes', commentArg('Success!'), async (args) =>
  converged(args.comment),
);

export const nop = fixed('Does nothing and succeeds; takes any keyword', {}, async () => converged('Success!'));

export const fail_without_changes = fixed('Fails without changes', commentArg('Failure!'), async (args, ctx) =>
  failed(ctx.test ? "If we weren't testing, this would be a failure!" : args.comment),
);

export const succeed_with_changes = fixed('Succeeds with changes', commentArg('Success!'), async (args, ctx) =>
  planned(
    { changes: CHANGE, comment: args.comment },
    ctx,
    "If we weren't testing, this would be successful with changes",
  ),
);

export const fail_with_changes = fixed('Fails with changes', commentArg('Failure!'), async (args, ctx) =>
  planned(
    { result: false, changes: CHANGE, comment: args.comment },
    ctx,
    "If we weren't testing, this would be failed with changes",
  ),
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

const CONFIGURABLE = declareArgs({
  changes: { type: 'any', default: true, doc: 'Whether the state reports changes: true, false or "Random"' },
  result: { type: 'any', default: true, doc: 'The result: true, false or "Random"' },
  comment: { type: 'string', default: '', doc: 'The comment of the result' },
  warnings: { type: 'any', doc: 'A warning or a list of warnings to report' },
  allow_test_mode_failure: {
    type: 'bool',
    default: false,
    doc: 'In test mode a False result is reported as False (otherwise None, or True without changes)',
  },
});

export const configurable_test_state = fixed(
  'Reports the result, changes, comment and warnings it is given',
  CONFIGURABLE,
  async (args, ctx) => {
    const text = args.comment;
    let hasChanges: boolean;
    let result: boolean;
    try {
      hasChanges = pick(args.changes, 'changes');
      result = pick(args.result, 'result');
    } catch (e) {
      return failed((e as Error).message);
    }
    const w = args.warnings;
    if (w !== undefined && w !== null && typeof w !== 'string' && !Array.isArray(w)) {
      return failed(
        "You have specified the state option 'warnings' with invalid arguments. It must be a string or a list of strings",
      );
    }
    const warnings = w === undefined || w === null ? [] : Array.isArray(w) ? w.map(String) : [w];
    const changes = hasChanges ? CHANGE : {};
    if (ctx.test) {
      // Salt: None unless changes is literally False, then True; the comment defaults to "This is a test".
      // allow_test_mode_failure lets a False result through, with the changes it would have made.
      const c = text || 'This is a test';
      if (args.allow_test_mode_failure && !result)
        return { ...failed(c, changes), ...(warnings.length ? { warnings } : {}) };
      const plan =
        args.changes === false ? converged(c, warnings) : pending(changes, c, { changes, comment: text }, warnings);
      return plan;
    }
    if (!hasChanges)
      return result ? converged(text, warnings) : { ...failed(text), ...(warnings.length ? { warnings } : {}) };
    return pending(
      changes,
      text,
      { result, changes, comment: text, ...(warnings.length ? { warnings } : {}) },
      warnings,
    );
  },
);

export const show_notification = fixed(
  'Succeeds with its text as the comment',
  declareArgs({ text: { type: 'string', doc: 'The text to show' } }),
  async (args) => (args.text ? converged(args.text) : failed('Missing required argument text.')),
);

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
  nop,
  succeed_without_changes,
  fail_without_changes,
  succeed_with_changes,
  fail_with_changes,
  configurable_test_state,
  show_notification,
};
for (const fn of Object.values(testModule)) fn.modWatch = modWatch;

export default testModule;
