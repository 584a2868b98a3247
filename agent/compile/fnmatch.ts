// Shell-style wildcard matching with Python fnmatch semantics (the ones Salt uses for
// requisite references and `sls:` targets): `*`, `?`, `[seq]`, `[!seq]`. Dots and slashes are
// not special, the whole string must match and matching is case-sensitive.

const cache = new Map<string, RegExp>();

/** True when `value` contains a wildcard character, as Salt decides whether a reference is a glob. */
export function hasGlob(value: string): boolean {
  return /[*?[\]]/.test(value);
}

/** Alias of hasGlob. */
export const isGlob = hasGlob;

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** Translates a wildcard pattern into an anchored regular expression source. */
export function translate(pattern: string): string {
  let out = '';
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i++];
    if (c === '*') {
      while (pattern[i] === '*') i++;
      out += '[\\s\\S]*';
    } else if (c === '?') {
      out += '[\\s\\S]';
    } else if (c === '[') {
      let j = i;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < n && pattern[j] !== ']') j++;
      if (j >= n) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i, j);
      i = j + 1;
      let negate = false;
      if (body.startsWith('!')) {
        negate = true;
        body = body.slice(1);
      }
      if (body === '') {
        out += negate ? '[\\s\\S]' : '(?!)';
        continue;
      }
      const cls = body.replace(/[\\\]^[]/g, (m) => `\\${m}`);
      out += negate ? `[^${cls}]` : `[${cls}]`;
    } else {
      out += escapeChar(c);
    }
  }
  return `^(?:${out})$`;
}

/** Python's fnmatch.fnmatchcase: does `name` match the wildcard `pattern`? */
export function fnmatch(name: string, pattern: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(translate(pattern), 'u');
    cache.set(pattern, re);
  }
  return re.test(name);
}
