// Reading a top file: render (Jinja, then YAML), check its structure as Salt's verify_tops does,
// follow its `include:` of further top files, and return its targets in file order.
import type { ErrorData } from '../errors.ts';
import type { RenderContext } from '../render/context.ts';
import { renderTemplate } from '../render/template.ts';
import { parseYaml } from '../render/yaml.ts';
import { locateSls, readTreeFile, type StateTree } from '../store/tree.ts';
import { isMatchType, MATCH_TYPES } from '../match/index.ts';
import { expandSls, listSls } from './sls-names.ts';
import { yamlLines, type YamlPath } from './yaml-lines.ts';

/** One SLS a target assigns, in the saltenv it belongs to (the target's, or `{env: sls}`'s). */
export interface TopSls {
  saltenv: string;
  sls: string;
  file: string;
  line?: number;
}

export type TopItem = ({ kind: 'sls' } & TopSls) | { kind: 'subfilter'; targets: TopTarget[] };

export interface TopTarget {
  saltenv: string;
  /** The target expression (the key under the saltenv). */
  target: string;
  /** Matcher type from `- match:`; `compound` when none is given (Salt's default). */
  match: string;
  items: TopItem[];
  /** `- order: N` (pillar top files sort their targets by it). */
  order: number;
  /** `- ignore_missing: True` (pillar top files: named SLS that do not exist are skipped). */
  ignoreMissing: boolean;
  file: string;
  line?: number;
}

export interface ReadTop {
  /** False when the top file does not exist. */
  found: boolean;
  targets: TopTarget[];
  errors: ErrorData[];
}

/** Option keys a target's list may hold besides SLS names. */
const OPTIONS = new Set(['match', 'order', 'ignore_missing', 'subfilter']);

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface FileCtx {
  file: string;
  envs: Set<string>;
  lineOf: (path: YamlPath) => number | undefined;
  errors: ErrorData[];
}

function topError(fc: FileCtx, message: string, path: YamlPath): void {
  const line = fc.lineOf(path);
  fc.errors.push({ code: 'TOP', message, file: fc.file, ...(line !== undefined ? { line } : {}) });
}

function toOrder(v: unknown): number {
  const n = typeof v === 'number' ? v : Number.parseInt(String(v), 10);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

function readTarget(
  fc: FileCtx,
  saltenv: string,
  target: string,
  body: unknown,
  path: YamlPath,
): TopTarget | undefined {
  if (!Array.isArray(body)) {
    topError(
      fc,
      `target '${target}' in saltenv '${saltenv}' must be a list of SLS names and options, not ${body === null ? 'empty' : typeof body}`,
      path,
    );
    return undefined;
  }
  const t: TopTarget = {
    saltenv,
    target,
    match: 'compound',
    items: [],
    order: 0,
    ignoreMissing: false,
    file: fc.file,
    line: fc.lineOf(path),
  };
  let ok = true;
  body.forEach((item, i) => {
    const ipath = [...path, i];
    if (typeof item === 'string') {
      if (!item) {
        topError(fc, `target '${target}' in saltenv '${saltenv}' contains an empty SLS name`, ipath);
        ok = false;
      } else t.items.push({ kind: 'sls', saltenv, sls: item, file: fc.file, line: fc.lineOf(ipath) });
      return;
    }
    if (!isDict(item)) {
      topError(fc, `target '${target}': ${JSON.stringify(item)} is neither an SLS name nor an option`, ipath);
      ok = false;
      return;
    }
    for (const [key, val] of Object.entries(item)) {
      const kpath = [...ipath, key];
      if (val === null || val === undefined || val === '') {
        topError(fc, `target '${target}': option '${key}' has no value`, kpath);
        ok = false;
      } else if (key === 'match') {
        if (!isMatchType(val)) {
          topError(
            fc,
            `target '${target}': unknown matcher '${String(val)}' (expected one of ${MATCH_TYPES.join(', ')})`,
            kpath,
          );
          ok = false;
        } else t.match = val;
      } else if (key === 'order') t.order = toOrder(val);
      else if (key === 'ignore_missing') t.ignoreMissing = val === true || String(val).toLowerCase() === 'true';
      else if (key === 'subfilter') {
        if (!isDict(val)) {
          topError(fc, `target '${target}': subfilter must map targets to lists`, kpath);
          ok = false;
        } else {
          const subs = Object.entries(val).map(([st, sb]) => readTarget(fc, saltenv, st, sb, [...kpath, st]));
          t.items.push({ kind: 'subfilter', targets: subs.filter((s): s is TopTarget => s !== undefined) });
        }
      } else if (fc.envs.has(key) && typeof val === 'string') {
        t.items.push({ kind: 'sls', saltenv: key, sls: val, file: fc.file, line: fc.lineOf(kpath) });
      } else if (!OPTIONS.has(key)) {
        topError(fc, `target '${target}': unknown option '${key}'`, kpath);
        ok = false;
      }
    }
  });
  return ok ? t : undefined;
}

interface Parsed {
  targets: TopTarget[];
  include: { name: string; line?: number }[];
}

function readData(fc: FileCtx, data: unknown): Parsed {
  const out: Parsed = { targets: [], include: [] };
  if (data === null || data === undefined) return out;
  if (!isDict(data)) {
    fc.errors.push({ code: 'TOP', message: 'a top file must map saltenvs to targets', file: fc.file, line: 1 });
    return out;
  }
  for (const key of Object.keys(data)) if (key !== 'include') fc.envs.add(key);
  for (const [saltenv, targets] of Object.entries(data)) {
    if (saltenv === 'include') {
      const inc = Array.isArray(targets) ? targets : [targets];
      inc.forEach((name, i) => {
        if (typeof name === 'string' && name) out.include.push({ name, line: fc.lineOf(['include', i]) });
        else topError(fc, `include: ${JSON.stringify(name)} is not an SLS name`, ['include', i]);
      });
      continue;
    }
    if (saltenv === '') {
      topError(fc, 'empty saltenv in top file', [saltenv]);
      continue;
    }
    if (!isDict(targets)) {
      topError(fc, `saltenv '${saltenv}' must map targets to lists of SLS names`, [saltenv]);
      continue;
    }
    for (const [target, body] of Object.entries(targets)) {
      const t = readTarget(fc, saltenv, target, body, [saltenv, target]);
      if (t) out.targets.push(t);
    }
  }
  return out;
}

function renderTopFile(
  tree: StateTree,
  file: string,
  source: string,
  ctx: RenderContext,
  errors: ErrorData[],
  envs: Set<string>,
): Parsed | undefined {
  const r = renderTemplate(tree, file, source, ctx);
  if (r.error) {
    errors.push(r.error);
    return undefined;
  }
  const p = parseYaml(r.text, file);
  if (p.errors.length) {
    errors.push(...p.errors);
    return undefined;
  }
  const lines = yamlLines(r.text);
  return readData({ file, envs, lineOf: lines.lineOf, errors }, p.data);
}

/**
 * Renders and reads `file` (and the top files it includes). A target that appears again in an
 * included file replaces the earlier one in place, as Salt's default `merge` strategy does.
 */
export function readTop(tree: StateTree, ctx: RenderContext, file = 'top.sls'): ReadTop {
  const { text: source, refused } = readTreeFile(tree, file);
  if (refused) return { found: true, targets: [], errors: [{ code: 'TOP', message: refused, file }] };
  if (source === undefined) return { found: false, targets: [], errors: [] };
  const errors: ErrorData[] = [];
  const envs = new Set<string>();
  const merged = new Map<string, TopTarget>();
  const add = (targets: TopTarget[]): void => {
    for (const t of targets) merged.set(JSON.stringify([t.saltenv, t.target]), t);
  };
  const main = renderTopFile(tree, file, source, ctx, errors, envs);
  if (!main) return { found: true, targets: [], errors };
  add(main.targets);
  const done = new Set<string>([file]);
  const queue = main.include.map((inc) => ({ ...inc, from: file }));
  let available: string[] | undefined;
  const avail = (): string[] => (available ??= listSls(tree));
  while (queue.length) {
    const inc = queue.shift()!;
    const names = expandSls(inc.name, avail).filter((n) => locateSls(tree, n));
    if (!names.length) {
      errors.push({
        code: 'TOP',
        message: `top file include '${inc.name}' matches no SLS in ${tree.label}`,
        file: inc.from,
        ...(inc.line ? { line: inc.line } : {}),
      });
      continue;
    }
    for (const name of names) {
      const loc = locateSls(tree, name)!;
      if (done.has(loc.path)) continue;
      done.add(loc.path);
      const read = readTreeFile(tree, loc.path);
      if (read.refused) {
        errors.push({ code: 'TOP', message: read.refused, file: loc.path });
        continue;
      }
      const parsed = renderTopFile(tree, loc.path, read.text ?? '', ctx, errors, envs);
      if (!parsed) continue;
      add(parsed.targets);
      queue.push(...parsed.include.map((i) => ({ ...i, from: loc.path })));
    }
  }
  return { found: true, targets: [...merged.values()], errors };
}
