// The contents file.managed wants: from contents, contents_pillar or contents_grains (Salt's
// normalisation), or from a source (rendered when a template is named and checked against
// source_hash), written in the encoding asked for.
import type { StateContext } from '../types.ts';
import { traverse } from '../../render/salt.ts';
import { pyStr } from '../../render/pyvalue.ts';
import { loadSource, renderText } from './source.ts';
import { splitLines } from './edit.ts';
import { notAbsolute } from './common.ts';
import { sourceSum, verifySum } from './source-hash.ts';
import { encodeText } from './encoding.ts';
import type { ManagedArgs } from './managed-args.ts';

const NOT_FOUND = Symbol('not found');

/**
 * Salt's _validate_str_list: a string as one part, a list as its items, anything else as one part,
 * each as Python's str() has it (true is 'True', a mapping its repr).
 */
export function textParts(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => pyStr(v));
}

/** The pillar or grain keys of contents_pillar / contents_grains: one key, or a list joined by newlines. */
function lookupContents(
  data: Record<string, unknown>,
  keys: unknown,
  delim: string,
  what: string,
): { value?: unknown; error?: string } {
  const many = Array.isArray(keys);
  const values: unknown[] = [];
  for (const k of textParts(keys)) {
    const v = traverse(data, k, NOT_FOUND, delim);
    if (v === NOT_FOUND) return { error: `${what} ${k} does not exist` };
    values.push(v);
  }
  return { value: many ? values.map((v) => pyStr(v)).join('\n') : values[0] };
}

/** Salt's normalisation of `contents`: every line ends with a newline (unless contents_newline is false). */
export function normalizeContents(value: unknown, newline: boolean): string {
  let out = '';
  for (const part of textParts(value)) for (const line of splitLines(part)) out += `${line}\n`;
  return newline ? out : out.replace(/\n$/, '').replace(/\r$/, '');
}

/** Which of contents / contents_pillar / contents_grains is given (they exclude each other). */
export function contentsGiven(args: ManagedArgs): number {
  return [args.contents, args.contents_pillar, args.contents_grains].filter((x) => x !== undefined && x !== null)
    .length;
}

/** The sources given (an empty one is none). */
export function sourcesOf(args: ManagedArgs): string[] {
  return (args.source ?? []).filter((s) => s !== '');
}

/** The desired contents: undefined when neither source nor contents is given. */
export function desiredContents(args: ManagedArgs, ctx: StateContext): { data?: string; error?: string } {
  const delim = args.contents_delimiter;
  let use: unknown;
  if (args.contents_pillar !== undefined && args.contents_pillar !== null) {
    const r = lookupContents(ctx.pillar, args.contents_pillar, delim, 'Pillar');
    if (r.error) return r;
    use = r.value;
  } else if (args.contents_grains !== undefined && args.contents_grains !== null) {
    const r = lookupContents(ctx.grains, args.contents_grains, delim, 'Grain');
    if (r.error) return r;
    use = r.value;
  } else if (args.contents !== undefined && args.contents !== null) {
    use = args.contents;
  }
  const template = args.template;
  const context = { ...(args.defaults ?? {}), ...(args.context ?? {}) };
  if (use !== undefined) {
    if (!args.allow_empty && (use === '' || (Array.isArray(use) && use.length === 0))) {
      const id = args.contents_pillar
        ? `contents_pillar ${pyStr(args.contents_pillar)}`
        : args.contents_grains
          ? `contents_grains ${pyStr(args.contents_grains)}`
          : "'contents'";
      return {
        error: `${id} value would result in empty contents. Set allow_empty to True to allow the managed file to be empty.`,
      };
    }
    const text = normalizeContents(use, args.contents_newline);
    const r = renderText(text, args.name, ctx, { template, context: { ...context, name: args.name } });
    return r.error !== undefined ? { error: `Unable to manage file: ${r.error}` } : { data: r.text };
  }
  const sources = sourcesOf(args);
  if (!sources.length) return {};
  const loaded = loadSource(sources, ctx, { template, context: { ...context, name: args.name } });
  if (loaded.error !== undefined) return { error: `Unable to manage file: ${loaded.error}` };
  const mismatch = checkSourceHash(args, ctx, loaded.source, loaded.raw ?? loaded.text);
  return mismatch !== undefined ? { error: mismatch } : { data: loaded.text };
}

/**
 * The contents as written: in `encoding` when one is given for contents (as in Salt, a source is
 * written as it is, with a warning saying so).
 */
export function encodeContents(
  args: ManagedArgs,
  text: string | undefined,
  warnings: string[],
): { data?: string | Buffer; error?: string } {
  if (!args.encoding || text === undefined) return { data: text };
  if (!contentsGiven(args)) {
    warnings.push(
      `'encoding' applies to contents, contents_pillar and contents_grains: the source is written as it is`,
    );
    return { data: text };
  }
  return encodeText(text, args.encoding, args.encoding_errors);
}

/**
 * Why the source read does not have the hash source_hash gives (undefined when it does, or when no
 * hash is given or skip_verify is set). The hash is of the source as read, before any template.
 */
function checkSourceHash(args: ManagedArgs, ctx: StateContext, source: string, raw: string): string | undefined {
  if (!args.source_hash || args.skip_verify) return undefined;
  const { sum, error } = sourceSum(ctx, args.source_hash, {
    source,
    name: args.name,
    ...(args.source_hash_name ? { hashName: args.source_hash_name } : {}),
  });
  return error ?? (sum && verifySum(sum, raw, source));
}

export function validate(args: ManagedArgs): string | undefined {
  const n = contentsGiven(args);
  if (sourcesOf(args).length && n > 0)
    return "'source' cannot be used in combination with 'contents', 'contents_pillar', or 'contents_grains'";
  if (args.mode === 'keep' && n > 0) {
    return "Mode preservation cannot be used in combination with 'contents', 'contents_pillar', or 'contents_grains'";
  }
  if (n > 1) return "Only one of 'contents', 'contents_pillar', and 'contents_grains' is permitted";
  return notAbsolute(args.name);
}
