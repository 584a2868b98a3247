// One pillar SLS rendered (Jinja, then YAML) with the pillar compiled so far, and its `include:`
// resolved as Salt does: included SLS first, in order, then the including SLS over them; an
// include may nest its data under `key: a:b` and pass template variables in `defaults:`.
import type { ErrorData } from '../errors.ts';
import { cloneData, isPlainDict, merge, type Dict } from './merge.ts';
import type { Grains, InventoryHost, MineData } from '../protocol.ts';
import { slsVars } from '../render/sls.ts';
import { renderTemplate } from '../render/template.ts';
import { parseYaml } from '../render/yaml.ts';
import { expandSls } from '../top/sls-names.ts';
import { yamlLines } from '../top/yaml-lines.ts';
import { locateSls, readTreeFile, type StateTree } from '../store/tree.ts';

export interface PillarRender {
  tree: StateTree;
  grains: Grains;
  saltenv: string;
  mine?: MineData;
  inventory?: InventoryHost[];
  mergeLists: boolean;
  /** The private tree: its errors never quote its lines (they hold the secrets). */
  secret?: boolean;
  /** SLS names in the tree (for include globs). */
  available: () => readonly string[];
  /** SLS already rendered in this compilation (reused by later includes; guards include cycles). */
  mods: Map<string, Dict | null>;
  errors: ErrorData[];
}

/** Where the SLS that names another one does so. */
export interface Origin {
  file: string;
  line?: number;
}

function err(r: PillarRender, message: string, file: string | undefined, line?: number): void {
  r.errors.push({ code: 'PILLAR', message, ...(file ? { file } : {}), ...(line !== undefined ? { line } : {}) });
}

/** Resolves `.name` / `..name` against the including SLS, as Salt's relative includes. */
function relativeInclude(name: string, sls: string, isInit: boolean): string | undefined {
  const m = /^(\.+)(.*)$/.exec(name);
  if (!m) return name;
  const parts = sls.split('.');
  if (isInit) parts.push('init');
  if (m[1].length > parts.length) return undefined;
  return [...parts.slice(0, parts.length - m[1].length), m[2]].join('.');
}

/**
 * A template error of the private tree without what it quotes: a value that happens to hold `{{` or
 * `{%` is read as template code, and the error would name a piece of it.
 */
function unquoted(message: string): string {
  return message.replace(/'[^'\n]*'|"[^"\n]*"/g, "'…'");
}

function nestUnder(key: string, data: Dict): Dict {
  let out: Dict = data;
  for (const k of key.split(':').reverse()) out = { [k]: out };
  return out;
}

interface IncludeSpec {
  name: string;
  key?: string;
  defaults: Dict;
  line?: number;
}

function readIncludes(
  r: PillarRender,
  raw: unknown,
  file: string,
  lineOf: (p: (string | number)[]) => number | undefined,
): IncludeSpec[] {
  if (!Array.isArray(raw)) {
    err(r, 'include must be a list of SLS names', file, lineOf(['include']));
    return [];
  }
  const out: IncludeSpec[] = [];
  raw.forEach((item, i) => {
    const line = lineOf(['include', i]) ?? lineOf(['include']);
    if (typeof item === 'string' && item) {
      out.push({ name: item, defaults: {}, line });
      return;
    }
    const entries = isPlainDict(item) ? Object.entries(item) : [];
    const [name, opts] = entries[0] ?? [];
    if (entries.length !== 1 || !name || !(opts === null || isPlainDict(opts))) {
      err(
        r,
        `include item ${JSON.stringify(item)} must be an SLS name or {sls: {key: ..., defaults: {...}}}`,
        file,
        line,
      );
      return;
    }
    const key = opts?.key;
    const defaults = opts?.defaults ?? {};
    if (key !== undefined && (typeof key !== 'string' || !key)) {
      err(r, `include '${name}': key must be a string such as 'a:b'`, file, line);
      return;
    }
    if (!isPlainDict(defaults)) {
      err(r, `include '${name}': defaults must be a mapping`, file, line);
      return;
    }
    out.push({ name, key, defaults, line });
  });
  return out;
}

/**
 * Renders `sls` with `pillar` (the pillar compiled so far) visible to its template. Returns its data
 * with its includes merged in, null for an SLS that renders empty, or undefined when it failed or
 * does not exist (the errors are in `r.errors`).
 */
export function renderPillarSls(
  r: PillarRender,
  sls: string,
  pillar: Dict,
  from: Origin,
  defaults: Dict = {},
): Dict | null | undefined {
  const found = locateSls(r.tree, sls);
  if (!found) {
    const base = sls.replace(/\./g, '/');
    err(
      r,
      `pillar SLS '${sls}' (saltenv ${r.saltenv}) not found in ${r.tree.label} (looked for ${base}.sls and ${base}/init.sls)`,
      from.file,
      from.line,
    );
    return undefined;
  }
  const { path: file, isInit } = found;
  const read = readTreeFile(r.tree, file);
  if (read.refused) {
    err(r, read.refused, file);
    return undefined;
  }
  const source = read.text ?? '';
  const ctx = {
    grains: r.grains,
    pillar: cloneData(pillar),
    saltenv: r.saltenv,
    ...(r.mine ? { mine: r.mine } : {}),
    ...(r.inventory ? { inventory: r.inventory } : {}),
  };
  const rendered = renderTemplate(r.tree, file, source, ctx, { ...slsVars(sls, file, isInit, r.saltenv), ...defaults });
  if (rendered.error) {
    const message = r.secret ? unquoted(rendered.error.message) : rendered.error.message;
    r.errors.push({ ...rendered.error, code: 'PILLAR', message });
    return undefined;
  }
  const parsed = parseYaml(rendered.text, file, { quote: !r.secret });
  if (parsed.errors.length) {
    r.errors.push(...parsed.errors.map((e) => ({ ...e, code: 'PILLAR' as const })));
    return undefined;
  }
  if (parsed.data === null || parsed.data === undefined) {
    r.mods.set(sls, null);
    return null;
  }
  if (!isPlainDict(parsed.data)) {
    err(r, `pillar SLS '${sls}' does not render to a dictionary`, file, 1);
    return undefined;
  }
  const own: Dict = { ...parsed.data };
  if (!Object.prototype.hasOwnProperty.call(own, 'include')) {
    r.mods.set(sls, own);
    return own;
  }
  const includes = own.include;
  delete own.include;
  r.mods.set(sls, own); // an include cycle back to this SLS sees its own data, without includes
  const lines = yamlLines(rendered.text, 2);
  let state: Dict = {};
  for (const inc of readIncludes(r, includes, file, lines.lineOf)) {
    const target = relativeInclude(inc.name, sls, isInit);
    if (target === undefined) {
      err(r, `relative include '${inc.name}' goes above the top of the tree`, file, inc.line);
      continue;
    }
    for (const name of expandSls(target, r.available)) {
      const data = r.mods.has(name)
        ? r.mods.get(name)
        : renderPillarSls(
            r,
            name,
            merge(pillar, state, { mergeLists: r.mergeLists }),
            { file, line: inc.line },
            inc.defaults,
          );
      if (!data) continue;
      state = merge(state, inc.key ? nestUnder(inc.key, data) : data, { mergeLists: r.mergeLists });
    }
  }
  state = merge(state, own, { mergeLists: r.mergeLists });
  r.mods.set(sls, state);
  return state;
}
