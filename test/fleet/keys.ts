// ssh keys of a fleet: one client key for the master, a fresh host key for every host.
import { readFileSync, rmSync } from 'node:fs';
import { run } from './run.ts';

/** Generates an ed25519 key pair at `path` (and `path`.pub); returns the public key line. */
export async function generateKey(path: string, comment: string, host?: string): Promise<string> {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], {
    step: 'generate ssh key',
    host,
  });
  return readFileSync(`${path}.pub`, 'utf8').trim();
}
