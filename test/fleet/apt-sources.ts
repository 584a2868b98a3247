// Reads the machine's own apt configuration to find the Debian mirror the fleet downloads from.
// Nothing in the project names a mirror: whatever this machine uses (a local mirror, a proxy,
// snapshot.debian.org) is what the fleet uses.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** A keyring path (an inline key block is not kept). */
  signedBy?: string;
  file: string;
}

export interface DebianMirror {
  /** Serves `<suite>` (and `<suite>-updates` when `updates`). */
  archive: string;
  keyring: string;
  /** The machine uses the `-updates` suite of the archive. */
  updates: boolean;
  /** Serves `<suite>-security`, when the machine has such an entry. */
  security?: { uri: string; keyring: string };
}

export const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const DEBIAN_SUITES = new Set([
  'buster',
  'bullseye',
  'bookworm',
  'trixie',
  'forky',
  'duke',
  'sid',
  'oldoldstable',
  'oldstable',
  'stable',
  'testing',
  'unstable',
]);

/** Parses a deb822 `.sources` file. Disabled stanzas (`Enabled: no`) are skipped. */
export function parseDeb822(text: string, file = '<deb822>'): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (/^\s*#/.test(line) || line.trim() === '') continue;
      if (/^[ \t]/.test(line) && last) {
        fields.set(last, `${fields.get(last)}\n${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
      if (!m) continue;
      last = m[1].toLowerCase();
      fields.set(last, m[2].trim());
    }
    if (!fields.has('uris')) continue;
    if (/^(no|false|0)$/i.test(fields.get('enabled') ?? 'yes')) continue;
    const words = (key: string) => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
    const signed = fields.get('signed-by')?.trim();
    out.push({
      types: words('types'),
      uris: words('uris'),
      suites: words('suites'),
      components: words('components'),
      signedBy: signed && !signed.includes('\n') && signed.startsWith('/') ? signed : undefined,
      file,
    });
  }
  return out;
}

/** Parses one-line style (`sources.list`): `deb [opts] uri suite component…`. */
export function parseOneLine(text: string, file = '<sources.list>'): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const opts = new Map(
      (m[2] ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((kv) => kv.split('=') as [string, string]),
    );
    out.push({
      types: [m[1]],
      uris: [m[3]],
      suites: [m[4]],
      components: m[5].split(/\s+/).filter(Boolean),
      signedBy: opts.get('signed-by'),
      file,
    });
  }
  return out;
}

/** Every apt source configured on this machine (`sources.list` and `sources.list.d/*`). */
export function readMachineSources(etcApt = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  const list = read(join(etcApt, 'sources.list'));
  if (list !== undefined) out.push(...parseOneLine(list, join(etcApt, 'sources.list')));
  let parts: string[] = [];
  try {
    parts = readdirSync(join(etcApt, 'sources.list.d')).sort();
  } catch {
    // no sources.list.d
  }
  for (const name of parts) {
    const path = join(etcApt, 'sources.list.d', name);
    const text = name.endsWith('.list') || name.endsWith('.sources') ? read(path) : undefined;
    if (text === undefined) continue;
    out.push(...(name.endsWith('.sources') ? parseDeb822(text, path) : parseOneLine(text, path)));
  }
  return out;
}

/**
 * Picks the Debian archive (main component, a Debian suite) and the security archive from the
 * machine's sources. Third-party repositories are ignored. Throws when there is no Debian entry.
 */
export function findDebianMirror(sources: readonly AptSource[]): DebianMirror {
  const binary = sources.filter((s) => s.types.includes('deb') && s.components.includes('main'));
  const archive = binary.find((s) =>
    s.suites.some((x) => DEBIAN_SUITES.has(x) || DEBIAN_SUITES.has(x.replace(/-updates$/, ''))),
  );
  if (!archive) {
    const seen = sources.map((s) => `${s.file}: ${s.uris.join(' ')} ${s.suites.join(' ')}`).join('\n  ');
    throw new Error(
      `no Debian archive with component "main" in this machine's apt sources:\n  ${seen || '(no sources)'}`,
    );
  }
  const security = binary.find((s) =>
    s.suites.some((x) => x.endsWith('-security') && DEBIAN_SUITES.has(x.replace(/-security$/, ''))),
  );
  const uri = archive.uris[0].replace(/\/+$/, '');
  const updates = binary.some(
    (s) => s.uris.some((u) => u.replace(/\/+$/, '') === uri) && s.suites.some((x) => x.endsWith('-updates')),
  );
  return {
    archive: uri,
    keyring: archive.signedBy ?? DEFAULT_KEYRING,
    updates,
    security: security && { uri: security.uris[0].replace(/\/+$/, ''), keyring: security.signedBy ?? DEFAULT_KEYRING },
  };
}

/** One-line apt sources for `suite` on the machine's Debian mirror (for the fleet's downloads). */
export function mirrorSourcesList(mirror: DebianMirror, suite: string): string {
  const line = (uri: string, keyring: string, s: string) => `deb [signed-by=${keyring}] ${uri} ${s} main`;
  const lines = [line(mirror.archive, mirror.keyring, suite)];
  if (mirror.updates) lines.push(line(mirror.archive, mirror.keyring, `${suite}-updates`));
  if (mirror.security) lines.push(line(mirror.security.uri, mirror.security.keyring, `${suite}-security`));
  return `${lines.join('\n')}\n`;
}
