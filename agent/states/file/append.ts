// file.append: text lines at the end of a file, each only when it is not already there.
import { promises as fsp } from 'node:fs';
import type { Outcome, Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { defineState } from '../define.ts';
import { textParts } from './contents.ts';
import { editTarget, splitLines, writeEdit, type EditOps } from './edit.ts';
import { diffOf, hostPath, makeDirs, missingParents, notAbsolute } from './common.ts';
import { loadTexts } from './source.ts';
import { pyEscape, pyRegExp } from '../../util/pyre.ts';
import { fileArgs, TEXT_SOURCE_TYPES, TEXT_SOURCES } from './args.ts';

export interface AppendOps extends EditOps {
  create: boolean;
  parents: string[];
  count: number;
  diff: string;
}

/**
 * Salt's build_whitespace_split_regex: the text with any run of blanks matching any other.
 * Trailing blanks are allowed too, so a line appended with them is found on the next run.
 */
export function whitespaceRegex(text: string): string {
  let re = '';
  for (const line of splitLines(text)) {
    const parts = line.split(/\s+/).filter(Boolean).map(pyEscape);
    re += `(?:[\\s]+)?${parts.join('(?:[\\s]+)?')}`;
  }
  return `^${re}[ \\t]*$`;
}

/** The lines to append: those of each chunk not yet found in the file. Pure. */
export function linesToAppend(text: string, chunks: string[], ignoreWhitespace: boolean): string[] {
  const out: string[] = [];
  for (const chunk of chunks) {
    const pattern = ignoreWhitespace ? whitespaceRegex(chunk) : chunk;
    if (pyRegExp(pattern, 8).test(text)) continue;
    out.push(...splitLines(chunk));
  }
  return out;
}

export function appendLines(text: string, lines: string[]): string {
  if (!lines.length) return text;
  const base = text && !text.endsWith('\n') ? `${text}\n` : text;
  return base + lines.map((l) => `${l}\n`).join('');
}

const APPEND_ARGS = fileArgs(['text', 'makedirs', ...TEXT_SOURCES, 'ignore_whitespace'], TEXT_SOURCE_TYPES);
type AppendArgs = ArgsOf<typeof APPEND_ARGS>;

function chunksOf(args: AppendArgs, ctx: StateContext): { chunks?: string[]; error?: string } {
  if (args.source && args.sources) return { error: 'source and sources are mutually exclusive' };
  const sources = args.source ? [args.source] : (args.sources ?? []);
  if (sources.length) {
    const r = loadTexts(sources, ctx, { template: args.template, context: { ...args.defaults, ...args.context } });
    return r.error !== undefined ? { error: r.error } : { chunks: r.texts };
  }
  if (args.text === undefined || args.text === null) return { error: 'No text found to append. Nothing appended' };
  return { chunks: textParts(args.text) };
}

export async function checkAppend(args: AppendArgs, ctx: StateContext): Promise<Plan<AppendOps>> {
  const name = args.name;
  const bad = notAbsolute(name);
  if (bad) return failed(bad);
  const { chunks, error } = chunksOf(args, ctx);
  if (error || !chunks) return failed(error ?? '');
  const target = await editTarget(ctx, name);
  let parents: string[] = [];
  if (!target) {
    parents = await missingParents(ctx, name);
    if (parents.length && !args.makedirs && !ctx.test) return failed(`Directory not present to touch file ${name}`);
  }
  const before = target?.text ?? '';
  let lines: string[];
  try {
    lines = linesToAppend(before, chunks, args.ignore_whitespace);
  } catch (e) {
    return failed((e as Error).message);
  }
  const text = appendLines(before, lines);
  const diff = diffOf(ctx, before, text);
  const ops: AppendOps = {
    name,
    path: target?.path ?? name,
    text,
    create: !target,
    parents,
    count: lines.length,
    diff,
  };
  if (!target) return pending({ new: name }, `File ${name} is set to be created`, ops);
  if (!lines.length) return converged(`File ${name} is in correct state`);
  return pending({ diff }, `File ${name} is set to be updated`, ops);
}

export async function applyAppend(plan: Plan<AppendOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  if (ops.create) {
    await makeDirs(ctx, ops.parents, {}, undefined);
    await (await fsp.open(hostPath(ctx, ops.path), 'a')).close();
    ctx.facts.invalidatePath(ops.path);
  }
  if (ops.count) await writeEdit(ctx, ops);
  return {
    changes: ops.diff ? { diff: ops.diff } : {},
    comment: ops.count ? `Appended ${ops.count} lines` : `File ${ops.name} is in correct state`,
  };
}

export const append = defineState({
  doc: 'The text is in the file, appended at the end if missing',
  args: APPEND_ARGS,
  check: checkAppend,
  apply: applyAppend,
});
