// Locales on Debian: what `locale -a` lists (the generated ones), what the locales package can
// generate (/usr/share/i18n/SUPPORTED), which of them /etc/locale.gen asks locale-gen for, and the
// system locale (LANG in /etc/default/locale).

export const SUPPORTED = '/usr/share/i18n/SUPPORTED';
export const LOCALE_GEN = '/etc/locale.gen';
export const DEFAULT_LOCALE = '/etc/default/locale';

interface LocaleParts {
  base: string;
  codeset: string;
  modifier: string;
  charmap: string;
}

/** en_US.UTF-8@euro UTF-8 → its parts (charmap is what follows a space, as in SUPPORTED). */
function splitLocale(name: string): LocaleParts {
  const [locale, charmap = ''] = name.trim().split(/\s+/, 2);
  const at = locale.indexOf('@');
  const modifier = at >= 0 ? locale.slice(at + 1) : '';
  const head = at >= 0 ? locale.slice(0, at) : locale;
  const dot = head.indexOf('.');
  return {
    base: dot >= 0 ? head.slice(0, dot) : head,
    codeset: dot >= 0 ? head.slice(dot + 1) : '',
    modifier,
    charmap,
  };
}

/** glibc's normal form, as `locale -a` lists it: the codeset in lower case without '-' (en_US.utf8). */
export function normalizeLocale(name: string): string {
  const p = splitLocale(name);
  const codeset = p.codeset.toLowerCase().replace(/-/g, '');
  return `${p.base}${codeset ? `.${codeset}` : ''}${p.modifier ? `@${p.modifier}` : ''}`;
}

/** Whether `locale -a` output lists `name` (compared in normal form). */
export function localeAvailable(localeA: string, name: string): boolean {
  const want = normalizeLocale(name);
  return localeA.split('\n').some((l) => l.trim() && normalizeLocale(l) === want);
}

/** A locale name that is safe to put in a file and a regular expression-free search. */
export function validLocaleName(name: string): boolean {
  return /^[A-Za-z0-9_.@+-]+( [A-Za-z0-9_.+-]+)?$/.test(name.trim()) && !name.startsWith('-');
}

/**
 * The SUPPORTED line for `name`: the line itself when a charmap is given ('en_US.UTF-8 UTF-8'), else
 * the line whose charmap is the codeset (Salt appends the codeset as the charmap), else the first
 * line naming the locale.
 */
export function supportedLine(supported: string, name: string): string | undefined {
  const lines = supported
    .split('\n')
    .map((l) => l.trim().split(/\s+/).join(' '))
    .filter((l) => l && !l.startsWith('#'));
  const p = splitLocale(name);
  const locale = name.trim().split(/\s+/)[0];
  if (p.charmap) return lines.find((l) => l === `${locale} ${p.charmap}`);
  if (p.codeset) {
    const same = lines.find((l) => l === `${locale} ${p.codeset}`);
    if (same) return same;
  }
  return lines.find((l) => l.split(' ')[0] === locale);
}

/** /etc/locale.gen with `line` enabled: its commented form uncommented, or the line appended. */
export function enableLocaleGen(text: string, line: string): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const same = (l: string): boolean => l.trim().split(/\s+/).join(' ') === line;
  if (lines.some(same)) return text;
  const commented = lines.findIndex((l) => /^\s*#/.test(l) && same(l.replace(/^\s*#\s*/, '')));
  if (commented >= 0) lines[commented] = line;
  else lines.push(line);
  return `${lines.join('\n')}\n`;
}

/** The value of LANG in /etc/default/locale (quotes removed), or undefined. */
export function systemLang(text: string): string | undefined {
  let lang: string | undefined;
  for (const l of text.split('\n')) {
    const m = /^\s*LANG=(.*)$/.exec(l);
    if (m) lang = m[1].trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return lang;
}

/** /etc/default/locale with LANG set: its line rewritten (the last one, others dropped) or appended. */
export function setSystemLang(text: string, lang: string): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const isLang = (l: string): boolean => /^\s*LANG=/.test(l);
  const last = lines.map(isLang).lastIndexOf(true);
  const out = lines.flatMap((l, i) => (i === last ? [`LANG=${lang}`] : isLang(l) ? [] : [l]));
  if (last < 0) out.push(`LANG=${lang}`);
  return `${out.join('\n')}\n`;
}
