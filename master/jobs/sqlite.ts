// The slice of better-sqlite3's API the job store uses, typed here (the package ships no types).
import { createRequire } from 'node:module';

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface Statement<Row = unknown> {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): Row | undefined;
  all(...params: unknown[]): Row[];
}

export interface Database {
  prepare<Row = unknown>(sql: string): Statement<Row>;
  exec(sql: string): Database;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** `.immediate` takes the write lock at the start, so what the transaction read cannot change before it writes. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) & { immediate(...args: A): R };
  close(): void;
  readonly open: boolean;
}

type DatabaseConstructor = new (file: string, options?: { readonly?: boolean; fileMustExist?: boolean }) => Database;

const require = createRequire(import.meta.url);

/** Opens (creating when missing) the SQLite database at `file`. */
export function openDatabase(file: string, options?: { readonly?: boolean; fileMustExist?: boolean }): Database {
  const Ctor = require('better-sqlite3') as DatabaseConstructor;
  return new Ctor(file, options);
}
