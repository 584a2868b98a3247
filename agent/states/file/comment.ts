// file.comment / file.uncomment: (un)comment the lines a regular expression finds.
import type { Outcome, Plan, StateContext, StateFunction } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { defineState } from '../define.ts';
import { editTarget, splitLinesKeep, writeEdit, type EditOps, type EditTarget } from './edit.ts';
import { diffOf, notAbsolute } from './common.ts';
import { pyRegExp } from '../../util/pyre.ts';
import { fileArgs } from './args.ts';

export interface CommentOps extends EditOps {
  diff: string;
  /** Whether the edited text has what the state asked for (Salt re-searches after editing). */
  ok: boolean;
}

const search = (text: string, pattern: string): boolean => pyRegExp(pattern, 8).test(text);

/** Salt's comment_line: prefix (or strip) `char` on the lines the regex matches at their start. */
export function commentLines(text: string, regex: string, char: string, comment: boolean): string {
  const body = regex.replace(/^\^/, '').replace(/\$$/, '');
  const end = regex.endsWith('$') ? '$' : '';
  const re = comment ? pyRegExp(`^(${body})${end}`) : pyRegExp(`^${char}\\s*(${body})${end}`);
  return splitLinesKeep(text)
    .map((line) => {
      const bare = line.replace(/\r?\n$/, '');
      if (!re.test(bare)) return line;
      if (comment) return `${char}${line}`;
      let i = 0;
      while (i < line.length && char.includes(line[i])) i++;
      return line.slice(i);
    })
    .join('');
}

const COMMENT_ARGS = fileArgs(['regex', 'char', 'backup', 'ignore_missing'], {
  regex: { required: true },
  backup: { default: '.bak' },
});
type CommentArgs = ArgsOf<typeof COMMENT_ARGS>;

async function prepare(args: CommentArgs, ctx: StateContext): Promise<{ error?: string; target?: EditTarget }> {
  const bad = notAbsolute(args.name);
  if (bad) return { error: bad };
  const target = await editTarget(ctx, args.name);
  if (!target) return { error: `${args.name}: file not found` };
  return { target };
}

function planEdit(
  args: CommentArgs,
  ctx: StateContext,
  path: string,
  before: string,
  text: string,
  ok: boolean,
): Plan<CommentOps> {
  const ops: CommentOps = { name: args.name, path, text, diff: diffOf(ctx, before, text), ok };
  return pending({ [args.name]: 'updated' }, `File ${args.name} is set to be updated`, ops);
}

export async function checkComment(args: CommentArgs, ctx: StateContext): Promise<Plan<CommentOps>> {
  const { error, target } = await prepare(args, ctx);
  if (error || !target) return failed(error ?? '');
  const { regex, char } = args;
  try {
    const unanchor = regex.replace(/^(\(\?[iLmsux]\))?\^?([\s\S]*?)\$?$/, '$2');
    const commented = `${char}${unanchor}`;
    if (!search(target.text, `^(?!\\s*${char})\\s*${unanchor}`)) {
      if (search(target.text, commented)) return converged('Pattern already commented');
      if (args.ignore_missing) return converged('Pattern not found and ignore_missing set to True');
      return failed(`${unanchor}: Pattern not found`);
    }
    const text = commentLines(target.text, regex, char, true);
    return planEdit(args, ctx, target.path, target.text, text, search(text, commented));
  } catch (e) {
    return failed((e as Error).message);
  }
}

export async function checkUncomment(args: CommentArgs, ctx: StateContext): Promise<Plan<CommentOps>> {
  const { error, target } = await prepare(args, ctx);
  if (error || !target) return failed(error ?? '');
  const { regex, char } = args;
  const bare = regex.replace(/^\^/, '');
  try {
    if (!search(target.text, `${char}[ \\t]*${bare}`)) {
      if (search(target.text, `^[ \\t]*${bare}`)) return converged('Pattern already uncommented');
      return failed(`${regex}: Pattern not found`);
    }
    const text = commentLines(target.text, regex, char, false);
    return planEdit(args, ctx, target.path, target.text, text, search(text, `^[ \\t]*${bare}`));
  } catch (e) {
    return failed((e as Error).message);
  }
}

function commenting(doc: string, check: typeof checkComment, ok: string, notOk: string): StateFunction<CommentOps> {
  return defineState({
    doc,
    args: COMMENT_ARGS,
    check,
    async apply(plan, ctx): Promise<Outcome> {
      const ops = opsOf(plan);
      if (ops.diff) await writeEdit(ctx, ops);
      return { result: ops.ok, changes: ops.diff ? { diff: ops.diff } : {}, comment: ops.ok ? ok : notOk };
    },
  });
}

export const comment = commenting(
  'Lines matching regex are commented out',
  checkComment,
  'Commented lines successfully',
  'Expected commented lines not found',
);
export const uncomment = commenting(
  'Commented lines matching regex are uncommented',
  checkUncomment,
  'Uncommented lines successfully',
  'Expected uncommented lines not found',
);
