// A command's side of the connection keeper (mux-server.ts): remote commands and resident-agent
// exchanges go through the keeper's kept SSH connections. When no keeper listens yet, the command
// uses its own connections (the Transport it was given) and starts a keeper for the commands after
// it, so the first command is never slower than without one. A keeper whose hello names another
// build is not used: the command connects by itself, before it has sent the keeper anything.
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
  /** The build of this command's code (build-id.ts): only a keeper of the same build is used. */
  build: string;
  /** Starts a keeper on `socket` in the background (default: none is started). */
  startKeeper?: () => void;
  /** Told why the keeper is not used, when it is there but refused (a debugging note). */
  note?: (text: string) => void;
  /** How long a keeper may take to say hello (default 5 s); one that does not is not used. */
  helloTimeoutMs?: number;
  /** Hosts worked on at the same time (default 8). */
  concurrency?: number;
}

type Op =
  | { op: 'connect' }
  | { op: 'exec'; command: RemoteCommand }
  | { op: 'socket-or-exec'; socket: string; command: RemoteCommand };

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

  /** A keeper listens but is not this command's: connect by itself, and start none (the socket is taken). */
  private refuse(why: string): void {
    if (this.direct) return;
    this.direct = true;
    this.started = true;
    this.o.note?.(`the connection keeper at ${this.o.socket} is not used: ${why}; connecting directly`);
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
    return this.either(
      () => this.request(target, { op: 'exec', command }, opts),
      () => this.o.direct.exec(target, command, opts),
    );
  }

  socketOrExec(
    target: HostTarget,
    socket: string,
    command: RemoteCommand,
    opts: ExecOptions = {},
  ): Promise<ExecResult & { via: 'socket' | 'exec' }> {
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

  /** One request to the keeper; rejects with NoKeeper when none listens or it is refused (before anything was sent). */
  private request(target: HostTarget, op: Op, opts: ExecOptions): Promise<ExecResult & { via?: 'socket' | 'exec' }> {
    if (this.direct) return Promise.reject(new NoKeeper());
    const name = hopLabel(target);
    if (opts.signal?.aborted)
      return Promise.reject(
        new TransportError({
          kind: 'aborted',
          host: target.id,
          hop: name,
          message: `${name}: aborted before the command started`,
        }),
      );
    const req = {
      v: MUX_VERSION,
      build: this.o.build,
      persistSec: this.o.persistSec,
      profile: this.o.profile,
      target,
      ...op,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    } as MuxRequest;
    return new Promise((resolve, reject) => {
      const sock: Socket = connect(this.o.socket);
      /** Set once the keeper's hello was accepted and the request sent: from then on the command is the keeper's. */
      let sent = false;
      let settled = false;
      const out: Buffer[] = [];
      const errs: Buffer[] = [];
      const frames = new FrameReader();
      const helloTimer = setTimeout(() => refused('it did not say hello'), this.o.helloTimeoutMs ?? 5000);
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(helloTimer);
        opts.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const lost = (why: string): void =>
        settle(() =>
          reject(new TransportError({ kind: 'connection', host: target.id, hop: name, message: `${name}: ${why}` })),
        );
      const refused = (why: string): void => {
        sock.destroy();
        this.refuse(why);
        settle(() => reject(new NoKeeper(why)));
      };
      const onAbort = (): void => {
        sock.destroy();
        settle(() =>
          reject(
            new TransportError({ kind: 'aborted', host: target.id, hop: name, message: `${name}: command aborted` }),
          ),
        );
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const send = (): void => {
        sent = true;
        this.kept++;
        sock.write(`${JSON.stringify(req)}\n`);
        const input = opts.stdin;
        if (input instanceof Readable) {
          input.once('error', () => sock.destroy());
          input.pipe(sock);
        } else if (input !== undefined) sock.end(input);
        else sock.end();
      };
      sock.once('error', (err: NodeJS.ErrnoException) => {
        if (!sent) {
          this.noKeeper();
          return settle(() => reject(new NoKeeper(err.message)));
        }
        lost(`the connection keeper failed: ${err.message}`);
      });
      sock.on('data', (chunk: Buffer) => {
        let got;
        try {
          got = frames.push(chunk);
        } catch (e) {
          if (!sent) return refused(`it sent garbage (${(e as Error).message})`);
          sock.destroy();
          return lost(`the connection keeper sent garbage: ${(e as Error).message}`);
        }
        for (const f of got) {
          if (!sent) {
            if (f.type !== 'hello') return refused('it did not say hello');
            if (f.hello.v !== MUX_VERSION)
              return refused(`it speaks protocol version ${f.hello.v}, not ${MUX_VERSION}`);
            if (f.hello.build !== this.o.build)
              return refused(`it runs build ${f.hello.build}, this command ${this.o.build}`);
            clearTimeout(helloTimer);
            send();
          } else if (f.type === 'stdout') opts.onStdout ? opts.onStdout(f.data) : out.push(f.data);
          else if (f.type === 'stderr') opts.onStderr ? opts.onStderr(f.data) : errs.push(f.data);
          else if (f.type === 'failure') {
            const { code: _c, ...data } = f.error;
            settle(() => reject(new TransportError({ ...data, host: target.id })));
          } else if (f.type === 'result') {
            const r = f.result;
            settle(() =>
              resolve({
                code: r.code,
                stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(errs).toString('utf8'),
                ...(r.signal ? { signal: r.signal } : {}),
                ...(r.via ? { via: r.via } : {}),
              }),
            );
          }
        }
      });
      sock.once('close', () => {
        if (opts.stdin instanceof Readable) opts.stdin.unpipe(sock);
        if (sent) lost('the connection keeper went away before the command ended');
        else {
          // gone before its hello (an idle keeper leaving): nothing was sent, so connect directly
          this.noKeeper();
          settle(() => reject(new NoKeeper('the keeper closed the connection')));
        }
      });
    });
  }
}

/**
 * Starts `halite keeper` detached from this command, in its own session; `self` runs this same code
 * (halite-bin.ts).
 */
export function keeperStarter(self: readonly string[], socket: string, persistSec: number): () => void {
  return () => {
    const child = spawn(process.execPath, [...self, 'keeper', '--socket', socket, '--persist', String(persistSec)], {
      detached: true,
      stdio: 'ignore',
      cwd: '/',
    });
    child.on('error', () => undefined);
    child.unref();
  };
}
