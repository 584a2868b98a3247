// Opening the job store's SQLite database. better-sqlite3 (a native addon) is loaded on first use,
// so a command that never touches the job store does not load it.
import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';

export type Database = BetterSqlite3.Database;

const require = createRequire(import.meta.url);

/** Opens (creating when missing) the SQLite database at `file`. */
export function openDatabase(file: string, options?: BetterSqlite3.Options): Database {
  const Ctor = require('better-sqlite3') as typeof BetterSqlite3;
  return new Ctor(file, options);
}
