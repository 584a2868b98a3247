// file.replace: a regular-expression substitution in a file (Python re semantics),
// optionally appending or prepending the text when the pattern is not found.
import type { Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { defineState } from '../define.ts';
import { editTarget, splitLinesKeep, writeEdit, type EditOps } from './edit.ts';
import { diffOf, notAbsolute } from './common.ts';
import { flagBits, pyEscape, pyRegExp, pySubn } from '../../util/pyre.ts';
import { fileArgs } from './args.ts';

/** The new text, or an error message (Salt's wording). Pure. */
export function replaceText(
  text: string,
  o: {
    pattern: string;
    repl: string;
    count: number;
    flags: number;
    append: boolean;
    prepend: boolean;
    notFound?: string;
    backslashLiteral: boolean;
  },
): string {
  const repl = o.backslashLiteral ? o.repl.replace(/\\/g, '\\\\') : o.repl;
  const [result, n] = pySubn(pyRegExp(o.pattern, o.flags), repl, text, o.count);
  let found = n > 0;
  const content = o.notFound ?? o.repl;
  if ((o.append || o.prepend) && pyRegExp(`^${pyEscape(content)}($|(?=\\r\\n))`, o.flags).test(text)) found = true;
  if (found || !(o.append || o.prepend)) return result;
  const lines = splitLinesKeep(result);
  if (o.prepend) lines.unshift(`${content}\n`);
  else {
    if (lines.length && !lines[lines.length - 1].endsWith('\n')) lines[lines.length - 1] += '\n';
    lines.push(`${content}\n`);
  }
  return lines.join('');
}

const REPLACE_ARGS = fileArgs(
  [
    'pattern',
    'repl',
    'count',
    'flags',
    'bufsize',
    'append_if_not_found',
    'prepend_if_not_found',
    'not_found_content',
    'backup',
    'show_changes',
    'ignore_if_missing',
    'backslash_literal',
    'encoding',
  ],
  {
    pattern: { required: true },
    repl: { required: true },
    backup: { default: '.bak' },
    count: { default: 0 },
    encoding: { unsupported: 'the file is read and written as UTF-8' },
  },
);

export async function checkReplace(args: ArgsOf<typeof REPLACE_ARGS>, ctx: StateContext): Promise<Plan<EditOps>> {
  const name = args.name;
  const bad = notAbsolute(name);
  if (bad) return failed(bad);
  const target = await editTarget(ctx, name);
  if (!target)
    return args.ignore_if_missing ? converged('No changes needed to be made') : failed(`${name}: file not found`);
  const append = args.append_if_not_found;
  const prepend = args.prepend_if_not_found;
  if (append && prepend) return failed('Only one of append and prepend_if_not_found is permitted');
  if (target.binary) return failed(`Cannot perform string replacements on a binary file: ${target.path}`);
  let text: string;
  try {
    text = replaceText(target.text, {
      pattern: args.pattern,
      repl: args.repl,
      count: args.count,
      flags: flagBits(args.flags, 8),
      append,
      prepend,
      notFound: args.not_found_content,
      backslashLiteral: args.backslash_literal,
    });
  } catch (e) {
    return failed((e as Error).message);
  }
  if (text === target.text) return converged('No changes needed to be made');
  const show = args.show_changes;
  const changes = { diff: show ? diffOf(ctx, target.text, text) : true };
  return pending(changes, 'Changes would have been made', { name, path: target.path, text });
}

export async function applyEdited(plan: Plan<EditOps>, ctx: StateContext): Promise<Outcome> {
  await writeEdit(ctx, opsOf(plan));
  return { changes: plan.changes, comment: 'Changes were made' };
}

export const replace = defineState({
  doc: 'Occurrences of a regular expression in the file are replaced',
  args: REPLACE_ARGS,
  check: checkReplace,
  apply: applyEdited,
});
