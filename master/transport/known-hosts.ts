// The master's known-hosts file, in OpenSSH format: `host[,host…] keytype base64 [comment]`,
// `[host]:port` for ports other than 22, hashed names (`|1|salt|hash`) and the @revoked marker.
// Every hop is checked against it; nothing is trusted on first use.
import { createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeKey, keyType } from './host-key.ts';

export interface KnownKey {
  /** `@revoked` keys are refused; `@cert-authority` lines are not used. */
  marker?: 'revoked' | 'cert-authority';
  type: string;
  key: Buffer;
  /** 1-based line in the file. */
  line: number;
}

interface Entry extends KnownKey {
  patterns: string;
}

export type HostKeyCheck =
  | { status: 'ok'; entry: KnownKey }
  | { status: 'unknown' }
  | { status: 'changed'; known: KnownKey[] }
  | { status: 'revoked'; entry: KnownKey };

/** The name a host's keys are recorded under: `addr` on port 22, else `[addr]:port`. */
export function hostKeyName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** One known-hosts line for `name` and the key blob. */
export function knownHostsLine(name: string, blob: Buffer): string {
  return `${name} ${keyType(blob)} ${blob.toString('base64')}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function matchHashed(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return mac === hash;
}

/** OpenSSH host pattern lists: any negated match excludes, else any positive match includes. */
export function matchesHost(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) return matchHashed(patterns, name);
  let matched = false;
  for (const p of patterns.split(',')) {
    const negated = p.startsWith('!');
    const glob = negated ? p.slice(1) : p;
    if (!globToRegExp(glob).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

export function parseKnownHosts(text: string): Entry[] {
  const out: Entry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let marker: KnownKey['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    }
    const [patterns, type, b64] = fields;
    if (!patterns || !type || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    const key = Buffer.from(b64, 'base64');
    if (keyType(key) !== type) return;
    out.push({ patterns, type, key, line: i + 1, ...(marker ? { marker } : {}) });
  });
  return out;
}

/** Compares a presented key with the file: revoked, known, changed (other keys pinned) or unknown. */
export function checkHostKey(entries: readonly Entry[], name: string, blob: Buffer): HostKeyCheck {
  const mine = entries.filter((e) => matchesHost(e.patterns, name));
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(blob));
  if (revoked) return { status: 'revoked', entry: revoked };
  const pinned = mine.filter((e) => !e.marker);
  const same = pinned.find((e) => e.key.equals(blob));
  if (same) return { status: 'ok', entry: same };
  return pinned.length ? { status: 'changed', known: pinned } : { status: 'unknown' };
}

export class KnownHosts {
  private entries: Entry[] = [];
  private stamp = '';

  constructor(readonly file: string) {}

  /** Re-reads the file when it changed on disk, so keys accepted meanwhile are seen. */
  private refresh(): Entry[] {
    let stamp = 'missing';
    try {
      const st = statSync(this.file);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (stamp !== this.stamp) {
      this.entries = stamp === 'missing' ? [] : parseKnownHosts(readFileSync(this.file, 'utf8'));
      this.stamp = stamp;
    }
    return this.entries;
  }

  check(name: string, blob: Buffer): HostKeyCheck {
    return checkHostKey(this.refresh(), name, blob);
  }

  /** Keys pinned for `name` (not revoked ones). */
  keysFor(name: string): KnownKey[] {
    return this.refresh()
      .filter((e) => !e.marker && matchesHost(e.patterns, name))
      .map(({ patterns: _p, ...k }) => k);
  }

  /** Host key algorithms to offer when connecting to `name`, pinned key types first. */
  knownTypes(name: string): string[] {
    return [...new Set(this.keysFor(name).map((k) => k.type))];
  }

  /** Appends a line for `name`; nothing happens when exactly that key is already pinned. */
  add(name: string, blob: Buffer): 'added' | 'present' {
    if (this.check(name, blob).status === 'ok') return 'present';
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    let prefix = '';
    try {
      const text = readFileSync(this.file, 'utf8');
      if (text.length && !text.endsWith('\n')) prefix = '\n';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    appendFileSync(this.file, `${prefix}${knownHostsLine(name, blob)}\n`, { mode: 0o600 });
    this.stamp = '';
    return 'added';
  }

  /** `file:line` of an entry, for messages. */
  where(k: KnownKey): string {
    return `${this.file}:${k.line}`;
  }

  describe(k: KnownKey): string {
    return `${describeKey(k.key)} (${this.where(k)})`;
  }
}
