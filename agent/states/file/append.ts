// file.append: text lines at the end of a file, each only when it is not already there.
import { promises as fsp } from 'node:fs';
import type { Outcome, Plan, StateArgs, StateContext, StateFunction } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import { flag, isDict, optString, strList } from '../args.ts';
import { editTarget, splitLines, writeEdit, type EditOps } from './edit.ts';
import { diffOf, hostPath, makeDirs, missingParents, notAbsolute } from './common.ts';
import { loadSource } from './source.ts';
import { pyEscape, pyRegExp } from '../../util/pyre.ts';
import { fileArgs } from './args.ts';

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

function chunksOf(args: StateArgs, ctx: StateContext): { chunks?: string[]; error?: string } {
  if (args.source && args.sources) return { error: 'source and sources are mutually exclusive' };
  const sources = args.source ? [args.source] : strList(args.sources);
  if (sources.length) {
    const context = { ...(isDict(args.defaults) ? args.defaults : {}), ...(isDict(args.context) ? args.context : {}) };
    const template = optString(args.template) ?? 'jinja';
    const chunks: string[] = [];
    for (const s of sources) {
      const r = loadSource(s, ctx, { template, context });
      if (r.error !== undefined) return { error: r.missing ? `Failed to load template file ${String(s)}` : r.error };
      chunks.push(r.text);
    }
    return { chunks };
  }
  if (args.text === undefined || args.text === null) return { error: 'No text found to append. Nothing appended' };
  return { chunks: strList(args.text) };
}

export async function checkAppend(args: StateArgs, ctx: StateContext): Promise<Plan<AppendOps>> {
  const name = args.name;
  const bad = notAbsolute(name);
  if (bad) return failed(bad);
  const { chunks, error } = chunksOf(args, ctx);
  if (error || !chunks) return failed(error ?? '');
  const target = await editTarget(ctx, name);
  let parents: string[] = [];
  if (!target) {
    parents = await missingParents(ctx, name);
    if (parents.length && !flag(args.makedirs) && !ctx.test)
      return failed(`Directory not present to touch file ${name}`);
  }
  const before = target?.text ?? '';
  let lines: string[];
  try {
    lines = linesToAppend(before, chunks, flag(args.ignore_whitespace, true));
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

export const append: StateFunction<AppendOps> = {
  doc: 'The text is in the file, appended at the end if missing',
  args: fileArgs([
    'text',
    'makedirs',
    'source',
    'source_hash',
    'template',
    'sources',
    'source_hashes',
    'defaults',
    'context',
    'ignore_whitespace',
  ]),
  check: checkAppend,
  apply: applyAppend,
};
