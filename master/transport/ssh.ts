// One SSH connection to one hop: key authentication, host key pinned in known-hosts,
// connect timeout and keepalives. The socket is TCP, or a channel forwarded by a jump host.
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AgentAuthMethod, Client, ParsedKey, PublicKeyAuthMethod, ServerHostKeyAlgorithm } from 'ssh2';
import { TransportError, type TransportErrorKind } from './errors.ts';
import { describeKey, fingerprint, keyLabel, keyType, preferredAlgorithms } from './host-key.ts';
import { type KnownHosts, hostKeyName } from './known-hosts.ts';
import { type Hop, hopLabel } from './target.ts';

export interface HopConnectOptions {
  hop: Hop;
  /** How the hop is named in messages: `jump host user@addr:22 (for web1)`, `web1 (user@addr:22)`. */
  name: string;
  /** The command that pins this hop's key, suggested when it is unknown. */
  acceptHint?: string;
  /** The private key to log in with (decrypted); with `agent`, tried first. */
  privateKey?: ParsedKey;
  /** The ssh-agent socket whose keys are offered (after `privateKey`). */
  agent?: string;
  knownHosts: KnownHosts;
  connectTimeoutMs: number;
  /** Keepalive interval (0 disables); the connection is dropped after `keepaliveCountMax` missed answers. */
  keepaliveMs: number;
  keepaliveCountMax?: number;
  /** A connected stream to speak SSH over instead of a new TCP connection. */
  sock?: Duplex;
  /** Also offer the SHA-1 `ssh-rsa` host key algorithm (`ssh.allow_sha1`). */
  allowSha1?: boolean;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

/** Turns an ssh2 connection error into a TRANSPORT error naming the hop. */
export function classifyConnectError(
  err: Error & { level?: string; code?: string },
  name: string,
  hop: Hop,
  timeoutMs: number,
  shookHands = false,
  offered = 'the key',
): TransportError {
  const label = hopLabel(hop);
  let kind: TransportErrorKind = 'connection';
  let message = `${name}: ${err.message}`;
  if (/failed to connect to agent/i.test(err.message)) {
    kind = 'auth';
    message = `${name}: cannot reach the ssh-agent (SSH_AUTH_SOCK): ${err.message}`;
  } else if (err.level === 'client-authentication') {
    kind = 'auth';
    message = `${name}: authentication as ${hop.user} failed (the server refused ${offered})`;
  } else if (err.level === 'client-timeout') {
    kind = 'unreachable';
    message = `${name}: unreachable: no SSH session within ${timeoutMs} ms`;
  } else if (err.level === 'client-dns' || (err.code && UNREACHABLE_CODES.has(err.code))) {
    kind = 'unreachable';
    message = `${name}: unreachable: ${err.code ?? err.message}`;
  } else if (err.level === 'handshake' && /no matching host key/i.test(err.message)) {
    message =
      `${name}: the host offers no host key algorithm halite accepts (SHA-1 ssh-rsa is refused); ` +
      'give it an ed25519 key, or set `ssh.allow_sha1: true` in halite.yaml for old hosts';
  } else if (!shookHands && err.level !== 'handshake' && err.level !== 'protocol') {
    // the TCP connection closed before any SSH was spoken: no SSH service there for us
    kind = 'unreachable';
    message = `${name}: unreachable: ${err.message}`;
  }
  return new TransportError({ kind, message, hop: label }, { cause: err });
}

/** The TRANSPORT error for a presented key that does not match known-hosts, or undefined when it does. */
export function hostKeyProblem(
  knownHosts: KnownHosts,
  hop: Hop,
  name: string,
  blob: Buffer,
  acceptHint?: string,
): TransportError | undefined {
  const keyName = hostKeyName(hop.address, hop.port);
  const check = knownHosts.check(keyName, blob);
  const label = hopLabel(hop);
  switch (check.status) {
    case 'ok':
      return undefined;
    case 'unknown':
      return new TransportError({
        kind: 'hostkey-unknown',
        hop: label,
        message:
          `${name}: host key of ${keyName} is not known: ${describeKey(blob)}; refusing to connect. ` +
          `Compare the fingerprint with the host's (ssh-keygen -lf /etc/ssh/ssh_host_${keyLabel(keyType(blob)).toLowerCase()}_key.pub), ` +
          `then pin it${acceptHint ? ` with: ${acceptHint}` : ` in ${knownHosts.file}`}`,
      });
    case 'revoked':
      return new TransportError({
        kind: 'hostkey-revoked',
        hop: label,
        message: `${name}: host key of ${keyName} is REVOKED (${knownHosts.where(check.entry)}): ${describeKey(blob)}; refusing to connect`,
      });
    case 'changed':
      return new TransportError({
        kind: 'hostkey-changed',
        hop: label,
        message:
          `${name}: HOST KEY CHANGED for ${keyName}: known-hosts pins ${check.known.map((k) => knownHosts.describe(k)).join(', ')}, ` +
          `but the host presented ${describeKey(blob)}. Someone may be intercepting the connection (man-in-the-middle), ` +
          `or the host was reinstalled. Refusing to connect; if the change is expected, delete the old line from ` +
          `${knownHosts.file} and pin the new key${acceptHint ? ` with: ${acceptHint}` : ''}`,
      });
  }
}

/** The login attempts, in order: the key, then the agent's keys; and how they are named in a refusal. */
function logins(opts: HopConnectOptions): { methods: Array<PublicKeyAuthMethod | AgentAuthMethod>; offered: string } {
  const username = opts.hop.user;
  const methods: Array<PublicKeyAuthMethod | AgentAuthMethod> = [
    ...(opts.privateKey ? [{ type: 'publickey' as const, username, key: opts.privateKey }] : []),
    ...(opts.agent ? [{ type: 'agent' as const, username, agent: opts.agent }] : []),
  ];
  const offered =
    opts.privateKey && opts.agent
      ? "the key and the ssh-agent's keys"
      : opts.agent
        ? "the ssh-agent's keys"
        : 'the key';
  return { methods, offered };
}

/** Opens an authenticated connection to one hop; rejects with a TRANSPORT error naming it. */
export function connectHop(opts: HopConnectOptions): Promise<Client> {
  const { hop, name, knownHosts } = opts;
  const { methods, offered } = logins(opts);
  const keyName = hostKeyName(hop.address, hop.port);
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let hostKeyError: TransportError | undefined;
    let settled = false;
    const fail = (err: TransportError): void => {
      if (settled) return;
      settled = true;
      client.removeListener('ready', onReady);
      client.end();
      opts.sock?.destroy();
      reject(err);
    };
    const onReady = (): void => {
      if (settled) return;
      settled = true;
      resolve(client);
    };
    client.once('ready', onReady);
    let shookHands = false;
    client.once('handshake', () => (shookHands = true));
    client.on('error', (err: Error & { level?: string }) => {
      fail(hostKeyError ?? classifyConnectError(err, name, hop, opts.connectTimeoutMs, shookHands, offered));
    });
    client.on('close', () => {
      fail(
        hostKeyError ??
          new TransportError({
            kind: 'connection',
            hop: hopLabel(hop),
            message: `${name}: connection closed during the SSH handshake`,
          }),
      );
    });
    client.connect({
      host: hop.address,
      port: hop.port,
      username: hop.user,
      authHandler: methods,
      readyTimeout: opts.connectTimeoutMs,
      keepaliveInterval: opts.keepaliveMs,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
      ...(opts.sock ? { sock: opts.sock } : {}),
      algorithms: {
        serverHostKey: preferredAlgorithms(knownHosts.knownTypes(keyName), opts.allowSha1) as ServerHostKeyAlgorithm[],
      },
      hostVerifier: (blob: Buffer) => {
        hostKeyError = hostKeyProblem(knownHosts, hop, name, blob, opts.acceptHint);
        return hostKeyError === undefined;
      },
    });
  });
}

export interface PresentedKey {
  type: string;
  key: Buffer;
  fingerprint: string;
}

/**
 * The host key a server proves it holds (the key exchange signature is checked before this
 * resolves); no authentication is attempted.
 */
export function fetchHostKey(
  hop: Hop,
  name: string,
  opts: { connectTimeoutMs: number; sock?: Duplex; algorithms?: string[] },
): Promise<PresentedKey> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let presented: Buffer | undefined;
    let settled = false;
    const done = (err: TransportError | undefined): void => {
      if (settled) return;
      settled = true;
      client.end();
      opts.sock?.destroy();
      if (err) reject(err);
      else resolve({ type: keyType(presented!), key: presented!, fingerprint: fingerprint(presented!) });
    };
    client.on('handshake', () => done(undefined));
    client.on('error', (err: Error & { level?: string }) =>
      done(classifyConnectError(err, name, hop, opts.connectTimeoutMs)),
    );
    client.on('close', () =>
      done(
        new TransportError({
          kind: 'connection',
          hop: hopLabel(hop),
          message: `${name}: connection closed during the SSH handshake`,
        }),
      ),
    );
    client.connect({
      host: hop.address,
      port: hop.port,
      username: hop.user,
      readyTimeout: opts.connectTimeoutMs,
      ...(opts.sock ? { sock: opts.sock } : {}),
      algorithms: { serverHostKey: (opts.algorithms ?? preferredAlgorithms([])) as ServerHostKeyAlgorithm[] },
      hostVerifier: (blob: Buffer) => {
        presented = Buffer.from(blob);
        return true;
      },
    });
  });
}
