// Python regular expressions run on JavaScript's engine, with Python's re.match semantics:
// anchored at the start of the string, not at its end.
import { TargetError } from './types.ts';

const cache = new Map<string, RegExp>();

/** Rewrites the Python-only syntax a target pattern may use: (?P<n>…), (?P=n), \A, \Z, leading (?imsx). */
function toJs(pattern: string): { source: string; flags: string } {
  let flags = '';
  let p = pattern;
  const lead = /^\(\?([aiLmsux]+)\)/.exec(p);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'i' || f === 'm' || f === 's') flags += flags.includes(f) ? '' : f;
      else if (f === 'x') throw new TargetError(`verbose regular expressions (?x) are not supported: '${pattern}'`);
    }
    p = p.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const n = p[i + 1];
      if (!inClass && n === 'A') out += '^';
      else if (!inClass && n === 'Z') out += '$';
      else out += c + (n ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') out += p[++i];
      if (p[i + 1] === ']') out += '\\' + p[++i];
    } else if (p.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (p.startsWith('(?P=', i)) {
      const end = p.indexOf(')', i);
      if (end < 0) throw new TargetError(`invalid regular expression '${pattern}': unterminated group reference`);
      out += `\\k<${p.slice(i + 4, end)}>`;
      i = end;
    } else out += c;
  }
  return { source: out, flags };
}

/** Compiles a Python pattern (sticky, so that `test` from index 0 behaves as re.match). */
export function compilePyRegex(pattern: string, ignoreCase = false): RegExp {
  const key = `${ignoreCase ? 'i' : '-'}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const { source, flags } = toJs(pattern);
    const all = new Set([...flags, ...(ignoreCase ? 'i' : ''), 'y']);
    try {
      re = new RegExp(source, [...all].join(''));
    } catch (err) {
      const why = err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err);
      throw new TargetError(`invalid regular expression '${pattern}': ${why}`);
    }
    if (cache.size > 1000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** Python's `bool(re.match(pattern, text))`. Throws a TargetError for an invalid pattern. */
export function reMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const re = compilePyRegex(pattern, ignoreCase);
  re.lastIndex = 0;
  return re.test(text);
}
