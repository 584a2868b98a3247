// Salt's file states take Python regular expressions, flags and replacement strings.
// This translates the common forms to JavaScript: named groups (?P<n>…), (?P=n),
// leading inline flags (?i), \A and \Z; flags by name, list or integer; \1 and \g<n> in repl.

const FLAG_BITS: Record<string, number> = {
  I: 2, IGNORECASE: 2, L: 4, LOCALE: 4, M: 8, MULTILINE: 8, S: 16, DOTALL: 16, U: 32, UNICODE: 32, X: 64, VERBOSE: 64, A: 256, ASCII: 256,
};

/** Python re flags (int, name, or list of names) → bits. Throws on an unknown name. */
export function flagBits(flags: unknown, dflt = 8): number {
  if (flags === undefined || flags === null) return dflt;
  if (typeof flags === 'number') return flags;
  if (typeof flags === 'string' && /^\d+$/.test(flags)) return Number(flags);
  const names = Array.isArray(flags) ? flags : [flags];
  let bits = 0;
  for (const n of names) {
    const b = FLAG_BITS[String(n).toUpperCase().replace(/^RE\./, '')];
    if (b === undefined) throw new Error(`Invalid re flag given: ${String(n)}`);
    bits |= b;
  }
  return bits;
}

function jsFlags(bits: number): string {
  if (bits & 64) throw new Error('The VERBOSE regular expression flag is not supported');
  return `${bits & 2 ? 'i' : ''}${bits & 8 ? 'm' : ''}${bits & 16 ? 's' : ''}`;
}

/** Python's `$` (without MULTILINE) also matches just before a final newline; JavaScript's does not. */
function pythonDollar(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === ']' || (src[i + 1] === '^' && src[i + 2] === ']')) {
        const n = src[i + 1] === '^' ? 2 : 1;
        out += src.slice(i + 1, i + 1 + n);
        i += n;
      }
    } else out += c === '$' ? '(?=\\n?$)' : c;
  }
  return out;
}

/** Compiles a Python pattern; `extra` adds flags (e.g. 'g'). Throws a readable error when invalid. */
export function pyRegExp(pattern: string, bits = 0, extra = ''): RegExp {
  let src = pattern;
  let b = bits;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    for (const c of inline[1]) b |= FLAG_BITS[c.toUpperCase()] ?? 0;
    src = src.slice(inline[0].length);
  }
  if (!(b & 8)) src = pythonDollar(src);
  src = src
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])\\A/g, '$1(?<![\\s\\S])')
    .replace(/(^|[^\\])\\Z/g, '$1(?![\\s\\S])');
  try {
    return new RegExp(src, jsFlags(b) + extra);
  } catch (e) {
    throw new Error(`${(e as Error).message.replace(/^Invalid regular expression: /, '')}: '${pattern}'`);
  }
}

/** Python's re.escape. */
export function pyEscape(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, (c) => (c.charCodeAt(0) > 127 ? c : `\\${c}`));
}

/**
 * A Python replacement string as a JavaScript replacer: group references (\1, \g<1>,
 * \g<name>) and escapes (\n, \t, \\) are expanded; everything else is literal.
 */
export function pyReplacer(repl: string): (match: string, ...rest: unknown[]) => string {
  return (match, ...rest) => {
    const last = rest[rest.length - 1];
    const named = typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
    const groups = rest.slice(0, named ? -3 : -2) as Array<string | undefined>;
    const group = (ref: string): string => {
      if (/^\d+$/.test(ref)) {
        const n = Number(ref);
        if (n === 0) return match;
        if (n > groups.length) throw new Error(`invalid group reference ${n}`);
        return groups[n - 1] ?? '';
      }
      if (!named || !(ref in named)) throw new Error(`unknown group name '${ref}'`);
      return named[ref] ?? '';
    };
    return repl.replace(/\\(g<([^>]+)>|\d{1,2}|[\\nrtfvab]|.)/g, (all, esc: string, gref?: string) => {
      if (gref !== undefined) return group(gref);
      if (/^\d/.test(esc)) return group(esc);
      const map: Record<string, string> = { '\\': '\\', n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', a: '\x07', b: '\b' };
      return esc in map ? map[esc] : all;
    });
  };
}

/** Python's re.subn: replaces up to `count` matches (0 = all); returns the text and how many. */
export function pySubn(re: RegExp, repl: string, text: string, count = 0): [string, number] {
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  const replace = pyReplacer(repl);
  let n = 0;
  const out = text.replace(global, (...args: unknown[]) => {
    const m = args[0] as string;
    if (count > 0 && n >= count) return m;
    n++;
    return replace(m, ...args.slice(1));
  });
  return [out, n];
}
