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
  /**
   * After this long the command is stopped and a 'timeout' error raised once it has ended: a TERM
   * signal request (OpenSSH's sshd signals the session's process group, but refuses to for root
   * logins: see withDeadline for a deadline the host enforces), then KILL and the channel closed
   * when it is still running `killGraceMs` later.
   */
  timeoutMs?: number;
  /** Time a timed-out command gets between TERM and KILL (default 5 s). */
  killGraceMs?: number;
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
export function execOn(
  client: Client,
  command: RemoteCommand,
  ctx: ExecContext,
  opts: ExecOptions = {},
): Promise<ExecResult> {
  const line = commandLine(command, { sudo: ctx.sudo });
  if (opts.signal?.aborted)
    return Promise.reject(
      new TransportError({ kind: 'aborted', hop: ctx.hop, message: `${ctx.name}: aborted before the command started` }),
    );
  // the deadline counts from the request: the host starts the command before its reply arrives
  const started = performance.now();
  return new Promise<ExecResult>((resolve, reject) => {
    const cannotStart = (err: Error): void => {
      const e = new TransportError(
        { kind: 'connection', hop: ctx.hop, message: `${ctx.name}: cannot start a command: ${err.message}` },
        { cause: err },
      );
      e.notStarted = true;
      reject(e);
    };
    try {
      // listeners go on in the callback itself: output, exit status and close can arrive in the
      // same packet batch as the reply to the exec request
      client.exec(line, (err, channel) =>
        err ? cannotStart(err) : follow(channel, ctx, opts, client, resolve, reject, true, started),
      );
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
export function socketOn(
  client: Client,
  path: string,
  ctx: ExecContext,
  opts: ExecOptions = {},
): Promise<ExecResult | undefined> {
  if (opts.signal?.aborted)
    return Promise.reject(
      new TransportError({
        kind: 'aborted',
        hop: ctx.hop,
        message: `${ctx.name}: aborted before the exchange started`,
      }),
    );
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

/** Time a timed-out command gets between TERM and KILL. */
export const DEFAULT_KILL_GRACE_MS = 5000;

/** What signalChannel reaches inside an ssh2 channel. */
interface ChannelInternals {
  outgoing?: { id: number; state: string };
  _client?: { _protocol?: { signal(id: number, name: string): void } };
}

/**
 * Sends a signal request on a session channel. ssh2's channel.signal() sends nothing once our side
 * has sent EOF, which is at once for a command without input; the request is still valid then
 * (RFC 4254 6.9), so it is sent through the protocol while the channel is open.
 */
export function signalChannel(channel: ClientChannel, name: string): void {
  const { outgoing, _client: client } = channel as unknown as ChannelInternals;
  if (outgoing && (outgoing.state === 'open' || outgoing.state === 'eof') && client?._protocol)
    client._protocol.signal(outgoing.id, name);
  else channel.signal(name);
}

/** `3 s`, `1.5 s`: a duration as the user gave it. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function follow(
  channel: ClientChannel,
  ctx: ExecContext,
  opts: ExecOptions,
  client: Client,
  resolve: (r: ExecResult) => void,
  reject: (e: TransportError) => void,
  session = true,
  started = performance.now(),
): void {
  const out: Buffer[] = [];
  const errs: Buffer[] = [];
  let code: number | null = null;
  let sig: string | undefined;
  let failure: TransportError | undefined;
  /** Set once the time ran out: the command is being stopped, and this is what the caller gets. */
  let expired: TransportError | undefined;
  let timer: NodeJS.Timeout | undefined;
  let killTimer: NodeJS.Timeout | undefined;

  const signal = (name: string): void => {
    try {
      signalChannel(channel, name);
    } catch {
      // the channel may already be closing
    }
  };
  const cleanup = (): void => {
    if (timer) clearTimeout(timer);
    if (killTimer) clearTimeout(killTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    client.removeListener('close', onClientClose);
    if (opts.stdin instanceof Readable) opts.stdin.unpipe(channel);
  };
  const stop = (err: TransportError, last = 'TERM'): void => {
    if (failure) return;
    failure = err;
    signal(last);
    channel.close();
    cleanup();
    reject(err);
  };
  const timedOut = (): TransportError =>
    new TransportError({
      kind: 'timeout',
      hop: ctx.hop,
      message: `${ctx.name}: timeout after ${seconds(opts.timeoutMs!)}: the command was stopped`,
    });
  const expire = (): void => {
    if (failure || expired) return;
    expired = timedOut();
    if (!session) return stop(expired);
    signal('TERM');
    // still running after the grace time: KILL, and the caller is not kept waiting for the host
    // (sshd confirms the close only once the command has ended)
    killTimer = setTimeout(() => stop(expired!, 'KILL'), opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
  };
  const onAbort = (): void =>
    stop(expired ?? new TransportError({ kind: 'aborted', hop: ctx.hop, message: `${ctx.name}: command aborted` }));
  const onClientClose = (): void =>
    stop(
      expired ??
        new TransportError({
          kind: 'connection',
          hop: ctx.hop,
          message: `${ctx.name}: connection lost while the command was running`,
        }),
    );

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
    // a deadline the host enforced (withDeadline) can end the command before this side's timer fires
    if (!expired && opts.timeoutMs && performance.now() - started >= opts.timeoutMs) expired = timedOut();
    if (expired) return reject(expired);
    const result: ExecResult = {
      code,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(errs).toString('utf8'),
    };
    if (sig) result.signal = sig;
    resolve(result);
  };
  channel.once('close', closed);
  if (session) channel.stderr.once('close', closed);

  client.once('close', onClientClose);
  if (opts.signal) opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
    timer = setTimeout(expire, Math.max(0, opts.timeoutMs - (performance.now() - started)));
  }

  const input = opts.stdin;
  if (!session) {
    // a socket whose listener went away says nothing more: end our side too, or the channel
    // stays half open on the server as long as the input stream does
    channel.once('end', () => {
      if (input instanceof Readable) input.unpipe(channel);
      channel.end();
    });
  }
  if (input instanceof Readable) {
    input.once('error', (err) =>
      stop(
        new TransportError({
          kind: 'connection',
          hop: ctx.hop,
          message: `${ctx.name}: reading the input for the command failed: ${err.message}`,
        }),
      ),
    );
    input.pipe(channel);
  } else if (input !== undefined) {
    channel.end(input);
  } else {
    channel.end();
  }
  // aborted while the request was on its way: the listener above came too late to hear it
  if (opts.signal?.aborted) onAbort();
}
