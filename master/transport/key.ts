// The private key the master logs in with, read, decrypted when it has a passphrase, and checked
// before any connection is tried. A passphrase is never part of a message.
import { readFileSync } from 'node:fs';
import ssh2, { type ParsedKey } from 'ssh2';
import { TransportError } from './errors.ts';

/** Where a passphrase can come from, as said when a key needs one. */
export const PASSPHRASE_SOURCES =
  'set HALITE_SSH_PASSPHRASE (a roster entry gives its priv key one with priv_passwd), ' +
  'or load the key in ssh-agent (ssh-add) and let halite use the agent (ssh.agent: true, or leave ssh.key unset)';

const ENCRYPTED = /encrypted|passphrase|bad decrypt|decrypt/i;

/** A key protected by a passphrase that was not given: the ssh-agent may still hold it. */
export class PassphraseNeeded extends TransportError {}

/**
 * Reads a private key (OpenSSH or PEM), decrypting it with `passphrase` when it is protected by one;
 * a TRANSPORT/auth error says why it cannot be used.
 */
export function loadPrivateKey(file: string, passphrase?: string): ParsedKey {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new TransportError({ kind: 'auth', message: `cannot read private key ${file}: ${reason}` });
  }
  const unusable = (reason: string) =>
    new TransportError({ kind: 'auth', message: `cannot use private key ${file}: ${reason}` });
  let parsed = ssh2.utils.parseKey(data);
  const protectedByPassphrase = parsed instanceof Error && ENCRYPTED.test(parsed.message);
  if (protectedByPassphrase) {
    if (!passphrase)
      throw new PassphraseNeeded({
        kind: 'auth',
        message: `cannot use private key ${file}: it is protected by a passphrase: ${PASSPHRASE_SOURCES}`,
      });
    parsed = ssh2.utils.parseKey(data, passphrase);
    if (parsed instanceof Error) throw unusable('the passphrase given does not decrypt it');
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || !key)
    throw unusable(`not a usable private key (${key instanceof Error ? key.message : 'empty'})`);
  if (key.getPrivatePEM() === null) throw unusable('it holds a public key only');
  return key;
}
