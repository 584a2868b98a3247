// Glob matcher: the minion id against a shell-style pattern, as Python's fnmatch reads it
// (case-sensitive, `*` `?` `[seq]` `[!seq]`, `*` also matches dots).
import type { Minion } from './types.ts';

const cache = new Map<string, RegExp>();

function escapeClassChar(c: string): string {
  return c === '\\' || c === ']' || c === '[' || c === '^' || c === '-' ? `\\${c}` : c;
}

/** The JS regular-expression source equivalent to an fnmatch pattern (unanchored). */
export function translateGlob(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i++];
    if (c === '*') {
      out += '[\\s\\S]*';
    } else if (c === '?') {
      out += '[\\s\\S]';
    } else if (c === '[') {
      let j = i;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i, j);
      i = j + 1;
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      // Ranges `a-z` and single characters; an empty range (`z-a`) matches nothing, as in Python.
      let cls = '';
      for (let k = 0; k < body.length;) {
        if (body[k + 1] === '-' && k + 2 < body.length) {
          const lo = body[k];
          const hi = body[k + 2];
          if (lo <= hi) cls += `${escapeClassChar(lo)}-${escapeClassChar(hi)}`;
          k += 3;
        } else {
          cls += escapeClassChar(body[k]);
          k += 1;
        }
      }
      if (!cls) out += negate ? '[\\s\\S]' : '(?!)';
      else out += negate ? `[^${cls}]` : `[${cls}]`;
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return out;
}

/** Python's fnmatch.fnmatchcase: does `name` match the whole `pattern`? */
export function fnmatch(name: string, pattern: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${translateGlob(pattern)})$`);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re.test(name);
}

/** Does the pattern use any glob syntax? */
export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** `web*`, `db[0-9]`, `app?.example.com`: matches the minion id. */
export function globMatch(tgt: unknown, minion: Minion): boolean {
  if (typeof tgt !== 'string') return false;
  return fnmatch(minion.id, tgt);
}
