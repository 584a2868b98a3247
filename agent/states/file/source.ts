// Sources of file contents: salt:// paths in the state tree (first existing of a list),
// local files on the host, optionally rendered as Jinja templates.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StateContext } from '../types.ts';
import { strList } from '../args.ts';
import { formatError } from '../../errors.ts';
import { readTreeFile } from '../../store/tree.ts';

export interface LoadedSource {
  /** The source that was used (first that exists). */
  source: string;
  text: string;
  /** The source as read, before any rendering. */
  raw?: string;
  error?: string;
  /** True when the error is that no source exists. */
  missing?: boolean;
}

export interface SourceOptions {
  template?: string;
  /** Template variables: defaults overlaid with context. */
  context?: Record<string, unknown>;
}

/** `salt://path?saltenv=x` → { path, saltenv }. */
export function parseSaltUrl(url: string): { path: string; saltenv?: string } | undefined {
  if (!url.startsWith('salt://')) return undefined;
  const rest = url.slice('salt://'.length);
  const q = rest.indexOf('?');
  const path = (q === -1 ? rest : rest.slice(0, q)).replace(/^\/+/, '');
  const saltenv = q === -1 ? undefined : (new URLSearchParams(rest.slice(q + 1)).get('saltenv') ?? undefined);
  return { path, saltenv };
}

function readLocal(path: string, ctx: StateContext): string | undefined {
  const abs = join(ctx.root, path.replace(/^file:\/\//, ''));
  try {
    return statSync(abs).isFile() ? readFileSync(abs, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** Reads one source: no text when it does not exist, `refused` for a salt:// path the tree refuses. */
export function readSource(source: string, ctx: StateContext): { text?: string; refused?: string } {
  const salt = parseSaltUrl(source);
  if (salt) {
    const tree = salt.saltenv !== undefined && ctx.treeOf ? ctx.treeOf(salt.saltenv) : ctx.tree;
    return readTreeFile(tree, salt.path);
  }
  const text = source.startsWith('/') || source.startsWith('file:///') ? readLocal(source, ctx) : undefined;
  return text === undefined ? {} : { text };
}

export function renderText(
  text: string,
  file: string,
  ctx: StateContext,
  opts: SourceOptions,
): { text: string; error?: string } {
  if (!opts.template) return { text };
  if (opts.template.toLowerCase() !== 'jinja')
    return { text: '', error: `Specified template format ${opts.template} is not supported` };
  const r = ctx.renderTemplate(file, text, opts.context ?? {});
  if (r.error) return { text: '', error: formatError(r.error) };
  if (typeof r.text !== 'string')
    return { text: '', error: `${file}: the template produced no output (a syntax error?)` };
  return { text: r.text };
}

/**
 * Every one of `sources`, each rendered (as Jinja unless another template is named): the texts the
 * text-adding functions (append, blockreplace) add, or the first error.
 */
export function loadTexts(
  sources: readonly string[],
  ctx: StateContext,
  opts: SourceOptions,
): { texts: string[]; error?: string } {
  const texts: string[] = [];
  for (const s of sources) {
    const r = loadSource(s, ctx, { ...opts, template: opts.template ?? 'jinja' });
    if (r.error !== undefined) return { texts, error: r.missing ? `Failed to load template file ${s}` : r.error };
    texts.push(r.text);
  }
  return { texts };
}

/** The first existing of `sources` (a string or a list), rendered when a template is asked. */
export function loadSource(sources: unknown, ctx: StateContext, opts: SourceOptions = {}): LoadedSource {
  const list = strList(sources);
  for (const source of list) {
    if (!source.startsWith('salt://') && !source.startsWith('/') && !source.startsWith('file:///')) {
      return { source, text: '', error: `Unsupported source ${source}: only salt:// and local paths are supported` };
    }
    const { text, refused } = readSource(source, ctx);
    if (refused) return { source, text: '', error: refused };
    if (text === undefined) continue;
    const file = parseSaltUrl(source)?.path ?? source;
    const r = renderText(text, file, ctx, { ...opts, context: { source, ...(opts.context ?? {}) } });
    return r.error !== undefined ? { source, text: '', error: r.error } : { source, text: r.text, raw: text };
  }
  const error =
    list.length === 1
      ? `Source file ${list[0]} not found in saltenv '${ctx.saltenv}'`
      : 'none of the specified sources were found';
  return { source: list[0] ?? '', text: '', error, missing: true };
}
