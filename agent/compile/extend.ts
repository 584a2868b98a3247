// `extend` and `exclude` over gathered high data (Salt's reconcile_extend and apply_exclude).
// Extend: a function string replaces the function, an argument replaces the argument of the same
// name, except requisite lists, which are appended to; a module the ID lacks is added; `name`
// replaces `names`. The target is the ID, or else the one declaration of that module whose
// `name` is the extended name. Extensions written in an excluded SLS are ignored.
// Exclude: `- sls: glob` (or a bare string) drops every ID of matching SLS, `- id: ID` one ID.
import type { HighData } from '../protocol.ts';
import type { ErrorData } from '../errors.ts';
import type { ExtendDecl, ExcludeDecl } from './sls-decls.ts';
import { EXTEND_APPENDS } from './keywords.ts';
import { clone, firstKey, isDict } from './data.ts';
import { compileError } from './error.ts';
import { fnmatch } from '../match/glob.ts';

/** IDs whose `module` declaration has `name: <name>`, in high-data order. */
function findByName(name: string, module: string, high: HighData, ids: string[]): string[] {
  return ids.filter((id) => {
    const list = high[id]?.[module];
    return Array.isArray(list) && list.some((a) => isDict(a) && firstKey(a) === 'name' && a.name === name);
  });
}

function mergeArgs(list: unknown[], run: unknown[]): void {
  for (const arg of clone(run)) {
    let update = false;
    for (let i = 0; i < list.length; i++) {
      const val = list[i];
      if (typeof arg === 'string' && typeof val === 'string') {
        list[i] = arg;
        update = true;
        continue;
      }
      if (isDict(arg) && isDict(val)) {
        const key = firstKey(arg);
        if (key !== undefined && key === firstKey(val)) {
          const mine = val[key];
          const theirs = arg[key];
          if (EXTEND_APPENDS.has(key) && Array.isArray(mine) && Array.isArray(theirs))
            list[i] = { ...val, [key]: [...mine, ...theirs] };
          else list[i] = arg;
          update = true;
        }
        if (key === 'name' && firstKey(list[i]) === 'names') list[i] = arg;
      }
    }
    if (!update) list.push(arg);
  }
}

/** SLS names excluded by `exclude` entries, as Salt compares them when skipping extensions. */
function excludedSlsNames(excludes: ExcludeDecl[]): Set<string> {
  return new Set(excludes.filter((e) => e.kind === 'sls').map((e) => e.value));
}

/**
 * Applies the extensions in order; mutates `high`. References to IDs in `broken` (declared,
 * but malformed) are not reported as missing.
 */
export function applyExtends(
  high: HighData,
  ids: string[],
  extendList: ExtendDecl[],
  excludes: ExcludeDecl[],
  broken: ReadonlySet<string>,
): ErrorData[] {
  const errors: ErrorData[] = [];
  const skip = excludedSlsNames(excludes);
  for (const ext of extendList) {
    const module = Object.keys(ext.body)[0];
    let target = ext.id;
    if (!(target in high)) {
      const found = findByName(ext.id, module, high, ids);
      if (found.length !== 1) {
        if (!broken.has(ext.id)) {
          const why = found.length
            ? `the name is declared by several IDs (${found.join(', ')})`
            : 'a missing include or a mistyped ID?';
          const message = `Cannot extend ID '${ext.id}' in '${ext.env}:${ext.sls}'. It is not part of the high state: ${why}`;
          errors.push(compileError('EXTEND_MISSING', message, { file: ext.file, line: ext.line, id: ext.id }));
        }
        continue;
      }
      target = found[0];
    }
    if (skip.has(ext.sls)) continue;
    const decl = high[target];
    for (const [mod, run] of Object.entries(ext.body)) {
      const list = decl[mod];
      if (Array.isArray(list)) mergeArgs(list, run);
      else decl[mod] = clone(run);
    }
  }
  return errors;
}

/** Removes excluded IDs from `high`; returns the remaining IDs in order. */
export function applyExcludes(high: HighData, ids: string[], excludes: ExcludeDecl[]): string[] {
  if (!excludes.length) return ids;
  const slsGlobs = excludes.filter((e) => e.kind === 'sls').map((e) => e.value);
  const idSet = new Set(excludes.filter((e) => e.kind === 'id').map((e) => e.value));
  const kept: string[] = [];
  for (const id of ids) {
    const sls = high[id].__sls__;
    if (idSet.has(id) || slsGlobs.some((g) => fnmatch(sls, g))) delete high[id];
    else kept.push(id);
  }
  return kept;
}
