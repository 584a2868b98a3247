// Python's `re` on JavaScript's engine. Patterns are translated so that they mean what they
// mean in Python: named groups (?P<n>…) and references (?P=n), comments (?#…), leading inline
// flags (?imsx), \A and \Z, Python's ^ and $ (with and without MULTILINE), {,n} quantifiers and
// a literal ']' first in a class. Flags are Python's bits (re.I = 2, re.M = 8, re.S = 16).
// Replacement strings follow Python's template syntax (\1, \g<1>, \g<name>, \n, \0…).

/** Python's re flag bits. */
export const RE = { I: 2, L: 4, M: 8, S: 16, U: 32, X: 64, A: 256 } as const;

const FLAG_BITS: Record<string, number> = {
  I: RE.I,
  IGNORECASE: RE.I,
  L: RE.L,
  LOCALE: RE.L,
  M: RE.M,
  MULTILINE: RE.M,
  S: RE.S,
  DOTALL: RE.S,
  U: RE.U,
  UNICODE: RE.U,
  X: RE.X,
  VERBOSE: RE.X,
  A: RE.A,
  ASCII: RE.A,
};

/** A pattern or replacement string that Python would reject, or that cannot be run here. */
export class PyRegexError extends Error {
  constructor(
    what: 'regular expression' | 'replacement',
    readonly pattern: string,
    why: string,
  ) {
    super(`invalid ${what} '${pattern}': ${why}`);
    this.name = 'PyRegexError';
  }
}

/** Python re flags (int, name, or list of names, with or without `re.`) → bits. Throws on an unknown name. */
export function flagBits(flags: unknown, dflt: number = RE.M): number {
  if (flags === undefined || flags === null) return dflt;
  if (typeof flags === 'number') return flags;
  if (typeof flags === 'string' && /^\d+$/.test(flags)) return Number(flags);
  let bits = 0;
  for (const n of Array.isArray(flags) ? flags : [flags]) {
    const b = FLAG_BITS[String(n).toUpperCase().replace(/^RE\./, '')];
    if (b === undefined) throw new Error(`Invalid re flag given: ${String(n)}`);
    bits |= b;
  }
  return bits;
}

const START = '(?<![\\s\\S])';
const END = '(?![\\s\\S])';

/** Rewrites a Python pattern as a JavaScript source; `bits` gains the pattern's leading inline flags. */
function translate(pattern: string, flags: number): { source: string; bits: number } {
  let bits = flags;
  let p = pattern;
  for (let lead = /^\(\?([aiLmsux]+)\)/.exec(p); lead; lead = /^\(\?([aiLmsux]+)\)/.exec(p)) {
    for (const f of lead[1]) bits |= FLAG_BITS[f.toUpperCase()];
    p = p.slice(lead[0].length);
  }
  if (bits & RE.X)
    throw new PyRegexError('regular expression', pattern, 'verbose patterns (re.VERBOSE, (?x)) are not supported');
  const multiline = (bits & RE.M) !== 0;
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      if (!inClass && n === 'A') out += START;
      else if (!inClass && n === 'Z') out += END;
      else out += c + n;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') out += p[++i];
      if (p[i + 1] === ']') out += '\\' + p[++i];
    } else if (c === '^') {
      out += multiline ? '(?<![^\\n])' : START;
    } else if (c === '$') {
      out += multiline ? '(?![^\\n])' : `(?=\\n?${END})`;
    } else if (c === '{' && /^\{,\d*\}/.test(p.slice(i))) {
      out += '{0';
    } else if (p.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (p.startsWith('(?P=', i) || p.startsWith('(?#', i)) {
      const end = p.indexOf(')', i);
      if (end < 0) throw new PyRegexError('regular expression', pattern, 'missing ), unterminated group');
      if (p[i + 2] === 'P') out += `\\k<${p.slice(i + 4, end)}>`;
      i = end;
    } else out += c;
  }
  return { source: out, bits };
}

function build(pattern: string, source: string, bits: number, extra: string): RegExp {
  const flags = new Set(`${bits & RE.I ? 'i' : ''}${bits & RE.M ? 'm' : ''}${bits & RE.S ? 's' : ''}${extra}`);
  try {
    return new RegExp(source, [...flags].join(''));
  } catch (err) {
    throw new PyRegexError(
      'regular expression',
      pattern,
      (err as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /s, ''),
    );
  }
}

/** A fresh RegExp that finds a Python pattern anywhere (re.search); `extra` adds JavaScript flags such as 'g'. */
export function pyRegExp(pattern: string, bits = 0, extra = ''): RegExp {
  const { source, bits: all } = translate(pattern, bits);
  return build(pattern, source, all, extra);
}

/** How a pattern must sit in the text: Python's re.search, re.match or re.fullmatch. */
export type PyMode = 'search' | 'match' | 'fullmatch';

const cache = new Map<string, RegExp>();

function compiled(pattern: string, bits: number, mode: PyMode): RegExp {
  const key = `${mode}:${bits}:${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const t = translate(pattern, bits);
    const source = mode === 'fullmatch' ? `(?:${t.source})${END}` : t.source;
    re = build(pattern, source, t.bits, mode === 'search' ? '' : 'y');
    if (cache.size >= 1000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** Compiles once (throwing PyRegexError if invalid); the result runs the pattern on a text. */
export function pyMatcher(
  pattern: string,
  bits = 0,
  mode: PyMode = 'search',
): (text: string) => RegExpExecArray | null {
  const re = compiled(pattern, bits, mode);
  return (text) => {
    re.lastIndex = 0;
    return re.exec(text);
  };
}

/** Python's re.match: the pattern must match at the start of the text. */
export const pyMatch = (pattern: string, text: string, bits = 0) => pyMatcher(pattern, bits, 'match')(text);
/** Python's re.search: the first match anywhere in the text. */
export const pySearch = (pattern: string, text: string, bits = 0) => pyMatcher(pattern, bits, 'search')(text);

const SPECIAL = /[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g;

/** Python's re.escape (3.7+): backslashes the characters that are special in a pattern. */
export function pyEscape(s: string): string {
  return s.replace(SPECIAL, '\\$&');
}

/** Literal text, or a group by number or name. */
type Part = string | { group: number | string };

const CHAR_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Parses a Python replacement string against a regex's groups, as re.sub does before replacing. */
function template(repl: string, re: RegExp): Part[] {
  const probe = new RegExp(`${re.source}|`, re.flags.replace(/[gy]/g, '')).exec('')!;
  const count = probe.length - 1;
  const names = Object.keys(probe.groups ?? {});
  const bad = (why: string): never => {
    throw new PyRegexError('replacement', repl, why);
  };
  const ref = (g: string): Part => {
    if (/^\d+$/.test(g)) return Number(g) > count ? bad(`invalid group reference ${Number(g)}`) : { group: Number(g) };
    return names.includes(g) ? { group: g } : bad(`unknown group name '${g}'`);
  };
  const parts: Part[] = [];
  let lit = '';
  const push = (p: Part) => {
    if (lit) parts.push(lit);
    lit = '';
    parts.push(p);
  };
  for (let i = 0; i < repl.length; i++) {
    if (repl[i] !== '\\') {
      lit += repl[i];
      continue;
    }
    const rest = repl.slice(i + 1);
    let m: RegExpExecArray | null;
    if (rest === '') bad('bad escape (end of pattern)');
    else if (rest[0] === 'g') {
      m = /^g<([^>]*)>/.exec(rest);
      if (!m) bad('missing group name after \\g');
      push(ref(m![1]));
      i += m![0].length;
    } else if ((m = /^0[0-7]{0,2}/.exec(rest)) || (m = /^[0-7]{3}/.exec(rest))) {
      const code = parseInt(m[0], 8);
      if (code > 0o377) bad(`octal escape value \\${m[0]} outside of range 0-0o377`);
      lit += String.fromCharCode(code);
      i += m[0].length;
    } else if ((m = /^\d\d?/.exec(rest))) {
      push(ref(m[0]));
      i += m[0].length;
    } else if (rest[0] in CHAR_ESCAPES) {
      lit += CHAR_ESCAPES[rest[0]];
      i++;
    } else if (/[A-Za-z]/.test(rest[0])) {
      bad(`bad escape \\${rest[0]}`);
    } else {
      lit += `\\${rest[0]}`;
      i++;
    }
  }
  if (lit) parts.push(lit);
  return parts;
}

function expand(parts: Part[], m: RegExpExecArray): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else out += (typeof p.group === 'number' ? m[p.group] : m.groups?.[p.group]) ?? '';
  }
  return out;
}

/** Python's re.subn: replaces up to `count` matches (0 = all); returns the text and how many. */
export function pySubn(pattern: RegExp | string, repl: string, text: string, count = 0, bits = 0): [string, number] {
  const re = typeof pattern === 'string' ? pyRegExp(pattern, bits) : pattern;
  const global = new RegExp(re.source, `${re.flags.replace(/[gy]/g, '')}g`);
  const parts = template(repl, global);
  let n = 0;
  let out = '';
  let last = 0;
  for (let m = global.exec(text); m && (count <= 0 || n < count); m = global.exec(text)) {
    out += text.slice(last, m.index) + expand(parts, m);
    last = m.index + m[0].length;
    n++;
    if (m[0] === '') global.lastIndex++;
  }
  return [out + text.slice(last), n];
}

/** Python's re.sub. */
export function pySub(pattern: RegExp | string, repl: string, text: string, count = 0, bits = 0): string {
  return pySubn(pattern, repl, text, count, bits)[0];
}
