// High data → draft chunks (Salt's compile_high_data): one chunk per module of each ID, or one per
// entry of `names`; arguments split into function args, executor keywords (meta) and raw
// requisites; order resolved as order_chunks does.
import type { HighData, HighDecl } from '../protocol.ts';
import { makeTag } from '../protocol.ts';
import type { ErrorData } from '../errors.ts';
import type { DraftChunk, RawRequisite } from './types.ts';
import { isKnownStateFunction, unknownFunctionHint } from '../states/registry.ts';
import { type Dict, clone, firstKey, isDict, same, show } from './data.ts';
import { CHUNK_FIELD_KEYWORDS, META_KEYWORDS, SHARED_KEYWORDS, isRequisiteKeyword } from './keywords.ts';
import { parseRequisites } from './raw.ts';
import { type Problem, argProblems } from './verify.ts';
import { compileError } from './error.ts';
import { orderCap, resolveOrder } from './order.ts';

interface Pending {
  chunk: Omit<DraftChunk, 'order' | 'index'>;
  order: unknown;
  nameOrder: number;
}

export interface LowResult {
  drafts: DraftChunk[];
  errors: ErrorData[];
  warnings: ErrorData[];
}

/** Splits a chunk's merged arguments into function args, meta keywords and raw requisites. */
export function splitArgs(all: Dict): { args: Dict; meta: Dict; raw: RawRequisite[] } {
  const args: Dict = {};
  const meta: Dict = {};
  const raw: RawRequisite[] = [];
  for (const [key, value] of Object.entries(all)) {
    if (isRequisiteKeyword(key)) raw.push(...parseRequisites(key, value).raw);
    else if (CHUNK_FIELD_KEYWORDS.has(key) || key.startsWith('__')) continue;
    else if (META_KEYWORDS.has(key)) {
      meta[key] = value;
      if (SHARED_KEYWORDS.has(key)) args[key] = value;
    } else args[key] = value;
  }
  return { args, meta, raw };
}

/** The per-name arguments of a `names` entry `{name: [{arg: val}, …]}` (a plain mapping is accepted too). */
function nameEntryArgs(value: unknown, where: string, problems: Problem[]): Dict {
  const out: Dict = {};
  if (value === null || value === undefined) return out;
  if (isDict(value)) return clone(value);
  if (!Array.isArray(value)) {
    problems.push({
      code: 'SLS_STRUCTURE',
      message: `the arguments of ${where} must be a list of single-key dictionaries, got ${show(value)}`,
    });
    return out;
  }
  for (const a of value) {
    problems.push(...argProblems(a, where));
    if (isDict(a)) Object.assign(out, clone(a));
  }
  return out;
}

class LowCompiler {
  readonly pending: Pending[] = [];
  readonly errors: ErrorData[] = [];
  /** What Salt accepts and fails at run time: a state function no module provides. */
  readonly warnings: ErrorData[] = [];
  private readonly tags = new Set<string>();

  constructor(private readonly broken: ReadonlySet<string>) {}

  declaration(id: string, decl: HighDecl): void {
    const where = { file: decl.__file__, line: decl.__line__, id };
    for (const module of Object.keys(decl)) {
      if (module.startsWith('__')) continue;
      const run = decl[module];
      if (!Array.isArray(run)) continue;
      const fun = run.find((a): a is string => typeof a === 'string');
      if (fun === undefined) continue; // reported by verifyDecl
      if (!isKnownStateFunction(module, fun)) {
        // As in Salt, the state fails when it runs ("State 'x.y' was not found in SLS 'z'") and the
        // others run; lint reports it.
        this.warnings.push(
          compileError(
            'UNKNOWN_FUNCTION',
            `State '${module}.${fun}' was not found in SLS '${decl.__sls__}': ${unknownFunctionHint(module)}`,
            where,
          ),
        );
      }
      const base: Dict = { name: id };
      const names: unknown[] = [];
      for (const arg of run) {
        if (!isDict(arg)) continue;
        for (const [key, val] of Object.entries(arg)) {
          if (key === 'names') {
            if (Array.isArray(val)) for (const n of val) if (!names.some((m) => same(m, n))) names.push(n);
          } else if (key === 'state') continue;
          else if (key === 'name' && typeof val !== 'string') base.name = id;
          else base[key] = val;
        }
      }
      if (!names.length) {
        this.add(module, fun, id, decl, clone(base), 0);
        continue;
      }
      let nameOrder = 1;
      for (const entry of names) {
        const live = clone(base);
        const label = `entry ${show(entry)} of 'names' in state '${module}' of ID '${id}'`;
        if (typeof entry === 'string') live.name = entry;
        else if (isDict(entry) && Object.keys(entry).length === 1) {
          const name = firstKey(entry)!;
          const problems: Problem[] = [];
          live.name = name;
          Object.assign(live, nameEntryArgs(entry[name], label, problems));
          if (typeof live.name !== 'string') live.name = name;
          for (const p of problems)
            (p.warning ? this.warnings : this.errors).push(compileError(p.code, p.message, where));
        } else {
          this.errors.push(
            compileError('SLS_STRUCTURE', `${label} is neither a name nor a single-key dictionary`, where),
          );
          continue;
        }
        this.add(module, fun, id, decl, live, nameOrder++);
      }
    }
  }

  private add(state: string, fun: string, id: string, decl: HighDecl, live: Dict, nameOrder: number): void {
    const name = live.name as string;
    const tag = makeTag(state, id, name, fun);
    if (this.tags.has(tag)) {
      this.errors.push(
        compileError('SLS_STRUCTURE', `name '${name}' appears twice in state '${state}' of ID '${id}'`, {
          file: decl.__file__,
          line: decl.__line__,
          id,
        }),
      );
      return;
    }
    this.tags.add(tag);
    const { args, meta, raw } = splitArgs(live);
    const chunk: Pending['chunk'] = {
      tag,
      state,
      fun,
      id,
      name,
      sls: decl.__sls__,
      env: decl.__env__,
      args,
      meta,
      raw: raw.filter((r) => !this.broken.has(r.ref)),
    };
    if (decl.__file__ !== undefined) chunk.file = decl.__file__;
    if (decl.__line__ !== undefined) chunk.line = decl.__line__;
    this.pending.push({ chunk, order: live.order, nameOrder });
  }
}

/**
 * Compiles `high` (IDs taken in the order of `ids`) into draft chunks in high-data order with
 * resolved numeric orders. Requisites naming an ID in `broken` are dropped (already reported).
 */
export function compileLow(high: HighData, ids: string[], broken: ReadonlySet<string> = new Set()): LowResult {
  const c = new LowCompiler(broken);
  for (const id of ids) if (high[id]) c.declaration(id, high[id]);
  const cap = orderCap(c.pending.map((p) => p.order));
  const drafts = c.pending.map((p, index): DraftChunk => ({
    ...p.chunk,
    order: resolveOrder(p.order, p.nameOrder, cap),
    index,
  }));
  return { drafts, errors: c.errors, warnings: c.warnings };
}
