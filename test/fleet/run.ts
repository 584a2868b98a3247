// Runs a command (an argv array, never a shell line) and collects its output. A failure rejects
// with a FleetError that carries the step, host, command, exit code and stderr.
import { spawn } from 'node:child_process';
import { FleetError } from './errors.ts';

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
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
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
      reject(new FleetError(`cannot run ${command[0]}: ${e.message}`, { step: opts.step ?? 'run', host: opts.host, command }));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        command,
        exitCode,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        durationMs: Date.now() - started,
      };
      if (exitCode === 0 || opts.reject === false) return resolve(result);
      const why = timedOut ? `timed out after ${opts.timeoutMs} ms` : 'command failed';
      reject(new FleetError(why, { step: opts.step ?? 'run', host: opts.host, ...result }));
    });
  });
}
