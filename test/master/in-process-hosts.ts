// Hosts that are this process: a job transport whose every command runs the agent's side of the
// exchange (agent/runtime/serve.ts) in-process, each host with a state cache, a lock and a filesystem root
// of its own under `dir`. The master's whole job path — targeting, envelope, exchange, the agent's
// render, compile and execution, results, output, exit code — runs without SSH.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { serve } from '../../agent/runtime/serve.ts';
import type { Logger } from '../../agent/backends/context.ts';
import type { ProgramHooks } from '../../master/cli.ts';
import type { JobTransport } from '../../master/transport/transport.ts';
import { pushRunner } from '../../master/push/runner.ts';
import type { ExecOptions, ExecResult } from '../../master/transport/exec.ts';
import type { HostTarget } from '../../master/transport/target.ts';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface InProcessHosts {
  transport: JobTransport;
  /** Host ids in the order their agent was started. */
  ran: string[];
  /** Hooks for main(): jobs push to these hosts. */
  hooks: ProgramHooks;
}

export function inProcessHosts(dir: string): InProcessHosts {
  const ran: string[] = [];
  const exec = async (
    target: HostTarget,
    _command: unknown,
    opts: ExecOptions = {},
  ): Promise<ExecResult & { via: 'exec' }> => {
    ran.push(target.id);
    const root = join(dir, target.id);
    mkdirSync(root, { recursive: true });
    const stdin = opts.stdin instanceof Readable ? opts.stdin : Readable.from([opts.stdin ?? '']);
    const code = await serve({
      stdin,
      out: (line) => opts.onStdout?.(Buffer.from(line)),
      log: quiet,
      root,
      casRoot: join(root, 'cas'),
      lockFile: join(root, 'agent.lock'),
      detectGrains: () => ({ os: 'Debian', kernel: 'Linux' }),
    });
    return { code, stdout: '', stderr: '', via: 'exec' };
  };
  const transport: JobTransport = {
    exec,
    socketOrExec: (target, _socket, command, opts) => exec(target, command, opts),
    warm: () => undefined,
    close: () => undefined,
  };
  return { transport, ran, hooks: { job: { runner: (env) => pushRunner({ ...env, transport }), tty: false } } };
}
