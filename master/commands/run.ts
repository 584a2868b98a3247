// `halite run [targeting] -- CMD [ARG…]`: one command (an argv, never a shell line built here) on
// every selected host through the transport, output per host in roster order. A host's output is
// held to host_max_output bytes (host_max_line a line): past that its command is stopped and what
// fitted kept. Exit status: 8 when a host sent more than that, 4 when a host could not be reached,
// 7 when the command ran out of --timeout on a host, 2 when it failed on a host, else 0.
import { type Command, Option } from 'commander';
import { formatError } from '../../agent/errors.ts';
import { EXIT, type ExitCode, worstExitCode } from '../exit-codes.ts';
import { OutputCap } from '../config/host-limits.ts';
import { type HostRunInput, type JobOrigin, JobStore } from '../jobs/store.ts';
import { safeJson, safeText } from '../output/terminal-safe.ts';
import { TransportError } from '../transport/errors.ts';
import { DEFAULT_KILL_GRACE_MS as KILL_GRACE_MS, type ExecResult } from '../transport/exec.ts';
import { withDeadline } from '../transport/quote.ts';
import type { HostOutcome, Transport } from '../transport/transport.ts';
import { targetFor } from '../transport/target.ts';
import type { CommandContext } from '../output/cli-io.ts';
import { type FleetSelection, askPassphrases, requireLoginKeys, selectFleet, transportFor } from './fleet.ts';
import { type ConfirmOptions, addConfirmOptions, confirmSelection } from './confirm.ts';
import { type SignalSource, onInterrupt } from './interrupt.ts';
import type { GlobalOptions } from './options.ts';
import { type TargetOptions, addTargetOptions } from './target-options.ts';

const RUN_OUT = ['text', 'json'] as const;

interface RunCliOptions extends GlobalOptions, TargetOptions, ConfirmOptions {
  out: (typeof RUN_OUT)[number];
  timeout?: number;
}

export interface HostCommandResult {
  host: string;
  status: 'ok' | 'failed' | 'unreachable' | 'timeout' | 'error' | 'interrupted';
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  error?: string;
  /** The limit a host's output went over (status error): its command was stopped there. */
  limit?: 'host_max_output' | 'host_max_line';
}

/** Output a command wrote before it was stopped, and the limit it went over if that stopped it. */
export interface PartialOutput {
  stdout: string;
  stderr: string;
  exceeded?: string;
}

/**
 * A host's outcome as reported: exit 0 is ok, any other end is failed, a command stopped at the
 * deadline timeout (with what it wrote until then), a transport fault unreachable.
 */
export function commandResult(o: HostOutcome<ExecResult>, partial?: PartialOutput): HostCommandResult {
  if (partial?.exceeded) {
    const limit = partial.exceeded.includes('host_max_line') ? 'host_max_line' : 'host_max_output';
    return {
      host: o.target.id,
      status: 'error',
      code: null,
      stdout: partial.stdout,
      stderr: partial.stderr,
      error: `${partial.exceeded}: the command was stopped`,
      limit,
    };
  }
  if (!o.ok && o.error instanceof NotStarted)
    return { host: o.target.id, status: 'interrupted', code: null, stdout: '', stderr: '', error: o.error.message };
  if (!o.ok && o.error instanceof TransportError && o.error.kind === 'aborted') {
    return {
      host: o.target.id,
      status: 'interrupted',
      code: null,
      stdout: partial?.stdout ?? '',
      stderr: partial?.stderr ?? '',
      error: 'stopped: the job was interrupted',
    };
  }
  if (!o.ok && o.error instanceof TransportError && o.error.kind === 'timeout') {
    return {
      host: o.target.id,
      status: 'timeout',
      code: null,
      stdout: partial?.stdout ?? '',
      stderr: partial?.stderr ?? '',
      error: o.error.message.replace(/^.*?: (?=timeout after)/, ''),
    };
  }
  if (!o.ok) {
    const unreachable = o.error instanceof TransportError && o.error.kind === 'unreachable';
    const message =
      o.error instanceof TransportError ? formatError(o.error.forHost(o.target.id).toJSON()) : o.error.message;
    return {
      host: o.target.id,
      status: o.error instanceof TransportError ? (unreachable ? 'unreachable' : 'error') : 'error',
      code: null,
      stdout: '',
      stderr: '',
      error: message,
    };
  }
  const r = o.value;
  const out: HostCommandResult = {
    host: o.target.id,
    status: r.code === 0 ? 'ok' : 'failed',
    code: r.code,
    stdout: r.stdout,
    stderr: r.stderr,
  };
  if (r.signal) out.signal = r.signal;
  return out;
}

const indent = (text: string): string =>
  safeText(text)
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/** Salt's text output of cmd.run: `host:` then the output indented; failures say how the command ended. */
export function formatCommandResult(r: HostCommandResult): string {
  const lines = [`${r.host}:`];
  if (r.error && r.status !== 'timeout' && !r.limit) lines.push(indent(r.error));
  if (r.stdout) lines.push(indent(r.stdout));
  if (r.stderr) lines.push(indent(r.stderr));
  if (r.status === 'timeout' || r.limit) lines.push(`    (${r.error})`);
  if (r.status === 'failed') lines.push(`    (${r.signal ? `killed by ${r.signal}` : `exit status ${r.code}`})`);
  return lines.join('\n') + '\n';
}

/** A host whose command was not started because the job was interrupted. */
class NotStarted extends Error {}

export function runExitCode(results: readonly HostCommandResult[]): ExitCode {
  return worstExitCode(
    results.map((r): ExitCode =>
      r.limit
        ? EXIT.PROTOCOL
        : r.status === 'ok'
          ? EXIT.OK
          : r.status === 'failed'
            ? EXIT.STATE_FAILURE
            : r.status === 'timeout'
              ? EXIT.TIMEOUT
              : r.status === 'interrupted'
                ? EXIT.INTERRUPTED
                : EXIT.UNREACHABLE,
    ),
  );
}

const JOB_STATUS: Partial<Record<ExitCode, 'ok' | 'unreachable' | 'timeout'>> = {
  [EXIT.OK]: 'ok',
  [EXIT.UNREACHABLE]: 'unreachable',
  [EXIT.TIMEOUT]: 'timeout',
};

/** What the job store keeps of a host's run: its status and, for faults, the error. */
function hostRun(r: HostCommandResult): HostRunInput {
  if (!r.error) return { host: r.host, status: r.status };
  const code = r.limit
    ? 'PROTOCOL'
    : r.status === 'timeout'
      ? 'TIMEOUT'
      : r.status === 'interrupted'
        ? 'INTERRUPTED'
        : 'TRANSPORT';
  return { host: r.host, status: r.status, errors: [{ code, message: r.error, host: r.host }] };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`--timeout: expected a positive number of seconds, not '${value}'`);
  return n;
}

/** Who or what starts an ad-hoc command job, and how its hosts' outcomes are followed. */
export interface RunStarter {
  origin: JobOrigin;
  who: string;
  jid?: string;
  onStart?(jid: string, hosts: string[]): void;
  onHostDone?(r: HostCommandResult): void;
  /** Aborted: commands not started yet are not started. */
  stop?: AbortSignal;
  /** Aborted: the running commands are stopped. */
  abort?: AbortSignal;
}

/** A transport that runs a function on every host: its own (closed after the job), or one held by the daemon. */
type RunTransport = Pick<Transport, 'runAll'>;

/**
 * Runs `argv` on the selected hosts and records the job; the command line and the daemon share it.
 * `held` is a transport kept by the caller (the daemon's), else the job opens its own connections.
 */
export async function executeRun(
  sel: FleetSelection,
  argv: string[],
  opts: Partial<TargetOptions> & { timeout?: number },
  store: JobStore,
  starter: RunStarter,
  held?: RunTransport,
): Promise<HostCommandResult[]> {
  const config = sel.config;
  const own = held ? undefined : transportFor(config);
  const transport: RunTransport = held ?? own!;
  const args = {
    command: argv,
    level: opts.level ?? [],
    role: opts.role ?? [],
    host: opts.host ?? [],
    target: opts.target ?? [],
    ...(opts.timeout ? { timeout: opts.timeout } : {}),
  };
  const job = store.startJob({
    kind: 'run',
    args,
    origin: starter.origin,
    who: starter.who,
    hosts: sel.hosts.map((h) => h.id),
    ...(starter.jid ? { jid: starter.jid } : {}),
  });
  starter.onStart?.(
    job.jid,
    sel.hosts.map((h) => h.id),
  );
  const partial = new Map<string, { stdout: Buffer[]; stderr: Buffer[]; cap: OutputCap }>();
  const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');
  const position = new Map(sel.hosts.map((h, i) => [h.id, i]));
  try {
    const outcomes = await transport.runAll(
      sel.hosts.map((h) => targetFor(h, config)),
      async (conn) => {
        if (starter.stop?.aborted) throw new NotStarted('not run: the job was interrupted');
        store.startHostRun(job.jid, conn.target.id, new Date(), position.get(conn.target.id) ?? 0);
        const out = { stdout: [] as Buffer[], stderr: [] as Buffer[], cap: new OutputCap(config.hostLimits) };
        partial.set(conn.target.id, out);
        // past a limit the command is stopped (its channel closed), keeping what fitted
        const overLimit = new AbortController();
        const keep = (stream: 'stdout' | 'stderr') => (c: Buffer) => {
          if (out.cap.exceeded) return;
          out[stream].push(out.cap.take(stream, c));
          if (out.cap.exceeded) overLimit.abort();
        };
        const signal = starter.abort ? AbortSignal.any([starter.abort, overLimit.signal]) : overLimit.signal;
        const collect = { onStdout: keep('stdout'), onStderr: keep('stderr'), signal };
        // the host ends the command at the deadline itself; the master stops waiting then too
        const command = opts.timeout ? withDeadline(argv, opts.timeout, KILL_GRACE_MS / 1000) : argv;
        const r = await conn.exec(
          command,
          opts.timeout ? { ...collect, timeoutMs: opts.timeout * 1000, killGraceMs: KILL_GRACE_MS } : collect,
        );
        return { ...r, stdout: text(out.stdout), stderr: text(out.stderr) };
      },
    );
    const results = outcomes.map((o) => {
      const p = partial.get(o.target.id);
      return commandResult(o, p && { stdout: text(p.stdout), stderr: text(p.stderr), exceeded: p.cap.exceeded });
    });
    for (const [i, r] of results.entries()) {
      store.recordHostRun(job.jid, { ...hostRun(r), position: i });
      starter.onHostDone?.(r);
    }
    const interrupted = Boolean(starter.stop?.aborted || starter.abort?.aborted);
    store.finishJob(job.jid, interrupted ? 'interrupted' : (JOB_STATUS[runExitCode(results)] ?? 'failed'));
    return results;
  } catch (err) {
    store.finishJob(job.jid, 'error');
    throw err;
  } finally {
    own?.close();
  }
}

/** What the daemon gives a command it runs for the command line: its connections, the caller's signals. */
export interface RunHooks {
  transport?: Partial<RunTransport>;
  signals?: SignalSource;
}

/** The daemon's held transport as a run's, when it can run a function on every host. */
export function heldRunAll(t: Partial<RunTransport> | undefined): RunTransport | undefined {
  const runAll = t?.runAll?.bind(t);
  return runAll ? { runAll } : undefined;
}

export function registerRun(program: Command, ctx: CommandContext, hooks: RunHooks = {}): void {
  const cmd = program
    .command('run')
    .description('run a command on the selected hosts: halite run --role memcache -- uptime')
    .argument('<command...>', 'the command and its arguments (after --)')
    .addOption(new Option('--out <format>', 'output format').choices(RUN_OUT).default('text'))
    .addOption(
      new Option(
        '--timeout <seconds>',
        'stop the command after this long (TERM to its process group, KILL 5 s later); the host ends as timeout, exit code 7',
      ).argParser(seconds),
    );
  addConfirmOptions(addTargetOptions(cmd)).action(async (argv: string[], _o, c: Command) => {
    const opts = c.optsWithGlobals<RunCliOptions>();
    const sel = selectFleet(ctx, opts);
    await confirmSelection(ctx, opts, sel.hosts, `run \`${argv.join(' ')}\` on`, 'halite run');
    await askPassphrases(ctx, sel.config, sel.hosts);
    requireLoginKeys(sel.config, sel.roster, sel.hosts);
    const store = JobStore.open(sel.config.jobsDb);
    let results: HostCommandResult[];
    // Ctrl-C: commands not started yet are not started; a second one stops the running ones
    const interrupt = onInterrupt((s) => ctx.io.stderr(s), hooks.signals);
    try {
      results = await executeRun(
        sel,
        argv,
        opts,
        store,
        {
          origin: 'cli',
          who: ctx.io.env.USER ?? '',
          stop: interrupt.stop,
          abort: interrupt.abort,
        },
        heldRunAll(hooks.transport),
      );
      ctx.exitCode = interrupt.exitCode() ?? runExitCode(results);
    } finally {
      interrupt.dispose();
      store.close();
    }
    if (opts.out === 'json')
      ctx.io.stdout(
        safeJson(JSON.stringify(Object.fromEntries(results.map(({ host, ...rest }) => [host, rest])), null, 2)) + '\n',
      );
    else ctx.io.stdout(results.map(formatCommandResult).join(''));
  });
}
