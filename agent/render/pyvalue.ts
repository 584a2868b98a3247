// Python value semantics for template data: type tests, truthiness, equality, str() and repr().
// Template data is plain JSON-like JS (objects, arrays, strings, numbers, booleans, null);
// Jinja templates expect Python behaviour from it, so the renderer routes operators through here.
import nunjucks from 'nunjucks';

export type Dict = Record<string, unknown>;

const SafeString = nunjucks.runtime.SafeString as unknown as new (s: string) => { val: string; toString(): string };

const TUPLE = Symbol('tuple');

/** A plain mapping (a Python dict): not an array, not null, not a class instance such as a SafeString. */
export function isDict(v: unknown): v is Dict {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Strings, including nunjucks' SafeString (Jinja's Markup). */
export function isStr(v: unknown): v is string {
  return typeof v === 'string' || v instanceof SafeString;
}

export function strValue(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

export function markSafe(s: string): unknown {
  return new SafeString(s);
}

/** Marks an array as a tuple (printed with parentheses, spread by `%` formatting). */
export function tuple<T>(items: T[]): T[] {
  Object.defineProperty(items, TUPLE, { value: true });
  return items;
}

export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && (v as unknown as Record<symbol, unknown>)[TUPLE] === true;
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Python's name for the type of a value, for error messages ('str', 'int', 'dict', 'NoneType'…). */
export function typeName(v: unknown): string {
  if (v === null) return 'NoneType';
  if (v === undefined) return 'Undefined';
  if (isStr(v)) return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (typeof v === 'function') return 'function';
  if (isDict(v)) return 'dict';
  return 'object';
}

/** Python truthiness: empty strings, lists and dicts, 0, None and False are false. */
export function pyBool(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof SafeString) return (v as { val: string }).val.length > 0;
  if (isDict(v)) {
    for (const k in v) if (k !== '__keywords') return true;
    return false;
  }
  return true;
}

/** Python `==`: structural for lists and dicts, True == 1, no string/number coercion. */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isStr(a) && isStr(b)) return strValue(a) === strValue(b);
  const na = typeof a === 'boolean' ? Number(a) : a;
  const nb = typeof b === 'boolean' ? Number(b) : b;
  if (typeof na === 'number' && typeof nb === 'number') return na === nb;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEq(a[i], b[i])) return false;
    return true;
  }
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a).filter((k) => k !== '__keywords');
    const kb = Object.keys(b).filter((k) => k !== '__keywords');
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !pyEq(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** Keys of a dict as Python sees them (nunjucks' keyword-argument marker is not a key). */
export function dictKeys(d: Dict): string[] {
  const keys = Object.keys(d);
  return Object.prototype.hasOwnProperty.call(d, '__keywords') ? keys.filter((k) => k !== '__keywords') : keys;
}

function reprNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** Python repr() of a string: single quotes unless the text holds ' and no ". */
export function reprString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + q;
}

/** Python repr(). */
export function pyRepr(v: unknown): string {
  if (isStr(v)) return reprString(strValue(v));
  return pyStrInner(v, pyRepr);
}

/** Python str(), as printed by `{{ }}` (Salt prints dicts and lists YAML-friendly, like repr). */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof SafeString) return strValue(v);
  return pyStrInner(v, pyRepr);
}

function pyStrInner(v: unknown, inner: (x: unknown) => string): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return reprNumber(v);
  if (typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) {
    if (isTuple(v)) return v.length === 1 ? `(${inner(v[0])},)` : `(${v.map(inner).join(', ')})`;
    return `[${v.map(inner).join(', ')}]`;
  }
  if (isDict(v))
    return `{${dictKeys(v)
      .map((k) => `${reprString(k)}: ${inner(v[k])}`)
      .join(', ')}}`;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'function') return `<function ${v.name || 'anonymous'}>`;
  return String(v);
}

/** Python's ordering for sort/min/max: numbers (and booleans) before strings; mixed types compare by type name. */
export function pyCompare(a: unknown, b: unknown): number {
  const na = typeof a === 'boolean' ? Number(a) : a;
  const nb = typeof b === 'boolean' ? Number(b) : b;
  if (typeof na === 'number' && typeof nb === 'number') return na < nb ? -1 : na > nb ? 1 : 0;
  if (isStr(na) && isStr(nb)) {
    const sa = strValue(na);
    const sb = strValue(nb);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  if (Array.isArray(na) && Array.isArray(nb)) {
    for (let i = 0; i < Math.min(na.length, nb.length); i++) {
      const c = pyCompare(na[i], nb[i]);
      if (c) return c;
    }
    return na.length - nb.length;
  }
  throw new TypeError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Deep copy of JSON-like data (Python's copy.deepcopy for template data). */
export function deepCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepCopy) as unknown as T;
  if (isDict(v)) {
    const out: Dict = {};
    for (const k of dictKeys(v)) out[k] = deepCopy(v[k]);
    return out as T;
  }
  return v;
}

/** Salt's salt.utils.dictupdate.update: recursive merge of upd into dest (dest is modified and returned). */
export function dictUpdate(dest: Dict, upd: Dict, mergeLists = false): Dict {
  for (const k of dictKeys(upd)) {
    const cur = dest[k];
    const val = upd[k];
    if (isDict(cur) && isDict(val)) dictUpdate(cur, val, mergeLists);
    else if (mergeLists && Array.isArray(cur) && Array.isArray(val))
      dest[k] = cur.concat(val.filter((x) => !cur.some((y) => pyEq(x, y))));
    else dest[k] = val;
  }
  return dest;
}
