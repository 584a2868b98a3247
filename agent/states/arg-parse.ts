// Validation and coercion of a call's arguments from the function's declarations, accepting what
// Salt accepts: "5" for an int, a lone string where a list of strings may be given, yes/no for a
// flag. A value of the wrong type is an error naming the argument, the value and the type; an
// argument halite does not act upon is reported, never silently dropped.
import { TYPE_LABEL, type ArgDecl, type ArgDecls, type ArgType } from './arg-decl.ts';
import { normalizeMode } from './args.ts';

export interface ParsedArgs {
  /** The arguments with every declared one coerced to its type and defaulted; unknown ones as given. */
  args: Record<string, unknown> & { name: string };
  /** Missing required arguments and values of the wrong type: the state fails. */
  errors: string[];
  /** Arguments given but not acted upon here. */
  warnings: string[];
}

const BAD = Symbol('bad value');
type Coerced = unknown | typeof BAD;

const TRUE = /^(true|yes|on|1)$/i;
const FALSE = /^(false|no|off|0|)$/i;
const INT = /^[+-]?\d+$/;

function scalarText(v: unknown): string | typeof BAD {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return BAD;
}

function numeric(v: unknown): number | typeof BAD {
  if (typeof v === 'number') return Number.isFinite(v) ? v : BAD;
  if (typeof v !== 'string' || v.trim() === '') return BAD;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : BAD;
}

function textList(v: readonly unknown[]): string[] | typeof BAD {
  const out: string[] = [];
  for (const x of v) {
    const s = scalarText(x);
    if (s === BAD) return BAD;
    out.push(s);
  }
  return out;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const COERCE: Readonly<Record<ArgType, (v: unknown) => Coerced>> = {
  string: scalarText,
  bool(v) {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') return TRUE.test(v.trim()) ? true : FALSE.test(v.trim()) ? false : BAD;
    return BAD;
  },
  int(v) {
    if (typeof v === 'number') return Number.isInteger(v) ? v : BAD;
    return typeof v === 'string' && INT.test(v.trim()) ? Number.parseInt(v.trim(), 10) : BAD;
  },
  number: numeric,
  seconds(v) {
    const n = numeric(v);
    return n === BAD || n < 0 ? BAD : n;
  },
  list: (v) => (Array.isArray(v) ? textList(v) : BAD),
  str_or_list(v) {
    if (Array.isArray(v)) return textList(v);
    const s = scalarText(v);
    return s === BAD ? BAD : [s];
  },
  items: (v) => (Array.isArray(v) ? v : BAD),
  mapping: (v) => (isMapping(v) ? v : BAD),
  mode(v) {
    if (typeof v === 'string' && v.trim().toLowerCase() === 'keep') return 'keep';
    if (scalarText(v) === BAD) return BAD;
    const m = normalizeMode(v);
    return m !== undefined && /^[0-7]{4}$/.test(m) ? m : BAD;
  },
  any: (v) => v,
};

/** What the reference and errors say each type accepts. */
export const TYPE_HINT: Readonly<Record<ArgType, string>> = {
  string: 'a string',
  bool: 'true or false',
  int: 'an integer',
  number: 'a number',
  seconds: 'a number of seconds',
  list: 'a list of strings',
  str_or_list: 'a string or a list of strings',
  items: 'a list',
  mapping: 'a mapping',
  mode: 'an octal file mode such as 0644',
  any: 'any value',
};

/**
 * A value as an error message shows it: short scalars as written; anything longer only by its
 * kind, so that no part of a long value (a key, a password given where a list belongs) is cut
 * into a piece that redaction could not recognise.
 */
export function describeValue(v: unknown): string {
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (isMapping(v)) return 'a mapping';
  const text = JSON.stringify(v) ?? String(v);
  if (text.length <= 40) return text;
  return typeof v === 'string' ? `a string of ${v.length} characters` : `a ${typeof v}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A copy of a default, so that a check changing its arguments cannot change the declaration. */
function defaultOf(d: ArgDecl): unknown {
  return typeof d.default === 'object' && d.default !== null ? structuredClone(d.default) : d.default;
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

/** Salt's warning for keywords the function does not take. */
export function unknownKeywords(extra: readonly string[], full: string): string[] {
  if (extra.length === 0) return [];
  if (extra.length === 1) return [`'${extra[0]}' is an invalid keyword argument for '${full}'`];
  return [`${quoted(extra.slice(0, -1))} and '${extra[extra.length - 1]}' are invalid keyword arguments for '${full}'`];
}

/**
 * Checks and coerces `raw` (which includes `name`) for the function `full` (`file.managed`).
 * Coercing an already coerced set of arguments gives the same set.
 */
export function parseArgs(decls: ArgDecls, raw: Record<string, unknown>, full: string, anyKeyword = false): ParsedArgs {
  const args: Record<string, unknown> & { name: string } = { ...raw, name: String(raw.name) };
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const [key, d] of Object.entries(decls)) {
    const given = raw[key];
    if (given === undefined || given === null) {
      if (d.required) errors.push(`Missing parameter ${key} for state ${full}`);
      if (d.default !== undefined) args[key] = defaultOf(d);
      else delete args[key];
      continue;
    }
    const value = COERCE[d.type](given);
    if (value === BAD) {
      errors.push(
        `Invalid argument '${key}' for ${full}: expected ${TYPE_LABEL[d.type]} (${TYPE_HINT[d.type]}), got ${describeValue(given)}`,
      );
      continue;
    }
    args[key] = value;
    if (d.unsupported && !sameValue(value, d.default)) {
      warnings.push(`'${key}' is not supported by ${full} here and was ignored: ${d.unsupported}`);
    }
  }
  if (!anyKeyword) {
    const extra = Object.keys(raw).filter((k) => k !== 'name' && !Object.prototype.hasOwnProperty.call(decls, k));
    warnings.push(...unknownKeywords(extra, full));
  }
  return { args, errors, warnings };
}
