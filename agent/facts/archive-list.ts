// What an archive holds, from `tar -tv` and `unzip -Z -T` listings: its directories, files and
// links (paths relative to the extraction directory), and which of them sit at its top level —
// what archive.extracted compares with the target directory to know whether to extract.

type EntryKind = 'dir' | 'file' | 'link';

export interface ArchiveEntry {
  path: string;
  kind: EntryKind;
}

export interface ArchiveContents {
  dirs: string[];
  files: string[];
  links: string[];
  topLevelDirs: string[];
  topLevelFiles: string[];
  topLevelLinks: string[];
}

/** GNU tar's escape quoting (\\, \n, \ooo…) undone; octal escapes are bytes of UTF-8 text. */
function unescapeTar(name: string): string {
  const simple: Record<string, number> = { '\\': 0x5c, n: 0x0a, t: 0x09, r: 0x0d, f: 0x0c, v: 0x0b, a: 0x07, b: 0x08 };
  const bytes: Buffer[] = [];
  let rest = name;
  for (let m = /\\([0-7]{3}|[\\ntrfvab])/.exec(rest); m; m = /\\([0-7]{3}|[\\ntrfvab])/.exec(rest)) {
    bytes.push(Buffer.from(rest.slice(0, m.index), 'utf8'));
    bytes.push(Buffer.from([m[1].length === 3 ? parseInt(m[1], 8) : simple[m[1]]]));
    rest = rest.slice(m.index + m[0].length);
  }
  bytes.push(Buffer.from(rest, 'utf8'));
  return Buffer.concat(bytes).toString('utf8');
}

const TAR_LINE = /^(\S)\S{9}\s+\S+\s+\d+(?:,\s*\d+)?\s+\d{4}-\d\d-\d\d\s+\d\d:\d\d(?::\d\d)?\s(.*)$/;

/** Entries of `tar -tv` output (GNU tar); lines it cannot read are left out. */
export function parseTarListing(text: string): ArchiveEntry[] {
  const out: ArchiveEntry[] = [];
  for (const line of text.split('\n')) {
    const m = TAR_LINE.exec(line);
    if (!m) continue;
    const type = m[1];
    let name = m[2];
    if (type === 'l') name = name.split(' -> ')[0];
    else if (type === 'h') name = name.split(' link to ')[0];
    const kind: EntryKind = type === 'd' ? 'dir' : type === 'l' ? 'link' : 'file';
    out.push({ path: unescapeTar(name), kind });
  }
  return out;
}

const ZIP_LINE = /^(\S)\S+\s+\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+\d{8}\.\d{6}\s(.*)$/;

/** Entries of `unzip -Z -T` output (zipinfo's long format with sortable times). */
export function parseZipListing(text: string): ArchiveEntry[] {
  const out: ArchiveEntry[] = [];
  for (const line of text.split('\n')) {
    const m = ZIP_LINE.exec(line);
    if (!m) continue;
    const name = m[2];
    const kind: EntryKind = m[1] === 'd' || name.endsWith('/') ? 'dir' : m[1] === 'l' ? 'link' : 'file';
    out.push({ path: name, kind });
  }
  return out;
}

/**
 * A member's path as it lands under the target: './' and a leading '/' dropped (as tar does), the
 * first `strip` components removed; undefined when nothing is left. Throws for a '..' component.
 */
export function memberPath(raw: string, strip = 0): string | undefined {
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new Error(`archive member '${raw}' points outside the target directory`);
  const kept = parts.slice(strip);
  return kept.length ? kept.join('/') : undefined;
}

/** The contents of a listing: every member and its implied parent directories, by kind and top level. */
export function archiveContents(entries: readonly ArchiveEntry[], strip = 0): ArchiveContents {
  const kinds = new Map<string, EntryKind>();
  for (const e of entries) {
    const path = memberPath(e.path, strip);
    if (path === undefined) continue;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) kinds.set(parts.slice(0, i).join('/'), 'dir');
    if (e.kind === 'dir' || !kinds.has(path) || kinds.get(path) !== 'dir') kinds.set(path, e.kind);
  }
  const of = (kind: EntryKind): string[] => [...kinds].filter(([, k]) => k === kind).map(([p]) => p);
  const top = (kind: EntryKind): string[] => of(kind).filter((p) => !p.includes('/'));
  return {
    dirs: of('dir'),
    files: of('file'),
    links: of('link'),
    topLevelDirs: top('dir'),
    topLevelFiles: top('file'),
    topLevelLinks: top('link'),
  };
}
