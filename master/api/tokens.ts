// The API's bearer tokens, kept in the job database: a token is 32 random bytes shown once when it is
// created; only its sha256 is stored, and a presented token is compared with every stored hash in
// constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../jobs/sqlite.ts';

export interface TokenInfo {
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const PREFIX = 'halite_';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const sha256 = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export class TokenError extends Error {}

export class TokenStore {
  constructor(private readonly db: Database) {}

  /** Creates the token `name` and returns it: the only time it can be seen. */
  create(name: string, now: Date = new Date()): string {
    if (!NAME.test(name))
      throw new TokenError(
        `a token name is 1 to 64 letters, digits, ".", "_" or "-", not starting with "." "_" or "-": '${name}'`,
      );
    if (this.db.prepare('SELECT 1 FROM api_tokens WHERE name = ?').get(name))
      throw new TokenError(`a token named ${name} exists already (revoke it first)`);
    const token = PREFIX + randomBytes(32).toString('base64url');
    this.db
      .prepare('INSERT INTO api_tokens (name, sha256, created_at) VALUES (?, ?, ?)')
      .run(name, sha256(token).toString('hex'), now.toISOString());
    return token;
  }

  list(): TokenInfo[] {
    return this.db
      .prepare<unknown[], { name: string; created_at: string; last_used_at: string | null }>(
        'SELECT name, created_at, last_used_at FROM api_tokens ORDER BY name',
      )
      .all()
      .map((r) => ({ name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  /** Deletes the token; false when there was none of that name. */
  revoke(name: string): boolean {
    return this.db.prepare('DELETE FROM api_tokens WHERE name = ?').run(name).changes > 0;
  }

  /** The name of the token `token` is, or undefined. Every stored hash is compared, each in constant time. */
  verify(token: string, now: Date = new Date()): string | undefined {
    const given = sha256(token);
    let found: string | undefined;
    for (const r of this.db
      .prepare<unknown[], { name: string; sha256: string }>('SELECT name, sha256 FROM api_tokens')
      .all()) {
      if (timingSafeEqual(given, Buffer.from(r.sha256, 'hex')) && found === undefined) found = r.name;
    }
    if (found !== undefined)
      this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE name = ?').run(now.toISOString(), found);
    return found;
  }
}
