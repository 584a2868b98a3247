// Serialisers behind the json, tojson, yaml, yaml_encode, yaml_dquote and yaml_squote filters,
// producing the text Python's json.dumps and PyYAML produce, so rendered files match Salt's.
import { stringify as yamlStringify } from 'yaml';
import { dictKeys, isDict, isStr, strValue, typeName } from './pyvalue.ts';

// ---- JSON (Python json.dumps) ----

function jsonString(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || (ensureAscii && c > 0x7e)) {
      if (c > 0xffff) {
        const hi = Math.floor((c - 0x10000) / 0x400) + 0xd800;
        const lo = ((c - 0x10000) % 0x400) + 0xdc00;
        out += `\\u${hi.toString(16)}\\u${lo.toString(16)}`;
      } else out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out + '"';
}

function jsonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

export interface JsonOptions {
  sortKeys?: boolean;
  indent?: number | string | null;
  ensureAscii?: boolean;
}

/** Python's json.dumps: ", " and ": " separators, sorted keys when asked, \u escapes for non-ASCII. */
export function pyJsonDumps(value: unknown, opts: JsonOptions = {}): string {
  const ensureAscii = opts.ensureAscii ?? true;
  const ind =
    opts.indent === null || opts.indent === undefined
      ? null
      : typeof opts.indent === 'number'
        ? ' '.repeat(opts.indent)
        : opts.indent;
  const enc = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'number') return jsonNumber(v);
    if (isStr(v)) return jsonString(strValue(v), ensureAscii);
    const nl = ind === null ? '' : '\n' + ind.repeat(depth + 1);
    const end = ind === null ? '' : '\n' + ind.repeat(depth);
    const sep = ind === null ? ', ' : ',';
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      return '[' + v.map((x) => nl + enc(x, depth + 1)).join(sep) + end + ']';
    }
    if (isDict(v)) {
      const keys = dictKeys(v);
      if (opts.sortKeys) keys.sort();
      if (!keys.length) return '{}';
      return '{' + keys.map((k) => `${nl}${jsonString(k, ensureAscii)}: ${enc(v[k], depth + 1)}`).join(sep) + end + '}';
    }
    if (v instanceof Date) return jsonString(v.toISOString(), ensureAscii);
    throw new TypeError(`Object of type ${typeName(v)} is not JSON serializable`);
  };
  return enc(value, 0);
}

/** Jinja's tojson: json.dumps with sorted keys, made safe to embed in HTML and quoted strings. */
export function htmlSafeJson(value: unknown, indent?: number | null): string {
  return pyJsonDumps(value, { sortKeys: true, indent })
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/'/g, '\\u0027');
}

// ---- YAML (PyYAML safe_dump) ----

const RESOLVES_TO_OTHER = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  /^(?:<<|=)$/,
];

const DQ_ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\x0b': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

function printable(c: number, allowUnicode: boolean): boolean {
  if (c >= 0x20 && c <= 0x7e) return true;
  if (!allowUnicode) return false;
  return (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) || (c >= 0x10000 && c <= 0x10ffff);
}

/** A YAML double-quoted scalar, escaped as PyYAML's emitter does. */
export function yamlDquote(text: string, allowUnicode = false): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const escape =
      ch === '"' ||
      ch === '\\' ||
      c === 0x85 ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0xfeff ||
      !printable(c, allowUnicode);
    if (!escape) out += ch;
    else if (DQ_ESCAPES[ch] !== undefined) out += '\\' + DQ_ESCAPES[ch];
    else if (c <= 0xff) out += '\\x' + c.toString(16).toUpperCase().padStart(2, '0');
    else if (c <= 0xffff) out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    else out += '\\U' + c.toString(16).toUpperCase().padStart(8, '0');
  }
  return out + '"';
}

/** A YAML single-quoted scalar. */
export function yamlSquote(text: string): string {
  return "'" + text.replace(/'/g, "''") + "'";
}

const BREAKS = /[\n\r\x85\u2028\u2029]/;

function plainAllowed(s: string): boolean {
  if (!s.length || s.startsWith(' ') || s.endsWith(' ')) return false;
  if (s === '---' || s === '...') return false;
  if (RESOLVES_TO_OTHER.some((re) => re.test(s))) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/^-[^\s]/.test(s)) return false;
  if (/[,?[\]{}:]/.test(s)) return false;
  if (/\s#/.test(s) || BREAKS.test(s)) return false;
  for (const ch of s) if (!printable(ch.codePointAt(0)!, true)) return false;
  return true;
}

function yamlScalarString(s: string): string {
  if (plainAllowed(s)) return s;
  if (BREAKS.test(s)) return yamlDquote(s, true);
  for (const ch of s) if (!printable(ch.codePointAt(0)!, true)) return yamlDquote(s, true);
  return yamlSquote(s);
}

function yamlFloat(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  return String(n);
}

/** PyYAML's text for null, booleans and numbers; undefined for anything else. */
function yamlPlainScalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : yamlFloat(value);
  return undefined;
}

/** PyYAML's safe_dump(value, default_flow_style=True), on one line: `{a: 1, b: [x, 'y: z']}`. */
export function yamlFlow(value: unknown): string {
  const plain = yamlPlainScalar(value);
  if (plain !== undefined) return plain;
  if (isStr(value)) return yamlScalarString(strValue(value));
  if (Array.isArray(value)) return '[' + value.map(yamlFlow).join(', ') + ']';
  if (isDict(value))
    return (
      '{' +
      dictKeys(value)
        .map((k) => `${yamlScalarString(k)}: ${yamlFlow(value[k])}`)
        .join(', ') +
      '}'
    );
  if (value instanceof Date) return value.toISOString();
  throw new TypeError(`cannot represent an object of type ${typeName(value)} as YAML`);
}

/** safe_dump(value, default_flow_style=False): block-style YAML. */
export function yamlBlock(value: unknown): string {
  return yamlStringify(value, { indent: 2, lineWidth: 0 }).replace(/\n$/, '');
}

/** Salt's yaml_encode: a scalar as YAML text (strings double-quoted). */
export function yamlEncode(value: unknown): string {
  const plain = yamlPlainScalar(value);
  if (plain !== undefined) return plain;
  if (isStr(value)) return yamlDquote(strValue(value));
  throw new TypeError(`yaml_encode() only works with YAML scalar data; failed for ${typeName(value)}`);
}
