// The debconf database as debconf's default file driver stores it: config.dat (answers)
// and passwords.dat (answers to password questions, readable by root only). Reading the
// files needs no extra package (debconf-get-selections lives in debconf-utils) and shows
// password answers, which debconf-show hides, so they can be compared.
import { join } from 'node:path';
import type { Fact } from './cache.ts';
import { readText } from '../store/read-text.ts';

export const DEBCONF_CONFIG = '/var/cache/debconf/config.dat';
export const DEBCONF_PASSWORDS = '/var/cache/debconf/passwords.dat';

export interface DebconfQuestion {
  name: string;
  /** Current answer; null when the question has none. */
  value: string | null;
  owners: string[];
  flags: string[];
}

/** Pure: a debconf .dat file (RFC 822-like stanzas, continuation lines start with a space). */
export function parseDebconfDat(text: string): Map<string, DebconfQuestion> {
  const out = new Map<string, DebconfQuestion>();
  for (const stanza of text.replace(/\r/g, '').split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      if (!line || line.startsWith(' ')) continue;
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).replace(/^ /, ''));
    }
    const name = fields.get('Name');
    if (!name) continue;
    const list = (k: string): string[] =>
      (fields.get(k) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    out.set(name, {
      name,
      value: fields.has('Value') ? (fields.get('Value') as string) : null,
      owners: list('Owners'),
      flags: list('Flags'),
    });
  }
  return out;
}

export interface DebconfRaw {
  config: string | null;
  passwords: string | null;
}

/** Answers by question; password answers override the (empty) ones in config.dat. */
export function parseDebconf(raw: DebconfRaw): Map<string, DebconfQuestion> {
  const db = parseDebconfDat(raw.config ?? '');
  for (const [name, q] of parseDebconfDat(raw.passwords ?? '')) {
    const base = db.get(name);
    db.set(name, base ? { ...base, value: q.value } : q);
  }
  return db;
}

/** Key unused (''). */
export const debconfFact: Fact<DebconfRaw, Map<string, DebconfQuestion>> = {
  name: 'debconf',
  async gather(_key, env) {
    return {
      config: await readText(join(env.root, DEBCONF_CONFIG)),
      passwords: await readText(join(env.root, DEBCONF_PASSWORDS)),
    };
  },
  parse: parseDebconf,
};
