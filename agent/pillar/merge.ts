// Salt's dictupdate.merge, as pillar compilation uses it: `b` merged over `a`.
// `smart` (the default) and `recurse` merge dicts recursively, later values winning; lists are
// replaced, or with mergeLists concatenated without repeating items already present. `overwrite`
// replaces each top-level key of `a` that `b` has. Inputs are never modified; the result shares no
// objects with them.

export type Dict = Record<string, unknown>;

export type MergeStrategy = 'smart' | 'recurse' | 'overwrite' | 'none';

export interface MergeOptions {
  strategy?: MergeStrategy;
  /** Salt's pillar_merge_lists: concatenate lists instead of replacing them. */
  mergeLists?: boolean;
}

export function isPlainDict(v: unknown): v is Dict {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Sets an own property, even one named `__proto__`. */
function put(d: Dict, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(d, key, { value, enumerable: true, writable: true, configurable: true });
  else d[key] = value;
}

/** Deep copy of JSON-like data (dicts and lists; other values are kept as they are). */
export function cloneData<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneData) as unknown as T;
  if (isPlainDict(v)) {
    const out: Dict = {};
    for (const k of Object.keys(v)) put(out, k, cloneData(v[k]));
    return out as T;
  }
  return v;
}

/** Python `==` on JSON-like data (used to skip list items already present). */
export function dataEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'boolean') return a === Number(b);
  if (typeof a === 'boolean' && typeof b === 'number') return Number(a) === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => dataEqual(x, b[i]));
  if (isPlainDict(a) && isPlainDict(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && dataEqual(a[k], b[k]))
    );
  }
  return false;
}

/** Salt's dictupdate.update on copies: `upd` merged recursively into a copy of `dest`. */
export function deepUpdate(dest: Dict, upd: Dict, mergeLists = false): Dict {
  const out = cloneData(dest);
  for (const key of Object.keys(upd)) {
    const cur = Object.prototype.hasOwnProperty.call(out, key) ? out[key] : undefined;
    const val = upd[key];
    if (isPlainDict(cur) && isPlainDict(val)) put(out, key, deepUpdate(cur, val, mergeLists));
    else if (mergeLists && Array.isArray(cur) && Array.isArray(val)) {
      const merged = [...cur];
      for (const x of val) if (!merged.some((y) => dataEqual(x, y))) merged.push(cloneData(x));
      put(out, key, merged);
    } else put(out, key, cloneData(val));
  }
  return out;
}

/** Salt's dictupdate.merge(a, b, strategy, renderer='yaml', merge_lists). */
export function merge(a: Dict, b: Dict, opts: MergeOptions = {}): Dict {
  const mergeLists = opts.mergeLists ?? false;
  switch (opts.strategy ?? 'smart') {
    case 'overwrite': {
      const base = cloneData(a);
      for (const k of Object.keys(b)) if (Object.prototype.hasOwnProperty.call(base, k)) put(base, k, cloneData(b[k]));
      return deepUpdate(base, b, mergeLists);
    }
    case 'none':
      return deepUpdate(a, b, false);
    default:
      return deepUpdate(a, b, mergeLists);
  }
}
