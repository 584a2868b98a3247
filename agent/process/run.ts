// Runs a command given as an argv array. Never throws for a command that fails:
// a failure has the same shape as a success (exit code, output, and what went wrong).
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { ensureWatchdog, releaseGroup, watchGroup } from './group-watchdog.ts';

export interface RunOptions {
  cwd?: string;
  /** Variables added to the environment (or the whole environment with extendEnv: false). */
  env?: Record<string, string>;
  /** Start from the agent's own environment (default true). */
  extendEnv?: boolean;
  /** Written to the command's stdin, which is then closed. */
  input?: string;
  /** Written to a pipe on the command's fd 3, which is then closed (a shell line kept out of argv). */
  fd3?: string;
  /** Kill the command (its whole process group) when this signal aborts. */
  signal?: AbortSignal;
  /** Kill the command after this many milliseconds. */
  timeoutMs?: number;
  /** Remove one trailing newline from stdout and stderr (default true). */
  stripFinalNewline?: boolean;
}

export interface RunResult {
  argv: string[];
  /** Exit code; 128+N when killed by signal N, 127/126 when the program could not be started. */
  code: number;
  stdout: string;
  stderr: string;
  pid?: number;
  signal?: string;
  timedOut: boolean;
  /** Set when the command did not start or was killed (spawn error, timeout, abort). */
  error?: string;
}

export type Runner = (argv: string[], opts?: RunOptions) => Promise<RunResult>;

function strip(s: string, on: boolean): string {
  if (!on) return s;
  if (s.endsWith('\r\n')) return s.slice(0, -2);
  if (s.endsWith('\n')) return s.slice(0, -1);
  return s;
}

function signalNumber(name: string): number {
  const n = (osConstants.signals as Record<string, number>)[name];
  return typeof n === 'number' ? n : 0;
}

export const run: Runner = (argv, opts = {}) =>
  new Promise((resolve) => {
    const [file, ...args] = argv;
    const env = opts.extendEnv === false ? { ...(opts.env ?? {}) } : { ...process.env, ...(opts.env ?? {}) };
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let aborted = false;
    let startError: NodeJS.ErrnoException | undefined;
    let settled = false;

    const stdio: Array<'pipe'> = opts.fd3 === undefined ? ['pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe', 'pipe'];
    ensureWatchdog();
    const child = spawn(file, args, { cwd: opts.cwd, env, detached: true, stdio });
    // its own process group (detached), which the watchdog ends should this process die first
    if (child.pid !== undefined) watchGroup(child.pid);
    const kill = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = opts.timeoutMs ? setTimeout(() => ((timedOut = true), kill()), opts.timeoutMs) : undefined;
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined);
    child.on('error', (e: NodeJS.ErrnoException) => {
      startError = e;
    });
    child.stdin.end(opts.input ?? '');
    const fd3 = child.stdio[3] as NodeJS.WritableStream | null | undefined;
    if (fd3 && opts.fd3 !== undefined) {
      fd3.on('error', () => undefined);
      fd3.end(opts.fd3);
    }

    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      if (child.pid !== undefined) releaseGroup(child.pid);
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const keepNl = opts.stripFinalNewline === false;
      const result: RunResult = {
        argv,
        code: 0,
        stdout: strip(Buffer.concat(out).toString('utf8'), !keepNl),
        stderr: strip(Buffer.concat(err).toString('utf8'), !keepNl),
        pid: child.pid,
        timedOut,
      };
      if (startError) {
        result.code = startError.code === 'ENOENT' ? 127 : 126;
        result.error = `${file}: ${startError.message}`;
      } else if (signal) {
        result.code = 128 + signalNumber(signal);
        result.signal = signal;
        if (timedOut) result.error = `Timed out after ${opts.timeoutMs} ms`;
        else if (aborted) result.error = 'Aborted';
        else result.error = `Killed by ${signal}`;
      } else {
        result.code = code ?? 1;
      }
      if (result.error && !result.stderr) result.stderr = result.error;
      resolve(result);
    });
  });
