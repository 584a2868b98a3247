// In-process SSH servers on loopback for transport tests: a target that runs commands for real
// with /bin/sh, and a jump host that forwards direct-tcpip channels to real TCP ports.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AddressInfo, type Server as NetServer, type Socket, connect as netConnect, createServer } from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ServerChannel } from 'ssh2';
import { hostKeyName, knownHostsLine } from '../../../master/transport/known-hosts.ts';
import type { HostTarget } from '../../../master/transport/target.ts';
import { Transport } from '../../../master/transport/transport.ts';

export interface KeyPair {
  private: string;
  public: string;
  /** Public key in SSH wire format, as known-hosts stores it. */
  blob: Buffer;
}

export function keyPair(type: 'ed25519' | 'rsa' = 'ed25519'): KeyPair {
  // ssh2's generator now and then (about 3 keys in 1,000) writes an ed25519 public key that its
  // own parser rejects as malformed: such a pair is drawn again.
  for (;;) {
    const kp =
      type === 'rsa'
        ? ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 })
        : ssh2.utils.generateKeyPairSync('ed25519');
    const parsed = ssh2.utils.parseKey(kp.public);
    if (!(parsed instanceof Error))
      return { private: kp.private, public: kp.public, blob: Buffer.from(parsed.getPublicSSH()) };
  }
}

export interface FakeOptions {
  hostKey: KeyPair;
  /** More host keys (private, any type) the server also offers. */
  extraHostKeys?: string[];
  /** Public keys allowed to log in. */
  authorized: KeyPair[];
  /** Users allowed to log in (default root). */
  users?: string[];
  /** The host key algorithms the server offers (default: ssh2's). */
  hostKeyAlgorithms?: string[];
}

export interface FakeServer {
  port: number;
  /** SSH connections accepted so far. */
  connections: number;
  /** Commands run (target) or channels forwarded (jump) so far. */
  requests: number;
  /** Commands running now, and the most at the same time. */
  running: number;
  maxConcurrent: number;
  /** Commands as received. */
  commands: string[];
  /** Unix-socket channels opened (target). */
  sockets: number;
  /** Sessions that asked for a pseudo-terminal, and signals received (`TERM`), in order. */
  ptys: number;
  signals: string[];
  /** Server-side connections that are open now. */
  live: Set<Connection>;
  close(): Promise<void>;
}

function checkAuth(ctx: AuthContext, opts: FakeOptions): void {
  if (ctx.method !== 'publickey' || !(opts.users ?? ['root']).includes(ctx.username)) return ctx.reject(['publickey']);
  for (const kp of opts.authorized) {
    const allowed = ssh2.utils.parseKey(kp.public);
    if (allowed instanceof Error) continue;
    if (ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowed.getPublicSSH())) continue;
    if (ctx.signature && !allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)) return ctx.reject();
    return ctx.accept();
  }
  ctx.reject();
}

function listen(server: {
  listen(port: number, host: string, cb: () => void): unknown;
  address(): AddressInfo | string | null;
}): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function base(opts: FakeOptions, onReady: (conn: Connection, state: FakeServer) => void): Promise<FakeServer> {
  const state: FakeServer = {
    port: 0,
    connections: 0,
    requests: 0,
    running: 0,
    maxConcurrent: 0,
    commands: [],
    sockets: 0,
    ptys: 0,
    signals: [],
    live: new Set(),
    close: async () => {},
  };
  const algorithms = opts.hostKeyAlgorithms
    ? { algorithms: { serverHostKey: opts.hostKeyAlgorithms as ssh2.ServerHostKeyAlgorithm[] } }
    : {};
  const server = new ssh2.Server(
    { hostKeys: [opts.hostKey.private, ...(opts.extraHostKeys ?? [])], ...algorithms },
    (conn) => {
      state.connections++;
      state.live.add(conn);
      conn.on('close', () => state.live.delete(conn));
      conn.on('error', () => {});
      conn.on('authentication', (ctx) => checkAuth(ctx, opts));
      conn.on('ready', () => onReady(conn, state));
    },
  );
  state.close = () =>
    new Promise((resolve) => {
      for (const c of state.live) c.end();
      server.close(() => resolve());
    });
  return listen(server).then((port) => {
    state.port = port;
    return state;
  });
}

/**
 * Runs the command in its own session and process group, as sshd does; returns the group's id, which
 * a `signal` request signals as a whole (sshd's killpg).
 */
function runCommand(stream: ServerChannel, command: string, state: FakeServer): number | undefined {
  state.requests++;
  state.commands.push(command);
  state.running++;
  state.maxConcurrent = Math.max(state.maxConcurrent, state.running);
  let done = false;
  const child = spawn('/bin/sh', ['-c', command], { stdio: 'pipe', detached: true });
  child.stdin.on('error', () => {});
  stream.on('error', () => {});
  stream.stderr.on('error', () => {});
  stream.pipe(child.stdin);
  child.stdout.pipe(stream, { end: false });
  child.stderr.pipe(stream.stderr, { end: false });
  child.on('close', (code, signal) => {
    done = true;
    state.running--;
    if (signal) stream.exit(signal.replace(/^SIG/, ''), false, '');
    else stream.exit(code ?? 255);
    stream.end();
  });
  stream.on('close', () => {
    if (done) return;
    child.kill('SIGKILL');
    // as sshd does, the command's output pipes close with the channel: what still writes to them
    // (a background child) gets SIGPIPE
    child.stdout.destroy();
    child.stderr.destroy();
  });
  return child.pid;
}

/** Accepts the channel once `sock` has connected and joins the two; refuses it if `sock` fails first. */
function bridge(
  sock: Socket,
  accept: () => ServerChannel,
  reject: () => void,
  onOpen?: () => void,
  asSshd = false,
): void {
  let open = false;
  sock.once('connect', () => {
    open = true;
    onOpen?.();
    const ch = accept();
    ch.on('error', () => {});
    ch.on('close', () => sock.destroy());
    if (!asSshd) {
      ch.pipe(sock).pipe(ch);
      return;
    }
    // as OpenSSH's sshd does: the end of the socket is an EOF on the channel, which is closed only
    // once the client has sent its EOF too
    sock.on('error', () => {});
    ch.pipe(sock);
    sock.pipe(ch, { end: false });
    let ended = 0;
    const half = (): void => void (++ended === 2 && ch.close());
    sock.once('end', () => (ch.eof(), half()));
    ch.once('end', half);
  });
  sock.on('error', () => {
    if (!open) reject();
  });
}

/**
 * A target host: every exec runs `/bin/sh -c COMMAND` here, with real stdin, output and status;
 * signal requests reach the command's whole process group.
 */
export function startTarget(opts: FakeOptions): Promise<FakeServer> {
  return base(opts, (conn, state) => {
    conn.on('session', (accept) => {
      const session = accept();
      // ssh2's server ignores every request on a session once the client has sent EOF; OpenSSH's
      // sshd still takes signals then, which is how a command without input is stopped
      session.on('eof', () => ((session as unknown as { _ending: boolean })._ending = false));
      let group: number | undefined;
      session.on('exec', (acc, _rej, info) => (group = runCommand(acc(), info.command, state)));
      session.on('pty', (acc) => {
        state.ptys++;
        acc?.();
      });
      session.on('shell', (acc) => (group = runCommand(acc(), 'cat', state)));
      session.on('signal', (_acc, _rej, info) => {
        state.signals.push(info.name);
        try {
          if (group) process.kill(-group, `SIG${info.name}` as NodeJS.Signals);
        } catch {
          // the group has ended
        }
      });
    });
    // direct-streamlocal channels become connections to real unix sockets, as with OpenSSH's sshd
    conn.on('openssh.streamlocal', (accept, reject, info) => {
      bridge(netConnect(info.socketPath), accept, reject, () => state.sockets++, true);
    });
  });
}

export interface JumpOptions extends FakeOptions {
  /** Never answer forwarding requests (a jump host whose connects hang). */
  stall?: boolean;
}

/** A jump host: direct-tcpip channels become real TCP connections from here. */
export function startJump(opts: JumpOptions): Promise<FakeServer> {
  return base(opts, (conn, state) => {
    conn.on('session', (_accept, reject) => reject());
    conn.on('tcpip', (accept, reject, info) => {
      state.requests++;
      if (opts.stall) return;
      bridge(netConnect(info.destPort, info.destIP), accept, reject);
    });
  });
}

/** A TCP server that accepts connections and never says anything. */
export async function startSilent(): Promise<{ port: number; close(): Promise<void> }> {
  const socks = new Set<Socket>();
  const server: NetServer = createServer((s) => {
    socks.add(s);
    s.on('error', () => {});
  });
  const port = await listen(server);
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const s of socks) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether process `pid` has ended (a zombie has), waiting for it up to a few seconds. */
export async function processEnded(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return true;
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export interface LoopbackTarget {
  server: FakeServer;
  transport: Transport;
  /** The target `vm1` on the server, logged in as root with no jump host. */
  target: HostTarget;
  close(): Promise<void>;
}

/** A target server on loopback with a client key and known_hosts in `dir`, and a transport that reaches it. */
export async function loopbackTarget(dir: string): Promise<LoopbackTarget> {
  const client = keyPair();
  const hostKey = keyPair();
  const keyFile = join(dir, 'id_ed25519');
  writeFileSync(keyFile, client.private, { mode: 0o600 });
  const server = await startTarget({ hostKey, authorized: [client] });
  const kh = join(dir, 'known_hosts');
  writeFileSync(kh, `${knownHostsLine(hostKeyName('127.0.0.1', server.port), hostKey.blob)}\n`);
  const transport = new Transport({ key: keyFile, knownHosts: kh, connectTimeoutMs: 3000, keepaliveMs: 0 });
  const target: HostTarget = { id: 'vm1', address: '127.0.0.1', port: server.port, user: 'root', jump: null };
  return {
    server,
    transport,
    target,
    close: async () => {
      transport.close();
      await server.close();
    },
  };
}
