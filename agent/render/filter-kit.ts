// Building blocks for template filters: Python argument binding, undefined checks, attribute paths.
import { bindArgs, type KwArgs } from './pyargs.ts';
import { failUndefined } from './missing.ts';
import { dictKeys, isDict, isStr, strValue, typeName, type Dict } from './pyvalue.ts';

export type TestFn = (...a: unknown[]) => unknown;

/** The `this` of a filter: nunjucks' render context, which reaches the environment. */
export interface FilterThis {
  env: {
    getTest(n: string): TestFn;
    getFilter(n: string): TestFn;
    tests: Record<string, TestFn>;
    filters: Record<string, TestFn>;
  };
}

export type Filter = (this: FilterThis, ...args: unknown[]) => unknown;

/** A filter with a Python signature; the filtered value is the first parameter. */
export function filter(
  name: string,
  params: string[],
  defaults: KwArgs,
  impl: (a: KwArgs, self: FilterThis) => unknown,
  varKw = false,
): Filter {
  const sig = { name, params, defaults, varKw };
  return function (this: FilterThis, ...args: unknown[]) {
    return impl(bindArgs(sig, args), this);
  };
}

/** Rejects an undefined input as Jinja's StrictUndefined does. */
export function need<T>(v: T): Exclude<T, undefined> {
  if (v === undefined) failUndefined();
  return v as Exclude<T, undefined>;
}

/** The items a filter iterates: list items, dict keys, string characters. */
export function items(v: unknown): unknown[] {
  need(v);
  if (Array.isArray(v)) return v;
  if (isDict(v)) return dictKeys(v);
  if (isStr(v)) return [...strValue(v)];
  if (v === null) throw new TypeError("'NoneType' object is not iterable");
  throw new TypeError(`'${typeName(v)}' object is not iterable`);
}

/** Jinja's attribute getter: "a.b.0" walks dict keys, attributes and list indexes. */
export function attrGetter(path: unknown, def?: unknown): (item: unknown) => unknown {
  const parts =
    typeof path === 'number'
      ? [path]
      : String(path)
          .split('.')
          .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return (item) => {
    let cur: unknown = item;
    for (const p of parts) {
      if (Array.isArray(cur) && typeof p === 'number') cur = cur[p];
      else if (isStr(cur) && typeof p === 'number') cur = strValue(cur)[p];
      else if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, String(p)))
        cur = (cur as Dict)[String(p)];
      else cur = undefined;
      if (cur === undefined) return def;
    }
    return cur;
  };
}
