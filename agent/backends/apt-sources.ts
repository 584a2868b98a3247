// One-line apt sources (`deb [signed-by=/k.gpg arch=amd64] http://host/path suite comp…`)
// and OpenPGP keys for `signed-by`: pure parsing, comparison and key de-armoring.

export interface SourceLine {
  type: 'deb' | 'deb-src';
  options: Record<string, string>;
  uri: string;
  suite: string;
  components: string[];
}

/** Parses a sources.list line; undefined for comments, blanks and malformed lines. */
export function parseSourceLine(line: string): SourceLine | undefined {
  const s = line.replace(/#.*$/, '').trim();
  const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?([^\s[]\S*)\s+(\S+)((?:\s+\S+)*)$/.exec(s);
  if (!m) return undefined;
  const options: Record<string, string> = {};
  for (const opt of (m[2] ?? '').trim().split(/\s+/).filter(Boolean)) {
    const eq = opt.indexOf('=');
    if (eq <= 0) return undefined;
    options[opt.slice(0, eq)] = opt.slice(eq + 1);
  }
  return {
    type: m[1] as SourceLine['type'],
    options,
    uri: m[3],
    suite: m[4],
    components: m[5].trim().split(/\s+/).filter(Boolean),
  };
}

export function formatSourceLine(s: SourceLine): string {
  const opts = Object.entries(s.options)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [s.type, opts ? `[${opts}]` : '', s.uri, s.suite, ...s.components].filter(Boolean).join(' ');
}

const stripSlash = (u: string): string => u.replace(/\/+$/, '');

/** Same repository: type, URI and suite (components and options may differ). */
export function sameRepo(a: SourceLine, b: SourceLine): boolean {
  return a.type === b.type && stripSlash(a.uri) === stripSlash(b.uri) && a.suite === b.suite;
}

/** Same repository with the same components and options. */
export function sameSource(a: SourceLine, b: SourceLine): boolean {
  const sortedOpts = (s: SourceLine): string => JSON.stringify(Object.entries(s.options).sort());
  return (
    sameRepo(a, b) &&
    [...a.components].sort().join(' ') === [...b.components].sort().join(' ') &&
    sortedOpts(a) === sortedOpts(b)
  );
}

/** The default file for a repository: host and path of its URI (`repo.example.com_debian.list`). */
export function defaultSourceFile(s: SourceLine): string {
  const bare = stripSlash(s.uri.replace(/^[a-z+]+:\/\//i, '').replace(/^[^@/]*@/, ''));
  return `/etc/apt/sources.list.d/${bare.replace(/[^A-Za-z0-9.-]+/g, '_') || 'repo'}.list`;
}

/**
 * The binary form of an ASCII-armored OpenPGP key (what `gpg --dearmor` writes), or
 * undefined when the text is not an armored block.
 */
export function dearmor(text: string): Buffer | undefined {
  const lines = text
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.trim());
  const begin = lines.findIndex((l) => /^-----BEGIN PGP [A-Z ]+-----$/.test(l));
  const end = lines.findIndex((l, i) => i > begin && /^-----END PGP [A-Z ]+-----$/.test(l));
  if (begin < 0 || end < 0) return undefined;
  let body = lines.slice(begin + 1, end);
  const blank = body.indexOf('');
  if (blank >= 0 && body.slice(0, blank).every((l) => /^[A-Za-z-]+: /.test(l))) body = body.slice(blank + 1);
  const data = body.filter((l) => l && !l.startsWith('=')).join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || !data) return undefined;
  return Buffer.from(data, 'base64');
}

/** What goes into a keyring file: armored text for `.asc`, binary otherwise. */
export function keyFileContent(path: string, keyText: string): Buffer | undefined {
  if (path.endsWith('.asc')) return Buffer.from(keyText.endsWith('\n') ? keyText : `${keyText}\n`);
  return dearmor(keyText);
}
