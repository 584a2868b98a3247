// Python string formatting: the `%` operator (and Jinja's `format` filter) and str.format().
import { isDict, isStr, isTuple, pyRepr, pyStr, strValue, typeName, type Dict } from './pyvalue.ts';

function toNumber(v: unknown, conv: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  throw new TypeError(`%${conv} format: a real number is required, not ${typeName(v)}`);
}

function expForm(n: number, prec: number, upper: boolean): string {
  const s = n.toExponential(prec).replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? s.toUpperCase() : s;
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/(\.\d*?)0+(e|$)/i, '$1$2').replace(/\.(e|$)/i, '$1');
}

/** Formats a finite or special number for the float conversions f, e, g (upper-case variants too). */
export function formatFloat(n: number, type: string, prec: number | undefined, alt = false): string {
  const upper = type === type.toUpperCase();
  if (!Number.isFinite(n)) {
    const s = Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
    return upper ? s.toUpperCase() : s;
  }
  const t = type.toLowerCase();
  if (t === 'f') return n.toFixed(prec ?? 6);
  if (t === 'e') return expForm(n, prec ?? 6, upper);
  // general format
  let p = prec ?? 6;
  if (p === 0) p = 1;
  if (n === 0) return alt ? (0).toFixed(p - 1) : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(n.toExponential(p - 1)))));
  if (exp < -4 || exp >= p) {
    const s = expForm(n, p - 1, upper);
    return alt ? s : stripZeros(s);
  }
  const s = n.toFixed(Math.max(0, p - 1 - exp));
  return alt ? s : stripZeros(s);
}

function intText(n: number, type: string, alt: boolean): string {
  const neg = n < 0;
  const a = Math.abs(Math.trunc(n));
  let s: string;
  switch (type) {
    case 'x':
      s = (alt ? '0x' : '') + a.toString(16);
      break;
    case 'X':
      s = (alt ? '0X' : '') + a.toString(16).toUpperCase();
      break;
    case 'o':
      s = (alt ? '0o' : '') + a.toString(8);
      break;
    case 'b':
      s = (alt ? '0b' : '') + a.toString(2);
      break;
    default:
      s = a.toString(10);
  }
  return neg ? '-' + s : s;
}

function pad(body: string, width: number, align: string, fill: string, numeric: boolean): string {
  if (body.length >= width) return body;
  const n = width - body.length;
  if (align === '<') return body + fill.repeat(n);
  if (align === '^') return fill.repeat(Math.floor(n / 2)) + body + fill.repeat(n - Math.floor(n / 2));
  if (align === '=' && numeric) {
    const m = /^([+\- ]?(?:0[xXob])?)(.*)$/.exec(body)!;
    return m[1] + fill.repeat(n) + m[2];
  }
  return fill.repeat(n) + body;
}

// ---- printf-style ----

const PCT = /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

/** Python `fmt % values`. A tuple supplies positional values; a dict supplies `%(name)s` values. */
export function percentFormat(fmt: string, values: unknown): string {
  const named = /%\([^)]*\)/.test(fmt);
  const args: unknown[] = isTuple(values) ? [...(values as unknown[])] : named ? [] : [values];
  const mapping = named ? values : undefined;
  if (named && !isDict(mapping)) throw new TypeError('format requires a mapping');
  let idx = 0;
  const next = (): unknown => {
    if (idx >= args.length) throw new TypeError('not enough arguments for format string');
    return args[idx++];
  };
  const out = fmt.replace(PCT, (_m, name: string | undefined, flags: string, w?: string, p?: string, conv = 's') => {
    if (conv === '%') return '%';
    const width = w === '*' ? Number(next()) : w ? Number(w) : 0;
    const prec = p === '*' ? Number(next()) : p !== undefined ? Number(p) : undefined;
    const v = name !== undefined ? (mapping as Dict)[name] : next();
    if (name !== undefined && !(name in (mapping as Dict))) throw new TypeError(`format key '${name}' not found`);
    const alt = flags.includes('#');
    let body: string;
    let numeric = true;
    switch (conv) {
      case 's':
        body = pyStr(v);
        numeric = false;
        if (prec !== undefined) body = body.slice(0, prec);
        break;
      case 'r':
      case 'a':
        body = pyRepr(v);
        numeric = false;
        if (prec !== undefined) body = body.slice(0, prec);
        break;
      case 'c':
        body = typeof v === 'number' ? String.fromCodePoint(v) : strValue(v);
        numeric = false;
        break;
      case 'd':
      case 'i':
      case 'u':
        body = intText(toNumber(v, conv), 'd', false);
        break;
      case 'o':
      case 'x':
      case 'X':
        body = intText(toNumber(v, conv), conv, alt);
        break;
      default:
        body = formatFloat(toNumber(v, conv), conv, prec, alt);
    }
    if (numeric && !body.startsWith('-')) {
      if (flags.includes('+')) body = '+' + body;
      else if (flags.includes(' ')) body = ' ' + body;
    }
    if (flags.includes('-')) return pad(body, width, '<', ' ', false);
    if (flags.includes('0') && numeric) return pad(body, width, '=', '0', true);
    return pad(body, width, '>', ' ', false);
  });
  if (idx < args.length && !named) throw new TypeError('not all arguments converted during string formatting');
  return out;
}

// ---- str.format ----

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

function group(intPart: string, sep: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** Applies a format-spec (the part after ':') to one value, as format(value, spec) does. */
export function formatSpec(v: unknown, spec: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw new Error(`Invalid format specifier '${spec}'`);
  const [, fillCh, alignCh, sign, , alt, zero, widthS, grouping, precS, typeCh] = m;
  const width = widthS ? Number(widthS) : 0;
  const prec = precS !== undefined ? Number(precS) : undefined;
  const numberLike = typeof v === 'number' || typeof v === 'boolean';
  let type = typeCh ?? '';
  let body: string;
  if (!numberLike || type === 's') {
    if (type && type !== 's') throw new Error(`Unknown format code '${type}' for object of type '${typeName(v)}'`);
    body = pyStr(v);
    if (prec !== undefined) body = body.slice(0, prec);
    const align = alignCh ?? '<';
    return pad(body, width, align, fillCh ?? (zero ? '0' : ' '), false);
  }
  const n = Number(v);
  if (type === 'n') type = Number.isInteger(n) ? 'd' : 'g';
  if (type === '' && Number.isInteger(n) && prec === undefined) type = 'd';
  if (type === '') {
    body = prec === undefined ? String(n) : formatFloat(n, 'g', prec, !!alt);
  } else if ('bdoxXc'.includes(type)) {
    if (!Number.isInteger(n)) throw new Error(`Unknown format code '${type}' for object of type 'float'`);
    body = type === 'c' ? String.fromCodePoint(n) : intText(n, type, !!alt);
  } else if (type === '%') {
    body = (n * 100).toFixed(prec ?? 6) + '%';
  } else {
    body = formatFloat(n, type, prec, !!alt);
  }
  if (grouping) {
    const neg = body.startsWith('-');
    const digits = neg ? body.slice(1) : body;
    const [ip, ...rest] = digits.split('.');
    body = (neg ? '-' : '') + group(ip, grouping) + (rest.length ? '.' + rest.join('.') : '');
  }
  if (!body.startsWith('-')) {
    if (sign === '+') body = '+' + body;
    else if (sign === ' ') body = ' ' + body;
  }
  const align = alignCh ?? (zero ? '=' : '>');
  return pad(body, width, align, fillCh ?? (zero ? '0' : ' '), true);
}

function fieldValue(field: string, pos: unknown[], kw: Dict, auto: { n: number }): unknown {
  const m = /^([^.[]*)(.*)$/s.exec(field)!;
  const head = m[1];
  let v: unknown;
  if (head === '') {
    if (auto.n < 0) throw new Error('cannot switch from manual field specification to automatic field numbering');
    v = pos[auto.n++];
    if (auto.n > pos.length) throw new Error(`Replacement index ${auto.n - 1} out of range for positional args tuple`);
  } else if (/^\d+$/.test(head)) {
    if (auto.n > 0) throw new Error('cannot switch from automatic field numbering to manual field specification');
    auto.n = -1;
    const i = Number(head);
    if (i >= pos.length) throw new Error(`Replacement index ${i} out of range for positional args tuple`);
    v = pos[i];
  } else {
    if (!(head in kw)) throw new Error(`KeyError: '${head}'`);
    v = kw[head];
  }
  const rest = /\.([^.[]+)|\[([^\]]+)\]/g;
  let r: RegExpExecArray | null;
  while ((r = rest.exec(m[2]))) {
    const key = r[1] ?? r[2];
    if (Array.isArray(v) && /^\d+$/.test(key)) v = v[Number(key)];
    else if (v !== null && typeof v === 'object') v = (v as Dict)[key];
    else v = undefined;
    if (v === undefined) throw new Error(`KeyError: '${key}'`);
  }
  return v;
}

/** Python str.format(*pos, **kw). */
export function strFormat(fmt: string, pos: unknown[], kw: Dict): string {
  const auto = { n: 0 };
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const ch = fmt[i];
    if (ch === '{' && fmt[i + 1] === '{') {
      out += '{';
      i += 2;
      continue;
    }
    if (ch === '}' && fmt[i + 1] === '}') {
      out += '}';
      i += 2;
      continue;
    }
    if (ch === '}') throw new Error("Single '}' encountered in format string");
    if (ch !== '{') {
      out += ch;
      i++;
      continue;
    }
    // find the matching close brace (one nesting level for specs like {:{width}})
    let depth = 1;
    let j = i + 1;
    while (j < fmt.length && depth) {
      if (fmt[j] === '{') depth++;
      else if (fmt[j] === '}') depth--;
      if (depth) j++;
    }
    if (depth) throw new Error("Single '{' encountered in format string");
    const inner = fmt.slice(i + 1, j);
    const m = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(inner);
    if (!m) throw new Error(`invalid replacement field '{${inner}}'`);
    const [, field, conv, rawSpec] = m;
    let v = fieldValue(field, pos, kw, auto);
    if (conv === 'r' || conv === 'a') v = pyRepr(v);
    else if (conv === 's') v = pyStr(v);
    const spec = rawSpec ? (rawSpec.includes('{') ? strFormat(rawSpec, pos, kw) : rawSpec) : '';
    out += spec ? formatSpec(v, spec) : isStr(v) ? strValue(v) : pyStr(v);
    i = j + 1;
  }
  return out;
}
