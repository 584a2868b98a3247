// Salt's additional template filters (salt/utils/jinja.py, salt/utils/data.py, hashutils,
// yamlencoding, network): serialisers, loaders, regexes, set operations, hashes, shell quoting.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { filter, items, need, type Filter } from './filter-kit.ts';
import { loadData } from './data-load.ts';
import { traverse } from './salt.ts';
import { pyEscape, pyMatch, pySearch, pySub, RE } from '../util/pyre.ts';
import {
  dictKeys,
  isDict,
  isStr,
  markSafe,
  pyBool,
  pyEq,
  pyRepr,
  pyStr,
  strValue,
  tuple,
  type Dict,
} from './pyvalue.ts';
import { pyJsonDumps, yamlBlock, yamlDquote, yamlEncode, yamlFlow, yamlSquote } from './serialize.ts';

function flags(a: Dict): number {
  return (pyBool(a.ignorecase) ? RE.I : 0) | (pyBool(a.multiline) ? RE.M : 0);
}

function groups(m: RegExpExecArray | null): unknown {
  if (!m) return null;
  return tuple(m.slice(1).map((g) => (g === undefined ? null : g)));
}

function uniq(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of list) if (!out.some((y) => pyEq(x, y))) out.push(x);
  return out;
}

const has = (list: unknown[], x: unknown): boolean => list.some((y) => pyEq(x, y));

/** Python's shlex.quote. */
export function shellQuote(s: string): string {
  if (!s) return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return "'" + s.replace(/'/g, `'"'"'`) + "'";
}

/** Salt's to_bool: yes/1/true strings, positive numbers and non-empty collections are true. */
export function toBool(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (isStr(v)) return ['yes', '1', 'true'].includes(strValue(v).toLowerCase());
  if (typeof v === 'number') return v > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return dictKeys(v).length > 0;
  return false;
}

const UUID_NAMESPACE = Buffer.from('91633ebf1c865e33935a28061f4b480e', 'hex');

function uuid5(name: string): string {
  const h = createHash('sha1').update(UUID_NAMESPACE).update(Buffer.from(name, 'utf8')).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function digest(algo: string): Filter {
  return filter(algo, ['instr'], {}, (a) =>
    createHash(algo)
      .update(pyStr(need(a.instr)), 'utf8')
      .digest('hex'),
  );
}

function flatten(data: unknown[], levels: number | null, keepNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const x of data) {
    if (Array.isArray(x) && (levels === null || levels > 0))
      out.push(...flatten(x, levels === null ? null : levels - 1, keepNulls));
    else if (x !== null || keepNulls) out.push(x);
  }
  return out;
}

const b64encode = filter('base64_encode', ['s'], {}, (a) => Buffer.from(pyStr(need(a.s)), 'utf8').toString('base64'));
const b64decode = filter('base64_decode', ['s'], {}, (a) => Buffer.from(pyStr(need(a.s)), 'base64').toString('utf8'));

export const saltFilters: Record<string, Filter> = {
  json: filter('json', ['value', 'sort_keys', 'indent'], { sort_keys: true, indent: null }, (a) =>
    markSafe(
      pyJsonDumps(a.value, { sortKeys: pyBool(a.sort_keys), indent: a.indent === null ? null : Number(a.indent) }),
    ),
  ),
  yaml: filter('yaml', ['value', 'flow_style'], { flow_style: true }, (a) =>
    markSafe(pyBool(a.flow_style) ? yamlFlow(a.value) : yamlBlock(a.value)),
  ),
  python: filter('python', ['value'], {}, (a) => markSafe(pyRepr(a.value))),
  load_yaml: filter('load_yaml', ['value'], {}, (a) => loadData('yaml', pyStr(need(a.value)))),
  load_json: filter('load_json', ['value'], {}, (a) => loadData('json', pyStr(need(a.value)))),
  load_text: filter('load_text', ['value'], {}, (a) => pyStr(need(a.value))),
  yaml_encode: filter('yaml_encode', ['data'], {}, (a) => yamlEncode(need(a.data))),
  yaml_dquote: filter('yaml_dquote', ['text'], {}, (a) => yamlDquote(pyStr(need(a.text)))),
  yaml_squote: filter('yaml_squote', ['text'], {}, (a) => yamlSquote(pyStr(need(a.text)))),
  regex_escape: filter('regex_escape', ['value'], {}, (a) => pyEscape(pyStr(need(a.value)))),
  regex_match: filter(
    'regex_match',
    ['txt', 'rgx', 'ignorecase', 'multiline'],
    { ignorecase: false, multiline: false },
    (a) => groups(pyMatch(pyStr(a.rgx), pyStr(need(a.txt)), flags(a))),
  ),
  regex_search: filter(
    'regex_search',
    ['txt', 'rgx', 'ignorecase', 'multiline'],
    { ignorecase: false, multiline: false },
    (a) => groups(pySearch(pyStr(a.rgx), pyStr(need(a.txt)), flags(a))),
  ),
  regex_replace: filter(
    'regex_replace',
    ['txt', 'rgx', 'val', 'ignorecase', 'multiline'],
    { ignorecase: false, multiline: false },
    (a) => pySub(pyStr(a.rgx), pyStr(a.val), pyStr(need(a.txt)), 0, flags(a)),
  ),
  to_bool: filter('to_bool', ['val'], {}, (a) => toBool(need(a.val))),
  bool: filter('bool', ['val'], {}, (a) => toBool(need(a.val)) || ['on', 'y'].includes(pyStr(a.val).toLowerCase())),
  quote: filter('quote', ['txt'], {}, (a) => shellQuote(pyStr(need(a.txt)))),
  uuid: filter('uuid', ['val'], {}, (a) => uuid5(pyStr(need(a.val)))),
  is_list: filter('is_list', ['value'], {}, (a) => Array.isArray(a.value)),
  is_iter: filter('is_iter', ['thing'], {}, (a) => Array.isArray(a.thing) || isDict(a.thing)),
  sequence: filter('sequence', ['data'], {}, (a) => (Array.isArray(a.data) || isDict(a.data) ? a.data : [a.data])),
  skip: filter('skip', ['data'], {}, () => ''),
  unique: filter('unique', ['values'], {}, (a) => uniq(items(a.values))),
  union: filter('union', ['lst1', 'lst2'], {}, (a) => uniq([...items(a.lst1), ...items(a.lst2)])),
  intersect: filter('intersect', ['lst1', 'lst2'], {}, (a) => {
    const b = items(a.lst2);
    return uniq(items(a.lst1).filter((x) => has(b, x)));
  }),
  difference: filter('difference', ['lst1', 'lst2'], {}, (a) => {
    const b = items(a.lst2);
    return uniq(items(a.lst1).filter((x) => !has(b, x)));
  }),
  symmetric_difference: filter('symmetric_difference', ['lst1', 'lst2'], {}, (a) => {
    const x = items(a.lst1);
    const y = items(a.lst2);
    return uniq([...x.filter((v) => !has(y, v)), ...y.filter((v) => !has(x, v))]);
  }),
  avg: filter('avg', ['lst'], {}, (a) => {
    if (!Array.isArray(a.lst)) return Number(need(a.lst));
    return a.lst.reduce((s: number, x) => s + Number(x), 0) / a.lst.length;
  }),
  sorted_ignorecase: filter('sorted_ignorecase', ['to_sort'], {}, (a) =>
    [...items(a.to_sort)].sort((x, y) => {
      const p = pyStr(x).toLowerCase();
      const q = pyStr(y).toLowerCase();
      return p < q ? -1 : p > q ? 1 : 0;
    }),
  ),
  substring_in_list: filter('substring_in_list', ['string_to_search_for', 'list_to_search'], {}, (a) =>
    items(a.list_to_search).some((s) => pyStr(s).includes(pyStr(a.string_to_search_for))),
  ),
  exactly_one_true: filter('exactly_one_true', ['iterable'], {}, (a) => items(a.iterable).filter(pyBool).length === 1),
  exactly_n_true: filter(
    'exactly_n_true',
    ['iterable', 'amount'],
    { amount: 1 },
    (a) => items(a.iterable).filter(pyBool).length === Number(a.amount),
  ),
  traverse: filter('traverse', ['data', 'key', 'default', 'delimiter'], { default: null, delimiter: ':' }, (a) =>
    traverse(need(a.data), pyStr(a.key), a.default, pyStr(a.delimiter)),
  ),
  flatten: filter('flatten', ['data', 'levels', 'preserve_nulls'], { levels: null, preserve_nulls: false }, (a) =>
    flatten(items(a.data), a.levels === null ? null : Number(a.levels), pyBool(a.preserve_nulls)),
  ),
  base64_encode: b64encode,
  base64_decode: b64decode,
  b64encode,
  b64decode,
  md5: digest('md5'),
  sha1: digest('sha1'),
  sha256: digest('sha256'),
  sha512: digest('sha512'),
  is_ip: filter('is_ip', ['ip', 'options'], { options: null }, (a) => isIP(pyStr(need(a.ip))) !== 0),
  is_ipv4: filter('is_ipv4', ['ip', 'options'], { options: null }, (a) => isIP(pyStr(need(a.ip))) === 4),
  is_ipv6: filter('is_ipv6', ['ip', 'options'], { options: null }, (a) => isIP(pyStr(need(a.ip))) === 6),
  path_join: function (...parts: unknown[]) {
    return parts
      .map((p) => pyStr(need(p)))
      .reduce((acc, p) => (p.startsWith('/') || !acc ? p : acc.endsWith('/') ? acc + p : `${acc}/${p}`), '');
  },
};
