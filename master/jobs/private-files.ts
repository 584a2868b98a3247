// The job store holds every result the fleet reported: its database, the SQLite files beside it
// (-wal, -shm, -journal) and its directory are readable by the master's user only. New ones are
// created that way and existing ones are tightened each time the store is opened.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/** The files SQLite keeps next to a database. */
export const SIDE_FILES = ['-wal', '-shm', '-journal'];

function chmodIfLoose(path: string, mode: number): void {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if ((st.mode & 0o7777) !== mode) chmodSync(path, mode);
}

/**
 * The directory of the store is made 0700 when missing and tightened when it is ours; a directory
 * shared with other users (sticky, like /tmp) or owned by someone else is left as it is.
 */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  const st = statSync(dir);
  const shared = (st.mode & 0o1000) !== 0;
  const ours = process.getuid === undefined || st.uid === process.getuid();
  if (ours && !shared && (st.mode & 0o077) !== 0) chmodSync(dir, st.mode & 0o7700);
}

/**
 * Makes the database file `file` and its directory private before SQLite opens it: the file is
 * created 0600 when missing (SQLite gives its -wal and -shm files the database's mode), and an
 * existing database and its side files are set to 0600.
 */
export function makeStorePrivate(file: string): void {
  privateDir(dirname(file));
  closeSync(openSync(file, 'a', PRIVATE_FILE));
  chmodIfLoose(file, PRIVATE_FILE);
  for (const suffix of SIDE_FILES) chmodIfLoose(`${file}${suffix}`, PRIVATE_FILE);
}
