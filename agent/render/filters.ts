// Jinja's built-in filters with Python semantics and keyword arguments. nunjucks' own versions
// are kept where they already behave like Jinja (abs, batch, center, escape, round, slice, …).
import { attrGetter, filter, items, need, type Filter, type FilterThis } from './filter-kit.ts';
import { percentFormat } from './pyformat.ts';
import { splitArgs } from './pyargs.ts';
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
import { htmlSafeJson } from './serialize.ts';

function toInt(v: unknown, def: unknown, base: number): unknown {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : def;
  if (isStr(v)) {
    const s = strValue(v).trim().replace(/_/g, '');
    const prefixed = /^([-+]?)0([xob])([0-9a-f]+)$/i.exec(s);
    if (prefixed && (base === 0 || base === { x: 16, o: 8, b: 2 }[prefixed[2].toLowerCase()])) {
      const n = parseInt(prefixed[3], { x: 16, o: 8, b: 2 }[prefixed[2].toLowerCase()]);
      if (!Number.isNaN(n)) return prefixed[1] === '-' ? -n : n;
    }
    const digits =
      base === 16 ? /^[-+]?[0-9a-f]+$/i : base === 8 ? /^[-+]?[0-7]+$/ : base === 2 ? /^[-+]?[01]+$/ : /^[-+]?\d+$/;
    if (digits.test(s)) return parseInt(s, base === 0 ? 10 : base);
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return Math.trunc(Number(s));
  }
  return def;
}

function toFloat(v: unknown, def: unknown): unknown {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  if (isStr(v)) {
    const s = strValue(v).trim().replace(/_/g, '').toLowerCase();
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(s)) return Number(s);
    if (/^[-+]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    if (/^[-+]?nan$/.test(s)) return NaN;
  }
  return def;
}

function sortKey(caseSensitive: unknown, attribute?: unknown): (x: unknown) => unknown {
  const get = attribute === null || attribute === undefined ? (x: unknown) => x : attrGetter(attribute);
  return (x) => {
    const v = get(x);
    return !pyBool(caseSensitive) && isStr(v) ? strValue(v).toLowerCase() : v;
  };
}

function sortBy<T>(list: T[], key: (x: T) => unknown, reverse: unknown): T[] {
  const out = [...list].sort((a, b) => pyCompare(key(a), key(b)));
  return pyBool(reverse) ? out.reverse() : out;
}

function testOf(self: FilterThis, name: unknown, args: unknown[]): (x: unknown) => boolean {
  if (name === undefined || name === null) return (x) => pyBool(x);
  const test = self.env.tests[pyStr(name)];
  if (!test) throw new Error(`no test named '${pyStr(name)}'`);
  return (x) => test.call(self, x, ...args) === true;
}

function selectFilter(name: string, keep: boolean, byAttr: boolean): Filter {
  return function (this: FilterThis, ...all: unknown[]) {
    const { pos, kw } = splitArgs(all);
    const [value, ...rest] = pos;
    const attr = byAttr ? rest.shift() : undefined;
    if (byAttr && attr === undefined) throw new TypeError(`${name}() missing required argument 'attr'`);
    const [testName, ...testArgs] = rest;
    const test = testOf(this, testName, testArgs.concat(Object.keys(kw).length ? [kw] : []));
    const get = byAttr ? attrGetter(attr) : (x: unknown) => x;
    return items(value).filter((x) => test(get(x)) === keep);
  };
}

function mapFilter(this: FilterThis, ...all: unknown[]): unknown[] {
  const { pos, kw } = splitArgs(all);
  const [value, ...rest] = pos;
  if ('attribute' in kw) {
    const get = attrGetter(kw.attribute, 'default' in kw ? kw.default : undefined);
    return items(value).map(get);
  }
  if (!rest.length) throw new TypeError('map() needs a filter name or attribute=');
  const f = this.env.filters[pyStr(rest[0])];
  if (!f) throw new Error(`no filter named '${pyStr(rest[0])}'`);
  const args = rest.slice(1);
  return items(value).map((x) => f.call(this, x, ...args));
}

function groupby(a: Dict): unknown[] {
  const key = attrGetter(a.attribute, a.default);
  const norm = (v: unknown): unknown => (!pyBool(a.case_sensitive) && isStr(v) ? strValue(v).toLowerCase() : v);
  const sorted = sortBy(items(a.value), (x) => norm(key(x)), false);
  const groups: unknown[][] = [];
  for (const x of sorted) {
    const k = key(x);
    const last = groups[groups.length - 1];
    if (last && pyEq(norm(last[0]), norm(k))) (last[1] as unknown[]).push(x);
    else groups.push([k, [x]]);
  }
  return groups.map((g) => {
    const t = tuple(g);
    Object.defineProperty(t, 'grouper', { value: g[0], enumerable: false });
    Object.defineProperty(t, 'list', { value: g[1], enumerable: false });
    return t;
  });
}

function indent(a: Dict): string {
  const s = pyStr(need(a.value));
  const pad = isStr(a.width) ? strValue(a.width) : ' '.repeat(Number(a.width));
  const lines = (s + '\n').split(/\r\n|\r|\n/);
  lines.pop();
  let out: string;
  if (pyBool(a.blank)) out = lines.join('\n' + pad);
  else out = lines.map((l, i) => (i === 0 || !l ? l : pad + l)).join('\n');
  return pyBool(a.first) ? pad + out : out;
}

function length(v: unknown): number {
  need(v);
  if (isStr(v)) return [...strValue(v)].length;
  if (Array.isArray(v)) return v.length;
  if (isDict(v)) return dictKeys(v).length;
  throw new TypeError(`object of type '${typeName(v)}' has no len()`);
}

function minmax(name: string, sign: number): Filter {
  return filter(name, ['value', 'case_sensitive', 'attribute'], { case_sensitive: false, attribute: null }, (a) => {
    const list = items(a.value);
    if (!list.length) return undefined;
    const key = sortKey(a.case_sensitive, a.attribute);
    return list.reduce((best, x) => (pyCompare(key(x), key(best)) * sign < 0 ? x : best));
  });
}

export const jinjaFilters: Record<string, Filter> = {
  default: filter('default', ['value', 'default_value', 'boolean'], { default_value: '', boolean: false }, (a) =>
    a.value === undefined || (pyBool(a.boolean) && !pyBool(a.value)) ? a.default_value : a.value,
  ),
  join: filter('join', ['value', 'd', 'attribute'], { d: '', attribute: null }, (a) => {
    const get = a.attribute === null ? (x: unknown) => x : attrGetter(a.attribute);
    return items(a.value)
      .map((x) => pyStr(get(x)))
      .join(pyStr(a.d));
  }),
  first: filter('first', ['seq'], {}, (a) => items(a.seq)[0]),
  last: filter('last', ['seq'], {}, (a) => {
    const l = items(a.seq);
    return l[l.length - 1];
  }),
  list: filter('list', ['value'], {}, (a) => [...items(a.value)]),
  unique: filter('unique', ['values'], {}, (a) => {
    const out: unknown[] = [];
    for (const x of items(a.values)) if (!out.some((y) => pyEq(x, y))) out.push(x);
    return out;
  }),
  sort: filter(
    'sort',
    ['value', 'reverse', 'case_sensitive', 'attribute'],
    { reverse: false, case_sensitive: false, attribute: null },
    (a) => sortBy(items(a.value), sortKey(a.case_sensitive, a.attribute), a.reverse),
  ),
  dictsort: filter(
    'dictsort',
    ['value', 'case_sensitive', 'by', 'reverse'],
    { case_sensitive: false, by: 'key', reverse: false },
    (a) => {
      const d = need(a.value);
      if (!isDict(d)) throw new TypeError(`dictsort needs a dict, got ${typeName(d)}`);
      const pos = pyStr(a.by) === 'value' ? 1 : 0;
      const key = sortKey(a.case_sensitive);
      return sortBy(
        dictKeys(d).map((k) => tuple([k, d[k]])),
        (p) => key(p[pos]),
        a.reverse,
      );
    },
  ),
  map: mapFilter,
  select: selectFilter('select', true, false),
  reject: selectFilter('reject', false, false),
  selectattr: selectFilter('selectattr', true, true),
  rejectattr: selectFilter('rejectattr', false, true),
  int: filter('int', ['value', 'default', 'base'], { default: 0, base: 10 }, (a) =>
    toInt(need(a.value), a.default, Number(a.base)),
  ),
  float: filter('float', ['value', 'default'], { default: 0.0 }, (a) => toFloat(need(a.value), a.default)),
  string: filter('string', ['value'], {}, (a) => pyStr(need(a.value))),
  lower: filter('lower', ['s'], {}, (a) => pyStr(need(a.s)).toLowerCase()),
  upper: filter('upper', ['s'], {}, (a) => pyStr(need(a.s)).toUpperCase()),
  capitalize: filter('capitalize', ['s'], {}, (a) => {
    const s = pyStr(need(a.s));
    return s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s;
  }),
  title: filter('title', ['s'], {}, (a) =>
    pyStr(need(a.s))
      .toLowerCase()
      .replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase()),
  ),
  trim: filter('trim', ['value', 'chars'], { chars: null }, (a) => {
    const s = pyStr(need(a.value));
    if (a.chars === null) return s.trim();
    const set = pyStr(a.chars);
    let i = 0;
    let j = s.length;
    while (i < j && set.includes(s[i])) i++;
    while (j > i && set.includes(s[j - 1])) j--;
    return s.slice(i, j);
  }),
  replace: filter('replace', ['s', 'old', 'new', 'count'], { count: null }, (a) => {
    const s = pyStr(need(a.s));
    const parts = s.split(pyStr(a.old));
    if (a.count === null || Number(a.count) < 0) return parts.join(pyStr(a.new));
    const n = Number(a.count);
    return (
      parts.slice(0, n + 1).join(pyStr(a.new)) +
      (parts.length > n + 1 ? pyStr(a.old) + parts.slice(n + 1).join(pyStr(a.old)) : '')
    );
  }),
  indent: filter('indent', ['value', 'width', 'first', 'blank'], { width: 4, first: false, blank: false }, indent),
  length: filter('length', ['obj'], {}, (a) => length(a.obj)),
  count: filter('count', ['obj'], {}, (a) => length(a.obj)),
  min: minmax('min', 1),
  max: minmax('max', -1),
  sum: filter('sum', ['iterable', 'attribute', 'start'], { attribute: null, start: 0 }, (a) => {
    const get = a.attribute === null ? (x: unknown) => x : attrGetter(a.attribute);
    return items(a.iterable).reduce((acc: number, x) => acc + Number(get(x)), Number(a.start));
  }),
  items: filter('items', ['value'], {}, (a) => {
    if (a.value === undefined || a.value === null) return [];
    if (!isDict(a.value)) throw new TypeError(`items filter needs a dict, got ${typeName(a.value)}`);
    const d = a.value;
    return dictKeys(d).map((k) => tuple([k, d[k]]));
  }),
  attr: filter('attr', ['obj', 'name'], {}, (a) => attrGetter(pyStr(a.name))(need(a.obj))),
  format: function (this: FilterThis, ...all: unknown[]) {
    const { pos, kw } = splitArgs(all);
    const [value, ...args] = pos;
    if (Object.keys(kw).length) return percentFormat(pyStr(need(value)), kw);
    return percentFormat(pyStr(need(value)), tuple(args));
  },
  reverse: filter('reverse', ['value'], {}, (a) => {
    const v = need(a.value);
    if (isStr(v)) return [...strValue(v)].reverse().join('');
    return [...items(v)].reverse();
  }),
  groupby: filter(
    'groupby',
    ['value', 'attribute', 'default', 'case_sensitive'],
    { default: undefined, case_sensitive: false },
    groupby,
  ),
  tojson: filter('tojson', ['value', 'indent'], { indent: null }, (a) =>
    htmlSafeJson(a.value, a.indent === null ? null : Number(a.indent)),
  ),
  pprint: filter('pprint', ['value'], {}, (a) => pyRepr(a.value)),
  wordcount: filter('wordcount', ['s'], {}, (a) => (pyStr(need(a.s)).match(/\w+/g) ?? []).length),
};

jinjaFilters.d = jinjaFilters.default;
