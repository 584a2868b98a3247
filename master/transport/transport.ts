// The master's SSH transport: connections to roster hosts, directly or through a shared jump
// connection, every hop's host key checked against known-hosts, a limit on hosts at once.
import type { LimitFunction } from 'p-limit';
import type { Client, ClientChannel, ParsedKey } from 'ssh2';
import { HostConnection, type ShellOptions } from './connection.ts';
import { TransportError } from './errors.ts';
import type { ExecOptions, ExecResult } from './exec.ts';
import { preferredAlgorithms } from './host-key.ts';
import { forwardTo } from './jump.ts';
import { PassphraseNeeded, loadPrivateKey } from './key.ts';
import { KnownHosts, hostKeyName } from './known-hosts.ts';
import { JumpPool, type JumpLease, limiter } from './pool.ts';
import type { RemoteCommand } from './quote.ts';
import { type PresentedKey, connectHop, fetchHostKey } from './ssh.ts';
import { type HostTarget, type Hop, hopKey, hopLabel } from './target.ts';

export { HostConnection, type ShellOptions };

export interface TransportOptions {
  /**
   * Private key file used for jump hosts and for targets that do not name their own; none when
   * the ssh-agent alone logs in.
   */
  key?: string;
  /** The passphrase of encrypted keys that have none of their own (a target's `passphrase`); never shown. */
  passphrase?: string;
  /** An ssh-agent socket whose keys are offered on every hop, after the key file. */
  agent?: string;
  /** The known-hosts file (path) or an open KnownHosts. */
  knownHosts: KnownHosts | string;
  /** Time allowed to reach a hop and finish its SSH handshake and login (default 10 s). */
  connectTimeoutMs?: number;
  /** SSH keepalive interval (default 15 s; 0 disables); a hop missing 3 in a row is dropped. */
  keepaliveMs?: number;
  keepaliveCountMax?: number;
  /** A jump connection unused for this long is closed (default 30 s; 0 keeps it until close()). */
  idleMs?: number;
  /** Hosts worked on at the same time by run(), exec() and runAll() (default 8). */
  concurrency?: number;
  /** The command suggested for pinning an unknown key (default `halite hosts accept ID`). */
  acceptHint?(target: HostTarget): string;
  /** Also accept hosts that prove their identity with SHA-1 `ssh-rsa` signatures (`ssh.allow_sha1`). */
  allowSha1?: boolean;
}

export type HostOutcome<T> =
  { target: HostTarget; ok: true; value: T } | { target: HostTarget; ok: false; error: Error };

export class Transport {
  readonly knownHosts: KnownHosts;
  private readonly jumps: JumpPool;
  private readonly limit: LimitFunction;
  private readonly keys = new Map<string, ParsedKey>();
  private readonly connectTimeoutMs: number;
  private readonly keepaliveMs: number;

  constructor(private readonly opts: TransportOptions) {
    this.knownHosts = typeof opts.knownHosts === 'string' ? new KnownHosts(opts.knownHosts) : opts.knownHosts;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.keepaliveMs = opts.keepaliveMs ?? 15_000;
    this.limit = limiter(opts.concurrency ?? 8);
    this.jumps = new JumpPool((hop, forTarget) => this.openJump(hop, forTarget), opts.idleMs ?? 30_000);
  }

  /** Jump connections opened so far, and how many are held now. */
  get stats(): { jumpConnectionsOpened: number; jumpConnectionsOpen: number; active: number; pending: number } {
    return {
      jumpConnectionsOpened: this.jumps.opened,
      jumpConnectionsOpen: this.jumps.size,
      active: this.limit.activeCount,
      pending: this.limit.pendingCount,
    };
  }

  /** The decrypted key of a hop (read once per file), and the agent: what the hop logs in with. */
  private login(target?: HostTarget): { privateKey?: ParsedKey; agent?: string } {
    const path = target?.key ?? this.opts.key;
    const agent = this.opts.agent ? { agent: this.opts.agent } : {};
    if (path === undefined) {
      if (!this.opts.agent)
        throw new TransportError({ kind: 'auth', message: 'no private key and no ssh-agent to log in with' });
      return agent;
    }
    let k = this.keys.get(path);
    if (!k) {
      try {
        k = loadPrivateKey(path, (target?.key !== undefined ? target.passphrase : undefined) ?? this.opts.passphrase);
      } catch (err) {
        // an encrypted key without its passphrase: the agent may hold it, as ssh-add leaves it
        if (err instanceof PassphraseNeeded && this.opts.agent) return agent;
        throw err;
      }
      this.keys.set(path, k);
    }
    return { privateKey: k, ...agent };
  }

  private hint(target: HostTarget): string {
    return this.opts.acceptHint ? this.opts.acceptHint(target) : `halite hosts accept ${target.id}`;
  }

  private openJump(hop: Hop, forTarget: HostTarget): Promise<Client> {
    return connectHop({
      hop,
      name: `jump host ${hopLabel(hop)}`,
      acceptHint: this.hint(forTarget),
      ...this.login(),
      knownHosts: this.knownHosts,
      connectTimeoutMs: this.connectTimeoutMs,
      keepaliveMs: this.keepaliveMs,
      keepaliveCountMax: this.opts.keepaliveCountMax,
      allowSha1: this.opts.allowSha1 ?? false,
    });
  }

  /**
   * Starts opening the jump connections `targets` will need, so the handshakes overlap with the
   * work done before the first host is reached. Failures are reported when a target uses the hop.
   */
  warm(targets: readonly HostTarget[]): void {
    const seen = new Set<string>();
    for (const t of targets) {
      if (!t.jump || seen.has(hopKey(t.jump))) continue;
      seen.add(hopKey(t.jump));
      this.jumps.acquire(t.jump, t).then(
        (lease) => lease.release(),
        () => undefined,
      );
    }
  }

  /** A channel to the target's SSH port through its jump host; a dropped jump connection is reopened once. */
  private async tunnel(
    target: HostTarget,
    jump: Hop,
    timeoutMs: number,
  ): Promise<{ channel: ClientChannel; lease: JumpLease }> {
    for (let attempt = 0; ; attempt++) {
      const lease = await this.jumps.acquire(jump, target);
      try {
        const channel = await forwardTo(lease.client, target, { name: hopLabel(target), via: jump, timeoutMs });
        return { channel, lease };
      } catch (err) {
        lease.release();
        if (err instanceof TransportError && err.kind === 'connection' && attempt === 0) {
          this.jumps.discard(jump);
          continue;
        }
        throw err;
      }
    }
  }

  /** Opens an authenticated connection to the target (not counted against the concurrency limit). */
  async connect(target: HostTarget): Promise<HostConnection> {
    try {
      const login = this.login(target);
      const connectTimeoutMs = target.connectTimeoutMs ?? this.connectTimeoutMs;
      const base = {
        hop: target,
        name: hopLabel(target),
        acceptHint: this.hint(target),
        ...login,
        knownHosts: this.knownHosts,
        connectTimeoutMs,
        keepaliveMs: this.keepaliveMs,
        keepaliveCountMax: this.opts.keepaliveCountMax,
        allowSha1: this.opts.allowSha1 ?? false,
      };
      if (!target.jump) return new HostConnection(target, await connectHop(base));
      const { channel, lease } = await this.tunnel(target, target.jump, connectTimeoutMs);
      let client: Client;
      try {
        client = await connectHop({ ...base, sock: channel });
      } catch (err) {
        lease.release();
        throw err;
      }
      client.once('close', () => lease.release());
      return new HostConnection(target, client);
    } catch (err) {
      throw err instanceof TransportError ? err.forHost(target.id) : err;
    }
  }

  /** Connects, runs `fn`, closes; at most `concurrency` of these run at once. */
  run<T>(target: HostTarget, fn: (conn: HostConnection) => Promise<T>): Promise<T> {
    return this.limit(async () => {
      const conn = await this.connect(target);
      try {
        return await fn(conn);
      } finally {
        conn.close();
      }
    });
  }

  /** One command on one host over its own connection (counted against the concurrency limit). */
  exec(target: HostTarget, command: RemoteCommand, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.run(target, (conn) => conn.exec(command, opts));
  }

  /**
   * The unix socket `socket` on the target when something listens there (a resident agent), else
   * `command`: one connection either way (counted against the concurrency limit).
   */
  socketOrExec(
    target: HostTarget,
    socket: string,
    command: RemoteCommand,
    opts: ExecOptions = {},
  ): Promise<ExecResult & { via: 'socket' | 'exec' }> {
    return this.run(target, async (conn) => {
      const viaSocket = await conn.socket(socket, opts);
      if (viaSocket) return { ...viaSocket, via: 'socket' as const };
      return { ...(await conn.exec(command, opts)), via: 'exec' as const };
    });
  }

  /** Runs `fn` for every target; a host that fails does not stop the others. Outcomes in input order. */
  runAll<T>(targets: readonly HostTarget[], fn: (conn: HostConnection) => Promise<T>): Promise<HostOutcome<T>[]> {
    return Promise.all(
      targets.map((target) =>
        this.run(target, fn).then(
          (value): HostOutcome<T> => ({ target, ok: true, value }),
          (error: unknown): HostOutcome<T> => ({
            target,
            ok: false,
            error: error instanceof Error ? error : new Error(String(error)),
          }),
        ),
      ),
    );
  }

  /**
   * An interactive shell (or `command` in a session, see HostConnection.shell) on the target; the
   * connection closes with the channel.
   */
  async shell(target: HostTarget, opts: ShellOptions = {}, command?: RemoteCommand): Promise<ClientChannel> {
    const conn = await this.connect(target);
    try {
      const ch = await conn.shell(opts, command);
      ch.once('close', () => conn.close());
      return ch;
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  /**
   * The host key `hop` presents, without logging in to it. With `via`, the hop is reached through
   * that jump host, whose own key must already be pinned.
   */
  async hostKey(hop: Hop, via: Hop | null = null, forTarget?: HostTarget): Promise<PresentedKey> {
    const name = hopLabel(hop);
    // offer the pinned key types first, so a host with several keys shows the one already pinned
    const algorithms = preferredAlgorithms(
      this.knownHosts.knownTypes(hostKeyName(hop.address, hop.port)),
      this.opts.allowSha1,
    );
    if (!via) return fetchHostKey(hop, name, { connectTimeoutMs: this.connectTimeoutMs, algorithms });
    const target: HostTarget = forTarget ?? { id: hop.address, ...hop };
    const { channel, lease } = await this.tunnel(target, via, this.connectTimeoutMs);
    try {
      return await fetchHostKey(hop, name, { connectTimeoutMs: this.connectTimeoutMs, sock: channel, algorithms });
    } finally {
      lease.release();
    }
  }

  /** Closes the jump connections and drops queued work; connections handed out stay the caller's. */
  close(): void {
    this.limit.clearQueue();
    this.jumps.closeAll();
  }
}

/** What a job needs of its transport: commands and resident-agent exchanges, warmed up early. */
export type JobTransport = Pick<Transport, 'exec' | 'socketOrExec' | 'warm' | 'close'>;
