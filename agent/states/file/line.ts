// file.line: line-focused edits (mode ensure / replace / delete / insert, placed with
// before / after / location), following Salt's file.line rules and their messages.
import { promises as fsp } from 'node:fs';
import type { Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { defineState } from '../define.ts';
import { editTarget, splitLinesKeep, writeEdit, type EditOps } from './edit.ts';
import { diffOf, hostPath, notAbsolute, resolveOwner, setMeta, type Owner } from './common.ts';
import { pyRegExp } from '../../util/pyre.ts';
import { fileArgs } from './args.ts';

export interface LineOptions {
  content?: string;
  match?: string;
  mode: string;
  location?: string;
  before?: string;
  after?: string;
  indent: boolean;
}

const EOL = /(?:\r\n|(?<!\r)\n|\r(?!\n))$/;
const eolOf = (line: string): string => EOL.exec(line)?.[0] ?? '';

/** Lines matching `regex` (as a regular expression or as a plain substring); undefined when not asked. */
function toStatic(lines: string[], regex: string | undefined): string[] | undefined {
  if (!lines.length || !regex) return undefined;
  const re = pyRegExp(regex, 16);
  return lines.filter((l) => re.test(l) || l.includes(regex));
}

function assertOne(found: string[] | undefined, what: string): void {
  const n = found?.length ?? 0;
  const msg = n > 1 ? 'more than' : n < 1 ? 'less than' : undefined;
  if (msg) throw new Error(`Found ${msg} expected occurrences in "${what}" expression`);
}

function indentLike(src: string, line: string, indent: boolean): string {
  if (!indent) return line;
  return (/^[ \t]*/.exec(src)?.[0] ?? '') + line.trimStart();
}

const withEol = (src: string, line: string): string => line.trimEnd() + (eolOf(src) || '\n');

/** Salt's _set_line over lines that keep their endings. Throws with Salt's messages. */
export function setLine(input: string[], o: LineOptions): string[] {
  let lines = [...input];
  const content = o.content ?? '';
  const match = !o.match && o.before === undefined && o.after === undefined ? o.content : o.match;
  const after = toStatic(lines, o.after);
  const before = toStatic(lines, o.before);
  const matched = toStatic(lines, match);
  // Salt compares neighbours without their line ending; with indent on, a neighbour that got
  // indented is the same line too (so a second run does not insert it again).
  const strip = (s: string): string => (o.indent ? s.trim() : s.replace(/[\r\n]+$/, ''));
  if (!lines.length && (o.mode === 'delete' || o.mode === 'replace')) return [];
  if (o.mode === 'delete') {
    if (matched?.length) lines = lines.filter((l) => l !== matched[0]);
  } else if (o.mode === 'replace') {
    if (matched?.length) {
      const idx = lines.indexOf(matched[0]);
      lines[idx] = indentLike(lines[idx], content, o.indent);
    }
  } else if (o.mode === 'insert') {
    if (o.before === undefined && o.after === undefined && o.location === undefined) {
      throw new Error('On insert either "location" or "before/after" conditions are required.');
    }
    if (o.location) {
      if (o.location === 'end') {
        // Insert before the empty sentinel that stands for a final newline.
        const at = lines.length && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
        lines.splice(at, 0, lines.length ? indentLike(lines[Math.max(0, at - 1)], content, o.indent) : content);
      } else if (o.location === 'start') {
        lines = lines.length ? [withEol(lines[0], content), ...lines] : [`${content}\n`];
      }
    } else if (before?.length && after?.length) {
      assertOne(before, 'before');
      assertOne(after, 'after');
      const last = lines.indexOf(before[0]);
      lines.splice(last, 0, indentLike(lines[last], content, o.indent));
    } else if (after?.length) {
      assertOne(after, 'after');
      const idx = lines.indexOf(after[0]);
      const next = lines[idx + 1];
      if (next === undefined || strip(next) !== strip(content))
        lines.splice(idx + 1, 0, indentLike(lines[idx], content, o.indent));
    } else if (before?.length) {
      assertOne(before, 'before');
      const idx = lines.indexOf(before[0]);
      const prev = lines[idx - 1] ?? lines[lines.length - 1];
      if (strip(prev) !== strip(content)) lines.splice(idx, 0, indentLike(lines[idx], content, o.indent));
    } else {
      throw new Error('Neither before or after was found in file');
    }
  } else if (o.mode === 'ensure') {
    if (before?.length && after?.length) {
      assertOne(after, 'after');
      assertOne(before, 'before');
      const a = lines.indexOf(after[0]);
      const b = lines.indexOf(before[0]);
      if (!lines.some((l) => l.trimStart() === content)) {
        if (a + 1 === b) lines.splice(a + 1, 0, indentLike(lines[a], content, o.indent));
        else if (a + 2 === b) lines[a + 1] = indentLike(lines[a], content, o.indent);
        else throw new Error('Found more than one line between boundaries "before" and "after".');
      }
    } else if (before?.length) {
      assertOne(before, 'before');
      const b = lines.indexOf(before[0]);
      if (b === 0 || strip(lines[b - 1]) !== strip(content)) {
        lines.splice(b, 0, indentLike(lines[b === 0 ? lines.length - 1 : b - 1], content, o.indent));
      }
    } else if (after?.length) {
      assertOne(after, 'after');
      const a = lines.indexOf(after[0]);
      if (a + 1 >= lines.length || strip(lines[a + 1]) !== strip(content))
        lines.splice(a + 1, 0, indentLike(lines[a], content, o.indent));
    } else {
      throw new Error('Wrong conditions? Unable to ensure line without knowing where to put it before and/or after.');
    }
  }
  return lines;
}

/** Salt's file.line on a whole text. Pure; throws with Salt's messages. */
export function editLines(text: string, o: LineOptions): string {
  let body = splitLinesKeep(text);
  if (body.length && eolOf(body[body.length - 1])) body.push('');
  if (text === '' && (o.mode === 'delete' || o.mode === 'replace')) body = [];
  body = setLine(body, o);
  for (let i = 0; i < body.length; i++) {
    if (!eolOf(body[i]) && i + 1 < body.length)
      body[i] = withEol(body[i ? i - 1 : Math.min(1, body.length - 1)], body[i]);
  }
  if (body.length && body[body.length - 1] === '') body.pop();
  return body.join('');
}

export interface LineOps extends EditOps {
  /** Create the (empty) file first, with this owner and mode. */
  create?: { owner: Owner; mode?: string };
  diff: string;
}

const LINE_ARGS = fileArgs(
  [
    'content',
    'match',
    'mode',
    'location',
    'before',
    'after',
    'show_changes',
    'backup',
    'quiet',
    'indent',
    'create',
    'user',
    'group',
    'file_mode',
  ],
  {
    content: { type: 'string' },
    mode: { type: 'string', doc: 'What to do: ensure, replace, insert or delete' },
    backup: { type: 'any', default: false },
    create: { default: false },
  },
);

export async function checkLine(args: ArgsOf<typeof LINE_ARGS>, ctx: StateContext): Promise<Plan<LineOps>> {
  const name = args.name;
  const bad = notAbsolute(name);
  if (bad) return failed(bad);
  const mode = args.mode?.toLowerCase();
  if (!mode) return failed('Mode was not defined. How to process the file?');
  if (!['insert', 'ensure', 'delete', 'replace'].includes(mode)) return failed(`Unknown mode: "${mode}"`);
  const content = args.content;
  if (mode !== 'delete' && content === undefined) return failed("Content can only be empty if mode is ['delete']");
  let target = await editTarget(ctx, name);
  let create: LineOps['create'];
  if (!target) {
    if (!args.create) return failed(`${name}: file not found`);
    const { owner, error } = await resolveOwner(ctx, args.user, args.group);
    if (error) return failed(error);
    create = { owner, mode: args.file_mode === 'keep' ? undefined : args.file_mode };
    target = { path: name, text: '', binary: false };
  }
  let text: string;
  try {
    text = editLines(target.text, {
      content,
      match: args.match,
      mode,
      location: args.location,
      before: args.before,
      after: args.after,
      indent: args.indent,
    });
  } catch (e) {
    return failed((e as Error).message);
  }
  if (text === target.text && !create) return converged('No changes needed to be made');
  const diff = args.show_changes ? diffOf(ctx, target.text, text) : '';
  const changes = create && text === target.text ? { new: name } : { diff: diff || true };
  return pending(changes, 'Changes would be made', {
    name,
    path: target.path,
    text,
    diff,
    ...(create ? { create } : {}),
  });
}

export async function applyLine(plan: Plan<LineOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  if (ops.create) {
    await (await fsp.open(hostPath(ctx, ops.path), 'a')).close();
    await setMeta(ctx, ops.path, ops.create.owner, ops.create.mode);
  }
  await writeEdit(ctx, ops);
  return { changes: plan.changes, comment: 'Changes were made' };
}

export const line = defineState({
  doc: 'A line of the file is ensured, replaced, inserted or deleted',
  args: LINE_ARGS,
  check: checkLine,
  apply: applyLine,
});
