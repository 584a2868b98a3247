// The `extend` and `exclude` keys of one rendered SLS (Salt's _handle_extend, _handle_exclude):
// checked and normalized here, applied to the whole highstate later (extend.ts).
import type { ErrorData } from '../errors.ts';
import type { RenderedSls } from '../render/sls.ts';
import { isDict, show } from './data.ts';
import { normalizeBody } from './decls.ts';
import { compileError } from './error.ts';

export interface ExtendDecl {
  /** The ID (or name) being extended. */
  id: string;
  /** Normalized modules: module → arguments (a function string replaces the function). */
  body: Record<string, unknown[]>;
  sls: string;
  env: string;
  file: string;
  line?: number;
}

export interface ExcludeDecl {
  kind: 'sls' | 'id';
  value: string;
  sls: string;
  file: string;
  line?: number;
}

/** The extensions declared by `r` (rendered in saltenv `env`); problems are added to `errors`. */
export function parseExtend(r: RenderedSls, env: string, ext: unknown, errors: ErrorData[]): ExtendDecl[] {
  const where = { file: r.file, line: r.lines.extend };
  if (!isDict(ext)) {
    errors.push(compileError('SLS_STRUCTURE', `the extend declaration in SLS '${r.sls}' is not a dictionary`, where));
    return [];
  }
  const out: ExtendDecl[] = [];
  for (const [id, body] of Object.entries(ext)) {
    const n = normalizeBody(id, body, r.sls, 'extension of');
    for (const p of n.problems) errors.push(compileError('SLS_STRUCTURE', p, { ...where, id }));
    if (!n.modules) continue;
    if (Object.keys(n.modules).length === 0) {
      if (!n.problems.length)
        errors.push(
          compileError('SLS_STRUCTURE', `extension of '${id}' in SLS '${r.sls}' names no state module`, {
            ...where,
            id,
          }),
        );
      continue;
    }
    out.push({ id, body: n.modules, sls: r.sls, env, ...where });
  }
  return out;
}

/** The excludes declared by `r`: a bare string or `sls:` names SLS (globs), `id:` one ID. */
export function parseExclude(r: RenderedSls, exc: unknown, errors: ErrorData[], warnings: ErrorData[]): ExcludeDecl[] {
  const where = { file: r.file, line: r.lines.exclude };
  if (!Array.isArray(exc)) {
    errors.push(
      compileError('SLS_STRUCTURE', `the exclude declaration in SLS '${r.sls}' is not formed as a list`, where),
    );
    return [];
  }
  const out: ExcludeDecl[] = [];
  for (const item of exc) {
    const keys = isDict(item) ? Object.keys(item) : [];
    const value = isDict(item) ? item[keys[0]] : item;
    if (typeof item === 'string') out.push({ kind: 'sls', value: item, sls: r.sls, ...where });
    else if (keys.length === 1 && (keys[0] === 'sls' || keys[0] === 'id') && typeof value === 'string') {
      out.push({ kind: keys[0], value, sls: r.sls, ...where });
    } else {
      // Salt's apply_exclude passes over such an entry: it excludes nothing
      warnings.push(
        compileError(
          'SLS_STRUCTURE',
          `exclude entry ${show(item)} in SLS '${r.sls}' is neither an SLS name, '- sls: name' nor '- id: ID': it excludes nothing`,
          where,
        ),
      );
    }
  }
  return out;
}
