// The private key the master logs in with, read and checked before any connection is tried.
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { TransportError } from './errors.ts';

/** Reads an unencrypted private key (OpenSSH or PEM); a TRANSPORT/auth error says why it cannot be used. */
export function loadPrivateKey(file: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new TransportError({ kind: 'auth', message: `cannot read private key ${file}: ${reason}` });
  }
  const parsed = ssh2.utils.parseKey(data);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || !key) {
    const encrypted = key instanceof Error && /passphrase|encrypted/i.test(key.message);
    const reason = encrypted
      ? 'it is protected by a passphrase, which is not supported'
      : `not a usable private key (${key instanceof Error ? key.message : 'empty'})`;
    throw new TransportError({ kind: 'auth', message: `cannot use private key ${file}: ${reason}` });
  }
  if (key.getPrivatePEM() === null) {
    throw new TransportError({ kind: 'auth', message: `cannot use private key ${file}: it holds a public key only` });
  }
  return data;
}
