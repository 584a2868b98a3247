// file.blockreplace: the content between a start and an end marker line, optionally
// added (appended, prepended, or placed by a regex) when the markers are not found.
import type { Plan, StateContext } from '../types.ts';
import { converged, failed, pending } from '../plan.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { defineState } from '../define.ts';
import { editTarget, splitLinesKeep, type EditOps } from './edit.ts';
import { diffOf, notAbsolute } from './common.ts';
import { loadTexts } from './source.ts';
import { pyRegExp } from '../../util/pyre.ts';
import { applyEdited } from './replace.ts';
import { fileArgs, TEXT_SOURCE_TYPES, TEXT_SOURCES } from './args.ts';

export interface BlockOptions {
  markerStart: string;
  markerEnd: string;
  content: string;
  append?: boolean;
  prepend?: boolean;
  insertBefore?: string;
  insertAfter?: string;
  /** true: always end the block with a newline; false: never add one; undefined: only when missing. */
  appendNewline?: boolean;
}

/** Salt's file.blockreplace on a whole text. Pure; throws with Salt's messages. */
export function replaceBlock(text: string, o: BlockOptions): string {
  if ([o.append, o.prepend, Boolean(o.insertBefore), Boolean(o.insertAfter)].filter(Boolean).length > 1) {
    throw new Error(
      'Only one of append_if_not_found, prepend_if_not_found, insert_before_match, and insert_after_match is permitted',
    );
  }
  const appendNewline = o.appendNewline ?? !/\n$/.test(o.content);
  const split = o.content.split('\r\n').flatMap((l) => l.split('\n'));
  const lines = splitLinesKeep(text);
  const linesep = lines.length ? (lines[0].endsWith('\r\n') ? '\r\n' : lines[0].endsWith('\n') ? '\n' : '\n') : '\n';
  const block = (includeStart: boolean, endLine = o.markerEnd): string[] => {
    const out: string[] = [];
    const end = endLine.replace(/[\r\n]+$/, '') + linesep;
    if (includeStart) out.push(o.markerStart + linesep);
    split.forEach((l, i) => {
      if (i !== split.length - 1) out.push(l + linesep);
      else if (appendNewline) out.push(l + linesep, end);
      else out.push(l + end);
    });
    return out;
  };
  let out: string[] = [];
  let inBlock = false;
  let found = false;
  for (const line of lines) {
    let keep = true;
    if (line.includes(o.markerStart)) inBlock = true;
    else if (inBlock) {
      keep = false;
      const pos = line.indexOf(o.markerEnd);
      if (pos !== -1) {
        inBlock = false;
        found = true;
        out.push(...block(false, line.slice(pos)));
      }
    }
    if (keep) out.push(line);
  }
  if (inBlock) throw new Error('Unterminated marked block. End of file reached before marker_end.');
  if (!found) {
    if (o.prepend) out = [...block(true), ...out];
    else if (o.append) {
      if (out.length && !out[out.length - 1].endsWith(linesep)) out[out.length - 1] += linesep;
      out.push(...block(true));
    } else if (o.insertBefore || o.insertAfter) {
      const re = pyRegExp((o.insertBefore ?? o.insertAfter) as string);
      let idx = lines.findIndex((l) => re.test(l));
      if (idx === -1) throw new Error('Cannot edit marked block. Markers were not found in file.');
      for (const l of block(true)) {
        if (o.insertAfter) idx++;
        out.splice(idx, 0, l);
        if (o.insertBefore) idx++;
      }
    } else {
      throw new Error('Cannot edit marked block. Markers were not found in file.');
    }
  }
  return out.join('');
}

const BLOCKREPLACE_ARGS = fileArgs(
  [
    'marker_start',
    'marker_end',
    ...TEXT_SOURCES,
    'content',
    'append_if_not_found',
    'prepend_if_not_found',
    'backup',
    'show_changes',
    'append_newline',
    'insert_before_match',
    'insert_after_match',
  ],
  {
    backup: { default: '.bak' },
    content: { type: 'string', default: '' },
    ...TEXT_SOURCE_TYPES,
  },
);

export async function checkBlockreplace(
  args: ArgsOf<typeof BLOCKREPLACE_ARGS>,
  ctx: StateContext,
): Promise<Plan<EditOps>> {
  const name = args.name;
  const bad = notAbsolute(name);
  if (bad) return failed(bad);
  if (args.source && args.sources) return failed('source and sources are mutually exclusive');
  const target = await editTarget(ctx, name);
  if (!target) return failed(`${name}: file not found`);
  if (target.binary)
    return failed(
      `Encountered error managing block: Cannot perform string replacements on a binary file: ${target.path}. See the log for details.`,
    );
  const sources = args.source ? [args.source] : (args.sources ?? []);
  const loaded = loadTexts(sources, ctx, { template: args.template, context: { ...args.defaults, ...args.context } });
  if (loaded.error !== undefined) return failed(loaded.error);
  const content = args.content + loaded.texts.join('');
  let text: string;
  try {
    text = replaceBlock(target.text, {
      markerStart: args.marker_start,
      markerEnd: args.marker_end,
      content,
      append: args.append_if_not_found,
      prepend: args.prepend_if_not_found,
      insertBefore: args.insert_before_match,
      insertAfter: args.insert_after_match,
      appendNewline: args.append_newline,
    });
  } catch (e) {
    return failed(`Encountered error managing block: ${(e as Error).message}. See the log for details.`);
  }
  if (text === target.text) return converged('No changes needed to be made');
  const diff = args.show_changes ? diffOf(ctx, target.text, text) : true;
  return pending({ diff }, 'Changes would be made', { name, path: target.path, text });
}

export const blockreplace = defineState({
  doc: 'The block between two marker lines has this content',
  args: BLOCKREPLACE_ARGS,
  check: checkBlockreplace,
  apply: applyEdited,
});
