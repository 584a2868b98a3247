// Public host keys in SSH wire format: their type and their OpenSSH-style SHA256 fingerprint.
import { createHash } from 'node:crypto';

/** The key type written at the start of the blob (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`…). */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return 'unknown';
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` and ssh print it. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** `ED25519 key SHA256:…`: how a key is named in messages. */
export function describeKey(blob: Buffer): string {
  return `${keyLabel(keyType(blob))} key ${fingerprint(blob)}`;
}

export function keyLabel(type: string): string {
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type.startsWith('ecdsa-')) return 'ECDSA';
  if (type === 'ssh-rsa') return 'RSA';
  if (type === 'ssh-dss') return 'DSA';
  return type;
}

/** Host key algorithms that verify a key of `type` (RSA keys sign with SHA-2 first; SHA-1 only where allowed). */
export function algorithmsFor(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}

const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
];

/** RSA keys signing with SHA-1: forgeable (chosen-prefix collisions); offered only with `ssh.allow_sha1`. */
export const SHA1_HOST_KEY_ALGORITHM = 'ssh-rsa';

/**
 * The algorithms to offer: those of the key types already pinned first, as OpenSSH does. SHA-1
 * `ssh-rsa` comes last, and only when `allowSha1` (old hosts that sign with nothing else).
 */
export function preferredAlgorithms(knownTypes: readonly string[], allowSha1 = false): string[] {
  const offered = allowSha1 ? [...DEFAULT_HOST_KEY_ALGORITHMS, SHA1_HOST_KEY_ALGORITHM] : DEFAULT_HOST_KEY_ALGORITHMS;
  const first = knownTypes.flatMap(algorithmsFor).filter((a) => offered.includes(a));
  return [...new Set([...first, ...offered])];
}
