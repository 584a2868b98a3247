// The connection keeper: a background process on the master that keeps the SSH connections of
// recent commands open (like OpenSSH's ControlPersist), so the next `halite highstate` or
// `halite run` reaches its hosts without a handshake. Each request (mux-protocol.ts) names the
// key and known-hosts files it would have used itself; a connection is reused only for the same
// target, through the same jump host, with the same key and known-hosts contents. The keeper serves
// only commands of its own build (it says which in its hello). It exits once no request came for
// the persist time of the last one.
//
//   halite keeper --socket PATH --persist SEC     (started by commands, never by hand)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { bindSocket } from '../../agent/runtime/resident.ts';
import type { HostConnection } from './connection.ts';
import { TransportError, type TransportErrorData } from './errors.ts';
import { KeptConnections } from './kept-connections.ts';
import type { ExecOptions, ExecResult } from './exec.ts';
import {
  FRAME,
  MAX_REQUEST_BYTES,
  MUX_VERSION,
  type MuxHello,
  type MuxProfile,
  type MuxRequest,
  type MuxResult,
  encodeFrame,
  isMuxRequest,
} from './mux-protocol.ts';
import { Transport } from './transport.ts';
import { connectionKey } from './target.ts';

export interface KeeperOptions {
  socket: string;
  persistSec: number;
  /** The build of the code this keeper runs (build-id.ts). */
  build: string;
}

const fileHash = (path: string): string => {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'unreadable';
  }
};

/** Reads the request line; the bytes after it are the command's input. */
function readRequest(sock: Socket): Promise<{ request: unknown; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const nl = buf.indexOf(0x0a);
      if (nl < 0) {
        if (buf.length > MAX_REQUEST_BYTES) done(new Error('request line too long'));
        return;
      }
      sock.pause();
      done(undefined, buf.subarray(0, nl), buf.subarray(nl + 1));
    };
    const onEnd = (): void => done(new Error('the client closed before sending a request'));
    const done = (err?: Error, line?: Buffer, rest?: Buffer): void => {
      sock.removeListener('data', onData);
      sock.removeListener('end', onEnd);
      sock.removeListener('error', onEnd);
      if (err) return reject(err);
      try {
        resolve({ request: JSON.parse(line!.toString('utf8')), rest: rest! });
      } catch {
        reject(new Error('the request is not JSON'));
      }
    };
    sock.on('data', onData);
    sock.once('end', onEnd);
    sock.once('error', onEnd);
  });
}

export class Keeper {
  private readonly transports = new Map<string, Transport>();
  private readonly conns = new KeptConnections();
  private active = 0;
  private stopped = false;
  private persistSec: number;
  private idle: NodeJS.Timeout | undefined;
  private readonly server = createServer({ allowHalfOpen: true });

  /** Host connections opened so far (a measure of reuse). */
  get opened(): number {
    return this.conns.opened;
  }

  constructor(private readonly o: KeeperOptions) {
    this.persistSec = o.persistSec;
  }

  /** Listens; false when another keeper already owns the socket. */
  async start(): Promise<boolean> {
    if (!(await bindSocket(this.server, this.o.socket))) return false;
    this.server.on('connection', (sock) => void this.handle(sock));
    this.arm();
    return true;
  }

  /** Resolves once the keeper has stopped. */
  closed(): Promise<void> {
    return new Promise((resolve) => (this.server.listening ? this.server.once('close', () => resolve()) : resolve()));
  }

  stop(): void {
    this.stopped = true;
    if (this.idle) clearTimeout(this.idle);
    this.server.close();
    this.conns.closeAll();
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
  }

  private arm(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    if (this.active > 0 || this.stopped) return;
    if (this.persistSec <= 0) return this.stop();
    // the listening socket keeps the process alive; the timer only ends it
    this.idle = setTimeout(() => this.stop(), this.persistSec * 1000);
    this.idle.unref();
  }

  private transportFor(p: MuxProfile): { key: string; transport: Transport } {
    const allowSha1 = p.allowSha1 === true;
    // the passphrase is kept in the key as a hash only
    const key = JSON.stringify([
      p.key ?? null,
      p.key === undefined ? null : fileHash(p.key),
      p.passphrase === undefined ? null : createHash('sha256').update(p.passphrase).digest('hex'),
      p.agent ?? null,
      p.knownHosts,
      fileHash(p.knownHosts),
      p.connectTimeoutMs,
      allowSha1,
    ]);
    let t = this.transports.get(key);
    if (!t) {
      t = new Transport({
        ...(p.key !== undefined ? { key: p.key } : {}),
        ...(p.passphrase !== undefined ? { passphrase: p.passphrase } : {}),
        ...(p.agent !== undefined ? { agent: p.agent } : {}),
        knownHosts: p.knownHosts,
        connectTimeoutMs: p.connectTimeoutMs,
        concurrency: 100_000,
        idleMs: 0,
        allowSha1,
      });
      this.transports.set(key, t);
    }
    return { key, transport: t };
  }

  /** Runs `fn` on the kept connection to the request's target, through the transport of its profile. */
  private onConnection<T>(req: MuxRequest, fn: (c: HostConnection) => Promise<T>): Promise<T> {
    const { key: profile, transport } = this.transportFor(req.profile);
    return this.conns.use(connectionKey(req.target, profile), () => transport.connect(req.target), fn);
  }

  private async handle(sock: Socket): Promise<void> {
    this.active++;
    this.arm();
    const frame = (type: number, payload: Buffer | string): void => {
      if (sock.writable) sock.write(encodeFrame(type, payload));
    };
    const fail = (data: Omit<TransportErrorData, 'code'>): void => {
      frame(FRAME.failure, JSON.stringify({ code: 'TRANSPORT', ...data }));
    };
    sock.on('error', () => undefined);
    frame(FRAME.hello, JSON.stringify({ v: MUX_VERSION, build: this.o.build } satisfies MuxHello));
    const gone = new AbortController();
    sock.once('close', () => gone.abort());
    try {
      let parsed: { request: unknown; rest: Buffer };
      try {
        parsed = await readRequest(sock);
      } catch (e) {
        return fail({ kind: 'connection', message: `connection keeper: ${(e as Error).message}` });
      }
      const req = parsed.request;
      if (!isMuxRequest(req) || req.v !== MUX_VERSION)
        return fail({ kind: 'connection', message: 'connection keeper: a request it does not understand' });
      if (req.build !== this.o.build)
        return fail({
          kind: 'connection',
          message: `connection keeper: a command of another build (${req.build}) than the keeper's (${this.o.build})`,
        });
      this.persistSec = req.persistSec;
      const stdin = new PassThrough();
      if (parsed.rest.length) stdin.write(parsed.rest);
      sock.pipe(stdin);
      sock.resume();
      const opts: ExecOptions = {
        stdin,
        onStdout: (c) => frame(FRAME.stdout, c),
        onStderr: (c) => frame(FRAME.stderr, c),
        signal: gone.signal,
        ...(req.op !== 'connect' && req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
      };
      const result: MuxResult = await this.onConnection(req, async (c): Promise<MuxResult> => {
        if (req.op === 'connect') return { code: 0 };
        let r: ExecResult | undefined;
        let via: 'socket' | 'exec' = 'exec';
        if (req.op === 'socket-or-exec') {
          r = await c.socket(req.socket, opts);
          if (r) via = 'socket';
        }
        r ??= await c.exec(req.command, opts);
        return {
          code: r.code,
          ...(r.signal ? { signal: r.signal } : {}),
          ...(req.op === 'socket-or-exec' ? { via } : {}),
        };
      });
      frame(FRAME.result, JSON.stringify(result));
    } catch (err) {
      if (err instanceof TransportError) {
        const { code: _c, ...data } = err.toJSON();
        fail(data);
      } else fail({ kind: 'connection', message: `connection keeper: ${(err as Error).message}` });
    } finally {
      sock.end();
      this.active--;
      this.arm();
    }
  }
}

/** `halite keeper …`: runs until idle for the persist time. */
export async function runKeeper(o: KeeperOptions): Promise<number> {
  const keeper = new Keeper(o);
  if (!(await keeper.start())) return 0;
  const stop = (): void => keeper.stop();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await keeper.closed();
  return 0;
}
