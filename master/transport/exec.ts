// Running one command on an SSH connection: stdin fed from a buffer or a stream, stdout and
// stderr streamed or collected, exit code or signal returned, timeout and abort honoured.
import { Readable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { TransportError } from './errors.ts';
import { type RemoteCommand, commandLine } from './quote.ts';

export interface ExecOptions {
  /** Written to the command's standard input, which is then closed (closed at once when absent). */
  stdin?: Buffer | string | Readable;
  /** Receives stdout as it arrives; when given, `stdout` in the result stays empty. */
  onStdout?(chunk: Buffer): void;
  /** Receives stderr as it arrives; when given, `stderr` in the result stays empty. */
  onStderr?(chunk: Buffer): void;
  /** The command is stopped (TERM, then the channel closed) and a 'timeout' error raised after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  /** Exit status; null when the command was killed by a signal or none was reported. */
  code: number | null;
  /** The signal that killed the command, named as Node names signals (`SIGKILL`). */
  signal?: string;
  stdout: string;
  stderr: string;
}

export interface ExecContext {
  /** Host name for messages. */
  name: string;
  /** The hop label errors carry. */
  hop: string;
  /** Wrap the command in `sudo -n`. */
  sudo?: boolean;
}

/** Runs `command` (an argv array, quoted here, or a shell line) on an open connection. */
export function execOn(client: Client, command: RemoteCommand, ctx: ExecContext, opts: ExecOptions = {}): Promise<ExecResult> {
  const line = commandLine(command, { sudo: ctx.sudo });
  if (opts.signal?.aborted) return Promise.reject(new TransportError({ kind: 'aborted', hop: ctx.hop, message: `${ctx.name}: aborted before the command started` }));
  return new Promise<ExecResult>((resolve, reject) => {
    const cannotStart = (err: Error): void => {
      const e = new TransportError({ kind: 'connection', hop: ctx.hop, message: `${ctx.name}: cannot start a command: ${err.message}` }, { cause: err });
      e.notStarted = true;
      reject(e);
    };
    try {
      // listeners go on in the callback itself: output, exit status and close can arrive in the
      // same packet batch as the reply to the exec request
      client.exec(line, (err, channel) => (err ? cannotStart(err) : follow(channel, ctx, opts, client, resolve, reject)));
    } catch (err) {
      cannotStart(err as Error);
    }
  });
}

/**
 * Talks to the unix socket `path` on the host through the connection (an OpenSSH streamlocal
 * channel) as if it were a command: stdin to the socket, the socket's replies as stdout, code 0
 * when it closes. Resolves undefined when the host refuses the channel (nothing listens there, or
 * the login may not reach it), so the caller can run a command instead.
 */
export function socketOn(client: Client, path: string, ctx: ExecContext, opts: ExecOptions = {}): Promise<ExecResult | undefined> {
  if (opts.signal?.aborted) return Promise.reject(new TransportError({ kind: 'aborted', hop: ctx.hop, message: `${ctx.name}: aborted before the exchange started` }));
  return new Promise<ExecResult | undefined>((resolve, reject) => {
    try {
      client.openssh_forwardOutStreamLocal(path, (err, channel) => {
        if (err) return resolve(undefined);
        follow(channel, ctx, opts, client, (r) => resolve({ ...r, code: r.code ?? 0 }), reject, false);
      });
    } catch {
      resolve(undefined);
    }
  });
}

function follow(
  channel: ClientChannel,
  ctx: ExecContext,
  opts: ExecOptions,
  client: Client,
  resolve: (r: ExecResult) => void,
  reject: (e: TransportError) => void,
  session = true,
): void {
  const out: Buffer[] = [];
  const errs: Buffer[] = [];
  let code: number | null = null;
  let sig: string | undefined;
  let failure: TransportError | undefined;
  let timer: NodeJS.Timeout | undefined;

  const cleanup = (): void => {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    client.removeListener('close', onClientClose);
    if (opts.stdin instanceof Readable) opts.stdin.unpipe(channel);
  };
  const stop = (err: TransportError): void => {
    if (failure) return;
    failure = err;
    try {
      channel.signal('TERM');
    } catch {
      // the channel may already be closing
    }
    channel.close();
    cleanup();
    reject(err);
  };
  const onAbort = (): void => stop(new TransportError({ kind: 'aborted', hop: ctx.hop, message: `${ctx.name}: command aborted` }));
  const onClientClose = (): void => stop(new TransportError({ kind: 'connection', hop: ctx.hop, message: `${ctx.name}: connection lost while the command was running` }));

  channel.on('data', (chunk: Buffer) => (opts.onStdout ? opts.onStdout(chunk) : out.push(chunk)));
  channel.stderr.on('data', (chunk: Buffer) => (opts.onStderr ? opts.onStderr(chunk) : errs.push(chunk)));
  channel.on('exit', (c: number | null, s?: string) => {
    if (typeof c === 'number') code = c;
    else if (s) sig = s;
  });
  // writes after the remote side went away are not the command's result
  channel.on('error', () => {});
  // done when the channel has closed and (on a session) stderr has been read to its end
  let open = session ? 2 : 1;
  const closed = (): void => {
    if (--open > 0 || failure) return;
    cleanup();
    const result: ExecResult = { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errs).toString('utf8') };
    if (sig) result.signal = sig;
    resolve(result);
  };
  channel.once('close', closed);
  if (session) channel.stderr.once('close', closed);

  client.once('close', onClientClose);
  if (opts.signal) opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
    timer = setTimeout(() => stop(new TransportError({ kind: 'timeout', hop: ctx.hop, message: `${ctx.name}: command did not finish within ${opts.timeoutMs} ms` })), opts.timeoutMs);
  }

  const input = opts.stdin;
  if (input instanceof Readable) {
    input.once('error', (err) => stop(new TransportError({ kind: 'connection', hop: ctx.hop, message: `${ctx.name}: reading the input for the command failed: ${err.message}` })));
    input.pipe(channel);
  } else if (input !== undefined) {
    channel.end(input);
  } else {
    channel.end();
  }
}
