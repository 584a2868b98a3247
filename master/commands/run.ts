// `halite run [targeting] -- CMD [ARG…]`: one command (an argv, never a shell line built here) on
// every selected host through the transport, output per host in roster order. Exit status: 4 when a
// host could not be reached, 2 when the command failed on a host, else 0.
import { type Command, Option } from 'commander';
import { formatError } from '../../agent/errors.ts';
import { EXIT, type ExitCode, worstExitCode } from '../exit-codes.ts';
import { JobStore } from '../jobs/store.ts';
import { TransportError } from '../transport/errors.ts';
import type { ExecResult } from '../transport/exec.ts';
import type { HostOutcome } from '../transport/transport.ts';
import { targetFor } from '../transport/target.ts';
import type { CommandContext } from './context.ts';
import { selectFleet, transportFor } from './fleet.ts';
import type { GlobalOptions } from './options.ts';
import { type TargetOptions, addTargetOptions } from './target-options.ts';

const RUN_OUT = ['text', 'json'] as const;

interface RunCliOptions extends GlobalOptions, TargetOptions {
  out: (typeof RUN_OUT)[number];
  timeout?: number;
}

export interface HostCommandResult {
  host: string;
  status: 'ok' | 'failed' | 'unreachable' | 'error';
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  error?: string;
}

/** A host's outcome as reported: exit 0 is ok, any other end is failed, a transport fault unreachable. */
export function commandResult(o: HostOutcome<ExecResult>): HostCommandResult {
  if (!o.ok) {
    const unreachable = o.error instanceof TransportError && o.error.kind === 'unreachable';
    const message = o.error instanceof TransportError ? formatError(o.error.forHost(o.target.id).toJSON()) : o.error.message;
    return { host: o.target.id, status: o.error instanceof TransportError ? (unreachable ? 'unreachable' : 'error') : 'error', code: null, stdout: '', stderr: '', error: message };
  }
  const r = o.value;
  const out: HostCommandResult = { host: o.target.id, status: r.code === 0 ? 'ok' : 'failed', code: r.code, stdout: r.stdout, stderr: r.stderr };
  if (r.signal) out.signal = r.signal;
  return out;
}

const indent = (text: string): string => text.replace(/\n$/, '').split('\n').map((l) => `    ${l}`).join('\n');

/** Salt's text output of cmd.run: `host:` then the output indented; failures say how the command ended. */
export function formatCommandResult(r: HostCommandResult): string {
  const lines = [`${r.host}:`];
  if (r.error) lines.push(indent(r.error));
  if (r.stdout) lines.push(indent(r.stdout));
  if (r.stderr) lines.push(indent(r.stderr));
  if (r.status === 'failed') lines.push(`    (${r.signal ? `killed by ${r.signal}` : `exit status ${r.code}`})`);
  return lines.join('\n') + '\n';
}

export function runExitCode(results: readonly HostCommandResult[]): ExitCode {
  return worstExitCode(
    results.map((r): ExitCode => (r.status === 'ok' ? EXIT.OK : r.status === 'failed' ? EXIT.STATE_FAILURE : EXIT.UNREACHABLE)),
  );
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--timeout: expected a positive number of seconds, not '${value}'`);
  return n;
}

export function registerRun(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('run')
    .description('run a command on the selected hosts: halite run --role memcache -- uptime')
    .argument('<command...>', 'the command and its arguments (after --)')
    .addOption(new Option('--out <format>', 'output format').choices(RUN_OUT).default('text'))
    .addOption(new Option('--timeout <seconds>', 'stop the command after this long').argParser(seconds));
  addTargetOptions(cmd).action(async (argv: string[], _o, c: Command) => {
    const opts = c.optsWithGlobals<RunCliOptions>();
    const sel = selectFleet(ctx, opts);
    const config = sel.config;
    const transport = transportFor(config);
    const store = JobStore.open(config.jobsDb);
    const job = store.startJob({ kind: 'run', args: { command: argv, level: opts.level, role: opts.role, host: opts.host, target: opts.target }, who: ctx.io.env.USER ?? '' });
    let results: HostCommandResult[];
    try {
      const outcomes = await transport.runAll(
        sel.hosts.map((h) => targetFor(h, config)),
        (conn) => conn.exec(argv, opts.timeout ? { timeoutMs: opts.timeout * 1000 } : {}),
      );
      results = outcomes.map(commandResult);
      for (const r of results) {
        store.recordHostRun(job.jid, { host: r.host, status: r.status, ...(r.error ? { errors: [{ code: 'TRANSPORT', message: r.error, host: r.host }] } : {}) });
      }
      const code = runExitCode(results);
      store.finishJob(job.jid, code === EXIT.OK ? 'ok' : code === EXIT.UNREACHABLE ? 'unreachable' : 'failed');
      ctx.exitCode = code;
    } finally {
      transport.close();
      store.close();
    }
    if (opts.out === 'json') ctx.io.stdout(JSON.stringify(Object.fromEntries(results.map(({ host, ...rest }) => [host, rest])), null, 2) + '\n');
    else ctx.io.stdout(results.map(formatCommandResult).join(''));
  });
}
