// authorized_keys(5) lines: [options] keytype key [comment], parsed and formatted.

export interface AuthKey {
  options: string[];
  enc: string;
  key: string;
  comment: string;
}

const KEYTYPE = /^(?:sk-)?(?:ssh-|ecdsa-)[\w.@-]+$/;

/** Short names Salt accepts for `enc`. */
const ENC_ALIASES: Record<string, string> = {
  rsa: 'ssh-rsa',
  dsa: 'ssh-dss',
  dss: 'ssh-dss',
  ed25519: 'ssh-ed25519',
  ecdsa: 'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp256': 'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384': 'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521': 'ecdsa-sha2-nistp521',
};

export const normalizeEnc = (enc: string): string => ENC_ALIASES[enc] ?? enc;

/** Splits at separators outside double quotes; inside them a backslash escapes the next character. */
function splitUnquoted(s: string, isSep: (c: string) => boolean, keepEmpty: boolean): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quoted && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (isSep(c) && !quoted) {
      if (cur || keepEmpty) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/** Splits the options field at commas outside double quotes. */
const splitOptions = (s: string): string[] => splitUnquoted(s, (c) => c === ',', true);

/** Words separated by blanks, where a double-quoted stretch (in options) does not split. */
const words = (line: string): string[] => splitUnquoted(line, (c) => /\s/.test(c), false);

/** Parses a key line; undefined for blank lines, comments and lines without a key. */
export function parseKeyLine(line: string): AuthKey | undefined {
  const t = line.trim();
  if (!t || t.startsWith('#')) return undefined;
  const w = words(t);
  const at = w.findIndex((x) => KEYTYPE.test(x));
  if (at < 0 || at > 1 || w.length < at + 2) return undefined;
  // The comment is the rest of the line, as written.
  const restStart = nthWordEnd(t, at + 2);
  return {
    options: at === 1 ? splitOptions(w[0]) : [],
    enc: w[at],
    key: w[at + 1],
    comment: restStart < 0 ? '' : t.slice(restStart).trim(),
  };
}

/** Index just after the n-th word of a line (quote-aware), or -1 when it has fewer words. */
function nthWordEnd(line: string, n: number): number {
  let count = 0;
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    const blank = /\s/.test(c) && !quoted;
    if (!blank && !inWord) inWord = true;
    else if (blank && inWord) {
      inWord = false;
      if (++count === n) return i;
    }
  }
  return -1;
}

export function formatKeyLine(k: AuthKey): string {
  return [k.options.length ? k.options.join(',') : '', k.enc, k.key, k.comment].filter(Boolean).join(' ');
}
