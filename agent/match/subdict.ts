// Salt's subdict_match: `key:sub:value` against nested grain or pillar data.
// The expression is split at each delimiter; the deepest key path that exists is tried first, so
// `foo:bar:baz` matches data.foo.bar == 'baz' and also data.foo == 'bar:baz'. Values are compared
// case-insensitively, by glob, regular expression (re.match) or exact equality. A list matches when
// any member does; a dict matches when it has the remaining text as a key.
import { fnmatch } from './glob.ts';
import { reMatch } from './pcre.ts';

export type ValueMode = 'glob' | 'pcre' | 'exact';

type Dict = Record<string, unknown>;

const MISSING = Symbol('missing');

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python's str() of a data value, as Salt compares it. */
export function pyText(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

/** Salt's traverse_dict_and_list: walks dicts by key and lists by index or into embedded dicts. */
export function traverse(data: unknown, path: string[]): unknown {
  let ptr: unknown = data;
  for (const each of path) {
    if (Array.isArray(ptr)) {
      const embedded = ptr.find((x) => isDict(x) && Object.prototype.hasOwnProperty.call(x, each));
      if (embedded !== undefined) ptr = (embedded as Dict)[each];
      else if (/^-?\d+$/.test(each)) {
        const idx = Number(each);
        const at = idx < 0 ? ptr.length + idx : idx;
        if (at < 0 || at >= ptr.length) return MISSING;
        ptr = ptr[at];
      } else return MISSING;
    } else if (isDict(ptr)) {
      if (!Object.prototype.hasOwnProperty.call(ptr, each)) return MISSING;
      ptr = ptr[each];
    } else return MISSING;
  }
  return ptr;
}

function valueMatch(target: unknown, pattern: string, mode: ValueMode): boolean {
  const t = pyText(target).toLowerCase();
  const p = pattern.toLowerCase();
  if (mode === 'exact') return t === p;
  // Salt lower-cases the pattern too; a case-insensitive regex keeps escapes such as \D and \S intact.
  if (mode === 'pcre') return reMatch(pattern, t, true);
  return fnmatch(t, p);
}

function dictMatch(target: Dict, pattern: string, mode: ValueMode, delimiter: string): boolean {
  const wildcard = pattern.startsWith('*:');
  const pat = wildcard ? pattern.slice(2) : pattern;
  if (pat === '*') return true;
  if (Object.prototype.hasOwnProperty.call(target, pat)) return true;
  if (subdictMatch(target, pat, mode, delimiter)) return true;
  if (!wildcard) return false;
  for (const v of Object.values(target)) {
    if (isDict(v)) {
      if (dictMatch(v, pat, mode, delimiter)) return true;
    } else if (Array.isArray(v)) {
      if (v.some((item) => valueMatch(item, pat, mode))) return true;
    } else if (valueMatch(v, pat, mode)) return true;
  }
  return false;
}

function isEmptyDict(v: unknown): boolean {
  return isDict(v) && Object.keys(v).length === 0;
}

/** True when `expr` (key path, delimiter, value pattern) matches `data`. */
export function subdictMatch(data: unknown, expr: string, mode: ValueMode = 'glob', delimiter = ':'): boolean {
  const splits = expr.split(delimiter);
  if (splits.length === 1) return false;
  for (let idx = splits.length - 1; idx > 0; idx--) {
    const key = splits.slice(0, idx).join(delimiter);
    let matchstr: string;
    let found: unknown;
    if (key === '*') {
      matchstr = expr;
      found = data;
    } else {
      matchstr = splits.slice(idx).join(delimiter);
      found = traverse(data, splits.slice(0, idx));
    }
    if (found === MISSING || isEmptyDict(found)) continue;
    if (isDict(found)) {
      if (dictMatch(found, matchstr, mode, delimiter)) return true;
      continue;
    }
    if (Array.isArray(found)) {
      for (const member of found) {
        if (isDict(member) && dictMatch(member, matchstr, mode, delimiter)) return true;
        if (valueMatch(member, matchstr, mode)) return true;
      }
      continue;
    }
    if (valueMatch(found, matchstr, mode)) return true;
  }
  return false;
}
