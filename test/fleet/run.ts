// Runs a command (an argv array, never a shell line) and collects its output. A failure rejects
// with a FleetError that carries the step, host, command, exit code and stderr.
import { spawn } from 'node:child_process';
import { FleetError } from './errors.ts';
import { childrenOf, isRunning, readProcStat } from './proc.ts';

export interface RunResult {
  command: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  /** Written to the command's stdin (which is otherwise empty). */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Killed with SIGKILL after this long. */
  timeoutMs?: number;
  /** Resolve with the result instead of rejecting when the command fails. Default true. */
  reject?: boolean;
  /** Each line the command prints (stdout and stderr), as it prints it; the output is collected all the same. */
  onLine?: (line: string) => void;
  /** When aborted, the command and every process it started are killed (SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
  /** For error messages: what the fleet was doing, and on which host. */
  step?: string;
  host?: string;
}

export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const command = [...argv];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const lines = opts.onLine ? lineSplitter(opts.onLine) : undefined;
    child.stdout.on('data', (b: Buffer) => (out.push(b), lines?.push(b, 0)));
    child.stderr.on('data', (b: Buffer) => (err.push(b), lines?.push(b, 1)));
    let aborted = false;
    let killed: Promise<void> = Promise.resolve();
    const abort = () => {
      aborted = true;
      if (child.pid !== undefined) killed = killTree(child.pid);
    };
    if (opts.signal?.aborted) abort();
    else opts.signal?.addEventListener('abort', abort, { once: true });
    child.stdin.on('error', () => {}); // the command may exit without reading its input
    child.stdin.end(opts.input ?? '');
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.on('error', (e) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', abort);
      reject(
        new FleetError(`cannot run ${command[0]}: ${e.message}`, {
          step: opts.step ?? 'run',
          host: opts.host,
          command,
        }),
      );
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', abort);
      lines?.end();
      const result: RunResult = {
        command,
        exitCode,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        durationMs: Date.now() - started,
      };
      if (exitCode === 0 || opts.reject === false) return resolve(result);
      const why = aborted ? 'interrupted' : timedOut ? `timed out after ${opts.timeoutMs} ms` : 'command failed';
      // an interrupted command's output tells nothing about what went wrong: only its command line
      const details = aborted ? { command } : result;
      const error = new FleetError(why, { step: opts.step ?? 'run', host: opts.host, ...details });
      // an interrupted command's children are gone too before the caller cleans up after it
      void killed.then(() => reject(error));
    });
  });
}

/** Splits two streams' chunks into lines, each stream on its own (a line may arrive in pieces). */
function lineSplitter(onLine: (line: string) => void) {
  const rest = ['', ''];
  return {
    push(b: Buffer, stream: 0 | 1) {
      const parts = (rest[stream] + b.toString('utf8')).split(/\r?\n|\r/);
      rest[stream] = parts.pop() ?? '';
      for (const l of parts) if (l.trim()) onLine(l);
    },
    end() {
      for (const l of rest.splice(0, 2, '', '')) if (l.trim()) onLine(l);
    },
  };
}

/** SIGTERM to a process and everything below it, SIGKILL to what is still there 5 s later. */
async function killTree(pid: number): Promise<void> {
  const procs: Array<{ pid: number; startTime: number }> = [];
  const visit = (p: number) => {
    const st = readProcStat(p);
    if (!st) return;
    if (!procs.some((q) => q.pid === p && q.startTime === st.startTime))
      procs.push({ pid: p, startTime: st.startTime });
    for (const c of childrenOf(p)) visit(c);
  };
  visit(pid);
  const send = (sig: NodeJS.Signals) => {
    for (const p of procs) {
      if (!isRunning(p.pid, p.startTime)) continue;
      try {
        process.kill(p.pid, sig);
      } catch {
        // gone meanwhile
      }
    }
  };
  send('SIGTERM');
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && procs.some((p) => isRunning(p.pid, p.startTime)))
    await new Promise((r) => setTimeout(r, 100));
  for (const p of [...procs]) if (isRunning(p.pid, p.startTime)) visit(p.pid); // started meanwhile
  send('SIGKILL');
}
