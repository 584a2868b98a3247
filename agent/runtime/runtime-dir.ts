// The agent's runtime directory (/run/halite: the lock, the resident agents' sockets, the
// groups of running commands). Only root may enter it: it is created 0700, and one found with a
// looser mode (made by an older agent, or by hand) is tightened before anything is put in it.
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';

export const RUNTIME_DIR = '/run/halite';

/** Creates `dir` (and its parents) 0700, or tightens an existing one to 0700; refuses a non-directory. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  if ((st.mode & 0o7777) !== 0o700) chmodSync(dir, 0o700);
}
