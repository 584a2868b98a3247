// A command's side of the connection keeper (mux-server.ts): remote commands and resident-agent
// exchanges go through the keeper's kept SSH connections. When no keeper listens yet, the command
// uses its own connections (the Transport it was given) and starts a keeper for the commands after
// it, so the first command is never slower than without one.
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { LimitFunction } from 'p-limit';
import { TransportError } from './errors.ts';
import type { ExecOptions, ExecResult } from './exec.ts';
import { FrameReader, MUX_VERSION, type MuxProfile, type MuxRequest } from './mux-protocol.ts';
import { limiter } from './pool.ts';
import type { RemoteCommand } from './quote.ts';
import { type HostTarget, hopLabel } from './target.ts';
import type { Transport } from './transport.ts';

export interface KeptTransportOptions {
  /** Used while no keeper listens, and for everything the keeper does not do. */
  direct: Transport;
  profile: MuxProfile;
  /** Seconds the keeper stays after the last request. */
  persistSec: number;
  /** The keeper's socket. */
  socket: string;
  /** Starts a keeper on `socket` in the background (default: none is started). */
  startKeeper?: () => void;
  /** Hosts worked on at the same time (default 8). */
  concurrency?: number;
}

type Op = { op: 'connect' } | { op: 'exec'; command: RemoteCommand } | { op: 'socket-or-exec'; socket: string; command: RemoteCommand };

class NoKeeper extends Error {}

export class KeptTransport {
  private readonly limit: LimitFunction;
  /** Set once a request found no keeper: this command goes on with its own connections. */
  private direct = false;
  private started = false;
  /** Requests the keeper answered. */
  kept = 0;

  constructor(private readonly o: KeptTransportOptions) {
    this.limit = limiter(o.concurrency ?? 8);
  }

  get usingKeeper(): boolean {
    return !this.direct;
  }

  private noKeeper(): void {
    this.direct = true;
    if (this.started || !this.o.startKeeper) return;
    this.started = true;
    try {
      this.o.startKeeper();
    } catch {
      // without a keeper every command connects by itself
    }
  }

  /** Opens the targets' connections (in the keeper, else the jump connections here) while the job is prepared. */
  warm(targets: readonly HostTarget[]): void {
    for (const t of targets) {
      this.request(t, { op: 'connect' }, {}).catch((e: unknown) => {
        if (e instanceof NoKeeper) this.o.direct.warm([t]);
      });
    }
  }

  exec(target: HostTarget, command: RemoteCommand, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.either(() => this.request(target, { op: 'exec', command }, opts), () => this.o.direct.exec(target, command, opts));
  }

  socketOrExec(target: HostTarget, socket: string, command: RemoteCommand, opts: ExecOptions = {}): Promise<ExecResult & { via: 'socket' | 'exec' }> {
    return this.either(
      async () => {
        const r = await this.request(target, { op: 'socket-or-exec', socket, command }, opts);
        return { ...r, via: r.via ?? 'exec' };
      },
      () => this.o.direct.socketOrExec(target, socket, command, opts),
    );
  }

  /** Through the keeper while there is one, else (from then on) over the command's own connections. */
  private either<T>(kept: () => Promise<T>, direct: () => Promise<T>): Promise<T> {
    return this.limit(async () => {
      if (!this.direct) {
        try {
          return await kept();
        } catch (e) {
          if (!(e instanceof NoKeeper)) throw e;
        }
      }
      return direct();
    });
  }

  close(): void {
    this.limit.clearQueue();
    this.o.direct.close();
  }

  /** One request to the keeper; rejects with NoKeeper when none listens (before anything was sent). */
  private request(target: HostTarget, op: Op, opts: ExecOptions): Promise<ExecResult & { via?: 'socket' | 'exec' }> {
    if (this.direct) return Promise.reject(new NoKeeper());
    const name = hopLabel(target);
    if (opts.signal?.aborted) return Promise.reject(new TransportError({ kind: 'aborted', host: target.id, hop: name, message: `${name}: aborted before the command started` }));
    const req = { v: MUX_VERSION, persistSec: this.o.persistSec, profile: this.o.profile, target, ...op, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) } as MuxRequest;
    return new Promise((resolve, reject) => {
      const sock: Socket = connect(this.o.socket);
      let connected = false;
      let settled = false;
      const out: Buffer[] = [];
      const errs: Buffer[] = [];
      const frames = new FrameReader();
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        opts.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const lost = (why: string): void =>
        settle(() => reject(new TransportError({ kind: 'connection', host: target.id, hop: name, message: `${name}: ${why}` })));
      const onAbort = (): void => {
        sock.destroy();
        settle(() => reject(new TransportError({ kind: 'aborted', host: target.id, hop: name, message: `${name}: command aborted` })));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      sock.once('error', (err: NodeJS.ErrnoException) => {
        if (!connected) {
          this.noKeeper();
          return settle(() => reject(new NoKeeper(err.message)));
        }
        lost(`the connection keeper failed: ${err.message}`);
      });
      sock.once('connect', () => {
        connected = true;
        this.kept++;
        sock.write(`${JSON.stringify(req)}\n`);
        const input = opts.stdin;
        if (input instanceof Readable) {
          input.once('error', () => sock.destroy());
          input.pipe(sock);
        } else if (input !== undefined) sock.end(input);
        else sock.end();
      });
      sock.on('data', (chunk: Buffer) => {
        let got;
        try {
          got = frames.push(chunk);
        } catch (e) {
          sock.destroy();
          return lost(`the connection keeper sent garbage: ${(e as Error).message}`);
        }
        for (const f of got) {
          if (f.type === 'stdout') (opts.onStdout ? opts.onStdout(f.data) : out.push(f.data));
          else if (f.type === 'stderr') (opts.onStderr ? opts.onStderr(f.data) : errs.push(f.data));
          else if (f.type === 'failure') {
            const { code: _c, ...data } = f.error;
            settle(() => reject(new TransportError({ ...data, host: target.id })));
          } else if (f.type === 'result') {
            const r = f.result;
            settle(() => resolve({
              code: r.code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errs).toString('utf8'),
              ...(r.signal ? { signal: r.signal } : {}), ...(r.via ? { via: r.via } : {}),
            }));
          }
        }
      });
      sock.once('close', () => {
        if (opts.stdin instanceof Readable) opts.stdin.unpipe(sock);
        if (connected) lost('the connection keeper went away before the command ended');
      });
    });
  }
}

/** Starts `halite keeper` detached from this command, in its own session. */
export function keeperStarter(bin: string, socket: string, persistSec: number): () => void {
  return () => {
    const child = spawn(process.execPath, [bin, 'keeper', '--socket', socket, '--persist', String(persistSec)], {
      detached: true, stdio: 'ignore', cwd: '/',
    });
    child.on('error', () => undefined);
    child.unref();
  };
}
