// Python methods on strings, lists and dicts, looked up by `x.method` in templates.
// Real SLS trees call them ('a,b'.split(','), users.items(), list.append(x)…), so each behaves as Python's.
import { splitArgs } from './pyargs.ts';
import { strFormat } from './pyformat.ts';
import {
  dictKeys,
  isDict,
  isStr,
  pyBool,
  pyCompare,
  pyEq,
  pyRepr,
  pyStr,
  strValue,
  tuple,
  typeName,
  type Dict,
} from './pyvalue.ts';

type Method<T> = (self: T, ...args: unknown[]) => unknown;

const WS = ' \t\n\r\x0b\x0c';

function stripChars(chars: unknown): string {
  return chars === undefined || chars === null ? WS : strValue(chars);
}

function lstrip(s: string, chars: string): string {
  let i = 0;
  while (i < s.length && chars.includes(s[i])) i++;
  return s.slice(i);
}

function rstrip(s: string, chars: string): string {
  let i = s.length;
  while (i > 0 && chars.includes(s[i - 1])) i--;
  return s.slice(0, i);
}

function splitWhitespace(s: string, maxsplit: number): string[] {
  const out: string[] = [];
  let rest = s.replace(/^[\s]+/, '');
  while (rest.length) {
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(rest);
      break;
    }
    const m = /[\s]+/.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    out.push(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

function split(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = maxsplit === undefined || maxsplit === null ? -1 : Number(maxsplit);
  if (sep === undefined || sep === null) return splitWhitespace(s, max);
  const d = strValue(sep);
  if (!d) throw new Error('ValueError: empty separator');
  const parts = s.split(d);
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(d)];
}

function rsplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = maxsplit === undefined || maxsplit === null ? -1 : Number(maxsplit);
  if (max < 0) return split(s, sep, -1);
  if (sep === undefined || sep === null) {
    const words = splitWhitespace(s, -1);
    if (words.length <= max + 1) return words;
    // keep the head with its inner whitespace, as Python does
    let head = s.replace(/[\s]+$/, '');
    const tail: string[] = [];
    for (let i = 0; i < max; i++) {
      const m = /[\s]+(\S+)$/.exec(head)!;
      tail.unshift(m[1]);
      head = head.slice(0, m.index);
    }
    return [head.replace(/^[\s]+/, ''), ...tail];
  }
  const d = strValue(sep);
  const parts = s.split(d);
  if (parts.length <= max + 1) return parts;
  return [parts.slice(0, parts.length - max).join(d), ...parts.slice(parts.length - max)];
}

function prefixes(p: unknown): string[] {
  return Array.isArray(p) ? p.map(strValue) : [strValue(p)];
}

function sliceArgs(s: string, start: unknown, end: unknown): string {
  const n = s.length;
  const norm = (v: unknown, d: number): number => {
    if (v === undefined || v === null) return d;
    const i = Number(v);
    return i < 0 ? Math.max(0, n + i) : Math.min(i, n);
  };
  return s.slice(norm(start, 0), norm(end, n));
}

function count(s: string, sub: string): number {
  if (!sub) return s.length + 1;
  let c = 0;
  for (let i = s.indexOf(sub); i !== -1; i = s.indexOf(sub, i + sub.length)) c++;
  return c;
}

function title(s: string): string {
  return s
    .toLowerCase()
    .replace(/(^|[^A-Za-z\u00C0-\uFFFF])([a-z\u00DF-\uFFFF])/g, (_m, a: string, b: string) => a + b.toUpperCase());
}

function iterItems(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isStr(v)) return [...strValue(v)];
  if (isDict(v)) return dictKeys(v);
  throw new TypeError(`'${typeName(v)}' object is not iterable`);
}

const STR: Record<string, Method<string>> = {
  split: (s, sep, max) => split(s, sep, max),
  rsplit: (s, sep, max) => rsplit(s, sep, max),
  splitlines: (s, keepends) => {
    const parts = s.split(/(\r\n|\r|\n)/);
    const out: string[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      if (i === parts.length - 1 && parts[i] === '') break;
      out.push(pyBool(keepends) ? parts[i] + (parts[i + 1] ?? '') : parts[i]);
    }
    return out;
  },
  startswith: (s, p, start, end) => prefixes(p).some((x) => sliceArgs(s, start, end).startsWith(x)),
  endswith: (s, p, start, end) => prefixes(p).some((x) => sliceArgs(s, start, end).endsWith(x)),
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  strip: (s, chars) => rstrip(lstrip(s, stripChars(chars)), stripChars(chars)),
  lstrip: (s, chars) => lstrip(s, stripChars(chars)),
  rstrip: (s, chars) => rstrip(s, stripChars(chars)),
  replace: (s, old, rep, n) => {
    const o = strValue(old);
    const r = strValue(rep);
    const max = n === undefined || n === null ? -1 : Number(n);
    if (max < 0) return s.split(o).join(r);
    const parts = s.split(o);
    return parts.slice(0, max + 1).join(r) + (parts.length > max + 1 ? o + parts.slice(max + 1).join(o) : '');
  },
  format: (s, ...args) => {
    const { pos, kw } = splitArgs(args);
    return strFormat(s, pos, kw);
  },
  format_map: (s, m) => strFormat(s, [], m as Dict),
  join: (s, items) =>
    iterItems(items)
      .map((x) => {
        if (!isStr(x)) throw new TypeError(`sequence item: expected str instance, ${typeName(x)} found`);
        return strValue(x);
      })
      .join(s),
  title: (s) => title(s),
  capitalize: (s) => (s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s),
  center: (s, w, fill = ' ') => {
    const n = Number(w) - s.length;
    if (n <= 0) return s;
    const left = Math.floor(n / 2) + (n % 2 && Number(w) % 2 ? 1 : 0);
    return strValue(fill).repeat(left) + s + strValue(fill).repeat(n - left);
  },
  ljust: (s, w, fill = ' ') => s.padEnd(Number(w), strValue(fill)),
  rjust: (s, w, fill = ' ') => s.padStart(Number(w), strValue(fill)),
  zfill: (s, w) => {
    const sign = /^[+-]/.test(s) ? s[0] : '';
    return sign + s.slice(sign.length).padStart(Number(w) - sign.length, '0');
  },
  isdigit: (s) => /^[0-9]+$/.test(s),
  isnumeric: (s) => /^[0-9]+$/.test(s),
  isdecimal: (s) => /^[0-9]+$/.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}0-9]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  istitle: (s) => s.length > 0 && s === title(s) && /\p{L}/u.test(s),
  find: (s, sub, start, end) => {
    const off =
      start === undefined || start === null
        ? 0
        : Number(start) < 0
          ? Math.max(0, s.length + Number(start))
          : Number(start);
    const i = sliceArgs(s, off, end).indexOf(strValue(sub));
    return i < 0 ? -1 : i + off;
  },
  rfind: (s, sub) => s.lastIndexOf(strValue(sub)),
  index: (s, sub) => {
    const i = s.indexOf(strValue(sub));
    if (i < 0) throw new Error('ValueError: substring not found');
    return i;
  },
  rindex: (s, sub) => {
    const i = s.lastIndexOf(strValue(sub));
    if (i < 0) throw new Error('ValueError: substring not found');
    return i;
  },
  count: (s, sub) => count(s, strValue(sub)),
  partition: (s, sep) => {
    const d = strValue(sep);
    const i = s.indexOf(d);
    return tuple(i < 0 ? [s, '', ''] : [s.slice(0, i), d, s.slice(i + d.length)]);
  },
  rpartition: (s, sep) => {
    const d = strValue(sep);
    const i = s.lastIndexOf(d);
    return tuple(i < 0 ? ['', '', s] : [s.slice(0, i), d, s.slice(i + d.length)]);
  },
  removeprefix: (s, p) => (s.startsWith(strValue(p)) ? s.slice(strValue(p).length) : s),
  removesuffix: (s, p) => (strValue(p) && s.endsWith(strValue(p)) ? s.slice(0, -strValue(p).length) : s),
  expandtabs: (s, n = 8) => s.replace(/\t/g, ' '.repeat(Number(n))),
  encode: (s) => s,
  decode: (s) => s,
};

function listIndex(l: unknown[], x: unknown): number {
  const i = l.findIndex((y) => pyEq(x, y));
  if (i < 0) throw new Error(`ValueError: ${pyRepr(x)} is not in list`);
  return i;
}

const LIST: Record<string, Method<unknown[]>> = {
  append: (l, x) => {
    l.push(x);
    return null;
  },
  extend: (l, xs) => {
    l.push(...iterItems(xs));
    return null;
  },
  insert: (l, i, x) => {
    let n = Number(i);
    if (n < 0) n = Math.max(0, l.length + n);
    l.splice(n, 0, x);
    return null;
  },
  pop: (l, i) => {
    if (!l.length) throw new Error('IndexError: pop from empty list');
    let n = i === undefined ? l.length - 1 : Number(i);
    if (n < 0) n += l.length;
    if (n < 0 || n >= l.length) throw new Error('IndexError: pop index out of range');
    return l.splice(n, 1)[0];
  },
  remove: (l, x) => {
    l.splice(listIndex(l, x), 1);
    return null;
  },
  index: (l, x) => listIndex(l, x),
  count: (l, x) => l.filter((y) => pyEq(x, y)).length,
  sort: (l, ...args) => {
    const { kw } = splitArgs(args);
    l.sort(pyCompare);
    if (pyBool(kw.reverse)) l.reverse();
    return null;
  },
  reverse: (l) => {
    l.reverse();
    return null;
  },
  copy: (l) => [...l],
  clear: (l) => {
    l.length = 0;
    return null;
  },
};

const DICT: Record<string, Method<Dict>> = {
  items: (d) => dictKeys(d).map((k) => tuple([k, d[k]])),
  keys: (d) => dictKeys(d),
  values: (d) => dictKeys(d).map((k) => d[k]),
  get: (d, k, def = null) => {
    const key = pyStr(k);
    return Object.prototype.hasOwnProperty.call(d, key) ? d[key] : def;
  },
  update: (d, ...args) => {
    const { pos, kw } = splitArgs(args);
    for (const src of pos) {
      if (isDict(src)) for (const k of dictKeys(src)) d[k] = src[k];
      else if (Array.isArray(src)) for (const pair of src) d[pyStr((pair as unknown[])[0])] = (pair as unknown[])[1];
      else throw new TypeError(`'${typeName(src)}' object is not iterable`);
    }
    Object.assign(d, kw);
    return null;
  },
  setdefault: (d, k, def = null) => {
    const key = pyStr(k);
    if (!Object.prototype.hasOwnProperty.call(d, key)) d[key] = def;
    return d[key];
  },
  pop: (d, ...args) => {
    const key = pyStr(args[0]);
    if (Object.prototype.hasOwnProperty.call(d, key)) {
      const v = d[key];
      delete d[key];
      return v;
    }
    if (args.length > 1) return args[1];
    throw new Error(`KeyError: ${pyRepr(args[0])}`);
  },
  popitem: (d) => {
    const keys = dictKeys(d);
    if (!keys.length) throw new Error("KeyError: 'popitem(): dictionary is empty'");
    const k = keys[keys.length - 1];
    const v = d[k];
    delete d[k];
    return tuple([k, v]);
  },
  copy: (d) => ({ ...d }),
  clear: (d) => {
    for (const k of Object.keys(d)) delete d[k];
    return null;
  },
};

function bind<T>(table: Record<string, Method<T>>, self: T, name: string): ((...a: unknown[]) => unknown) | undefined {
  if (!Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  const m = table[name];
  return (...a: unknown[]) => m(self, ...a);
}

/** The bound Python method `name` of `obj`, or undefined when the type has no such method. */
export function pyMethod(obj: unknown, name: string): ((...a: unknown[]) => unknown) | undefined {
  if (isStr(obj)) return bind(STR, strValue(obj), name);
  if (Array.isArray(obj)) return bind(LIST, obj, name);
  if (isDict(obj)) return bind(DICT, obj, name);
  return undefined;
}
