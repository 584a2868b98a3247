// Users and groups: /etc/passwd and /etc/group under the root, with `getent` for names
// that only the name service knows (LDAP and the like).
import { join } from 'node:path';
import type { Fact, FactCache } from './cache.ts';
import { readText } from '../store/read-text.ts';
import { operands } from '../process/operands.ts';

export interface Account {
  name: string;
  id: number;
  /** Users: primary group id. */
  gid?: number;
  home?: string;
  shell?: string;
}

export interface AccountDb {
  byName: Map<string, Account>;
  byId: Map<number, Account>;
}

/** Parses passwd(5) or group(5) text (name:x:id:…); comments and malformed lines are skipped. */
export function parseAccounts(text: string | null, kind: 'passwd' | 'group'): AccountDb {
  const db: AccountDb = { byName: new Map(), byId: new Map() };
  for (const line of (text ?? '').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    const id = Number(f[2]);
    if (f.length < 3 || !f[0] || !/^\d+$/.test(f[2] ?? '')) continue;
    const acct: Account = { name: f[0], id };
    if (kind === 'passwd') {
      if (/^\d+$/.test(f[3] ?? '')) acct.gid = Number(f[3]);
      if (f[5]) acct.home = f[5];
      if (f[6]) acct.shell = f[6];
    }
    if (!db.byName.has(acct.name)) db.byName.set(acct.name, acct);
    if (!db.byId.has(id)) db.byId.set(id, acct);
  }
  return db;
}

/** passwd: key = path of the file ('/etc/passwd'), so editing the file invalidates it. */
export const passwdFact: Fact<string | null, AccountDb> = {
  name: 'passwd',
  gather: (path, env) => readText(join(env.root, path)),
  parse: (raw) => parseAccounts(raw, 'passwd'),
};

export const groupFact: Fact<string | null, AccountDb> = {
  name: 'group',
  gather: (path, env) => readText(join(env.root, path)),
  parse: (raw) => parseAccounts(raw, 'group'),
};

/** getent: key = 'passwd:NAME' or 'group:NAME'; only asked on a real root. */
export const getentFact: Fact<string | null, Account | null> = {
  name: 'getent',
  async gather(key, env) {
    if (env.root !== '/') return null;
    const [db, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    const r = await env.run(['getent', db, ...operands(name)]);
    return r.code === 0 ? r.stdout : null;
  },
  parse(raw, key) {
    const kind = key.startsWith('group:') ? 'group' : 'passwd';
    return parseAccounts(raw, kind).byName.values().next().value ?? null;
  },
};

/**
 * Resolves a user (kind 'passwd') or group by name or numeric id. A number that names no
 * account is still a valid id (files may be owned by ids without names).
 */
export async function lookupAccount(
  facts: FactCache,
  kind: 'passwd' | 'group',
  who: string | number,
): Promise<Account | undefined> {
  const db = await facts.get(
    kind === 'passwd' ? passwdFact : groupFact,
    kind === 'passwd' ? '/etc/passwd' : '/etc/group',
  );
  const s = String(who);
  if (/^\d+$/.test(s)) return db.byId.get(Number(s)) ?? { name: s, id: Number(s) };
  return db.byName.get(s) ?? (await facts.get(getentFact, `${kind}:${s}`)) ?? undefined;
}

/** The name for an id, or the id itself as a string when it has no name. */
export async function accountName(facts: FactCache, kind: 'passwd' | 'group', id: number): Promise<string> {
  const db = await facts.get(
    kind === 'passwd' ? passwdFact : groupFact,
    kind === 'passwd' ? '/etc/passwd' : '/etc/group',
  );
  return db.byId.get(id)?.name ?? String(id);
}
