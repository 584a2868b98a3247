// What `halite highstate` and `halite sls` share: select hosts, order them into waves, push the job
// to each host through the transport, show progress, print each host's output and the fleet
// summary, record the job, and exit with the job's code.
import { type Command, Option } from 'commander';
import type { StateOutput } from '../../agent/output/highstate.ts';
import { saltJson } from '../../agent/output/json.ts';
import { CliError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { type JobOrigin, JobStore } from '../jobs/store.ts';
import { type HostRunner, type JobEvent, type JobOutcome, jobExitCode, orchestrate } from '../push/orchestrate.ts';
import { formatFleetSummary, formatHostOutput, formatJobErrors } from '../output/fleet-summary.ts';
import { Progress } from '../output/progress.ts';
import { safeJson } from '../output/terminal-safe.ts';
import { colorWanted, liveProgress } from '../output/terminal.ts';
import { type RunnerEnv, pushRunner } from '../push/runner.ts';
import { targetFor } from '../transport/target.ts';
import type { BatchSpec } from '../target/plan.ts';
import type { ErrorData } from '../../agent/errors.ts';
import type { AgentEvent } from '../../agent/protocol.ts';
import { jobScope } from '../target/job-scope.ts';
import { formatWarnings } from '../output/errors.ts';
import type { RoleSet } from '../config/roles.ts';
import { type RejectedHost, type RosterHost, isRejected, rosterEntries } from '../config/roster.ts';
import { type Workspace, openWorkspace } from '../config/workspace.ts';
import type { CommandContext } from '../output/cli-io.ts';
import { askPassphrases, jobTransportFor, printSha1Warning, requireLoginKeys } from './fleet.ts';
import type { JobTransport, Transport } from '../transport/transport.ts';
import { type ConfirmOptions, addConfirmOptions, confirmSelection } from './confirm.ts';
import { type SignalSource, onInterrupt } from './interrupt.ts';
import { type GlobalOptions, saltenvOption } from './options.ts';
import { checkSaltenv } from './compile-host.ts';
import { printWarnings } from './report.ts';
import { type TargetOptions, addTargetOptions, applyTargetOptions, batchOption } from './target-options.ts';
import { type JobKwargs, pillarOverride } from './job-kwargs.ts';

export const JOB_OUT = ['highstate', 'json'] as const;
export const STATE_OUTPUTS = ['full', 'terse', 'mixed', 'changes'] as const;

export interface JobCliOptions extends GlobalOptions, TargetOptions, ConfirmOptions {
  test?: boolean;
  batch?: BatchSpec;
  out: (typeof JOB_OUT)[number];
  stateOutput: StateOutput;
  failhard?: boolean;
  bootstrap?: boolean;
  concurrency?: number;
  timeout?: number;
  /** Merged over each host's compiled pillar, last (`--pillar` or Salt's `pillar=`). */
  pillar?: Record<string, unknown>;
  /** `--saltenv` or Salt's `saltenv=`. */
  saltenv?: string;
}

export interface JobHooks {
  /** Builds the per-host runner (by default the SSH push of the agent). */
  runner?(env: RunnerEnv): HostRunner | Promise<HostRunner>;
  /** Show progress redrawn in place (default: whether stderr is a terminal, outside CI). */
  tty?: boolean;
  /** Where SIGINT and SIGTERM are listened for (default: this process). */
  signals?: SignalSource;
  /** A transport held by the caller for many jobs (the daemon's): used as it is, not closed after the job. */
  transport?: JobTransport & Partial<Pick<Transport, 'runAll'>>;
  /** Also told a job's events (the daemon publishes those of the jobs it runs for the command line). */
  tap?(
    kind: 'highstate' | 'sls',
    starter: { origin: JobOrigin; who: string },
    jid?: string,
  ): { onEvent(e: JobEvent): void; onAgentEvent(host: string, e: AgentEvent): void };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--timeout: expected a positive whole number of seconds, not '${value}'`, EXIT.USAGE);
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--concurrency: expected a positive integer, not '${value}'`, EXIT.USAGE);
  return n;
}

/** Adds the options of a job command (targeting, --test, --batch, output, --failhard, …). */
export function addJobOptions(cmd: Command, kwargs = true): Command {
  const c = addConfirmOptions(addTargetOptions(cmd))
    .option('--test', 'report what would change without changing anything')
    .addOption(batchOption())
    .addOption(new Option('--out <format>', 'output format').choices(JOB_OUT).default('highstate'))
    .addOption(new Option('--state-output <mode>', 'how each state is shown').choices(STATE_OUTPUTS).default('full'))
    .option('--failhard', 'stop at the first failed state, and start no further hosts after a failure')
    .option('--bootstrap', 'install Node.js on hosts that lack it')
    .addOption(
      new Option('--concurrency <n>', 'hosts worked on at the same time (default: from the configuration)').argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option(
        '--timeout <seconds>',
        "end a host's run that takes longer as `timeout` (default: host_timeout, 3600)",
      ).argParser(seconds),
    )
    .addOption(
      new Option(
        '--pillar <yaml>',
        "pillar data merged over each host's compiled pillar, last (also as Salt's pillar='{…}')",
      ).argParser((v) => pillarOverride(v, '--pillar')),
    )
    .addOption(saltenvOption());
  return kwargs ? c.argument('[kwargs...]', 'Salt-style keyword arguments: pillar=\'{"k": "v"}\', test=True') : c;
}

/** The job options with the keyword arguments of the command line applied (they win over the flags). */
export function withKwargs(opts: JobCliOptions, kw: JobKwargs): JobCliOptions {
  return {
    ...opts,
    ...(kw.pillar ? { pillar: kw.pillar } : {}),
    ...(kw.test !== undefined ? { test: kw.test } : {}),
    ...(kw.saltenv !== undefined ? { saltenv: kw.saltenv } : {}),
  };
}

/**
 * The hosts of the job: the selected entries of the roster, those with errors among them as
 * stand-ins that are never connected to (their valid roles place them in their wave, so that roles
 * depending on theirs wait for them); the errors that concern other hosts and roles are warnings.
 */
function jobHosts(
  ctx: CommandContext,
  ws: Workspace,
  roles: RoleSet,
  selected: readonly (RosterHost | RejectedHost)[],
): { hosts: RosterHost[]; rejected: Map<string, ErrorData[]> } {
  const scope = jobScope(ws.roster, roles, selected);
  if (scope.warnings.length) ctx.io.stderr(formatWarnings(scope.warnings));
  if (scope.fatal.length) throw new CliError('invalid configuration', EXIT.CONFIG_ERROR, scope.fatal);
  const rejected = new Map(scope.rejected.map((r) => [r.id, r.errors]));
  const hosts = selected.map((h): RosterHost =>
    isRejected(h)
      ? {
          id: h.id,
          host: '',
          port: 0,
          user: '',
          sudo: false,
          level: h.level,
          roles: h.roles.filter((r) => roles.roles.has(r)),
          grains: h.grains,
        }
      : h,
  );
  return { hosts, rejected };
}

export function printJob(
  ctx: CommandContext,
  job: JobOutcome,
  opts: Pick<JobCliOptions, 'out' | 'stateOutput' | 'test' | 'color'>,
  order: readonly string[],
): void {
  const byHost = new Map(job.results.map((r) => [r.host, r]));
  const ran = order.flatMap((id) => byHost.get(id) ?? []);
  if (opts.out === 'json') {
    const doc: Record<string, unknown> = {};
    for (const r of ran)
      Object.assign(
        doc,
        saltJson(r.host, r.results.length || !r.errors.length ? r.results : r.errors.map((e) => e.message)),
      );
    ctx.io.stdout(safeJson(JSON.stringify(doc, null, 2)) + '\n');
    return;
  }
  // hosts that ran states show them; every error is shown once below, with the hosts it concerns
  const color = opts.color ?? false;
  for (const r of ran)
    if (r.results.length || !r.errors.length)
      ctx.io.stdout(formatHostOutput({ ...r, errors: [] }, { stateOutput: opts.stateOutput, color }));
  ctx.io.stdout(formatJobErrors(ran, { color }));
  ctx.io.stdout(formatFleetSummary(job, { test: opts.test, color }));
}

/** The hosts of a job and what they are: chosen before the job starts, so a bad selection starts nothing. */
export interface PlannedJob {
  ws: Workspace;
  hosts: RosterHost[];
  rejected: Map<string, ErrorData[]>;
}

/** Who or what starts a job, how its events are followed, how it is stopped, and the job id when chosen beforehand. */
export interface JobStarter {
  origin: JobOrigin;
  who: string;
  jid?: string;
  onEvent?(e: JobEvent): void;
  onAgentEvent?(host: string, e: AgentEvent): void;
  /** Transport debugging lines (--debug). */
  debug?(text: string): void;
  /** Aborted: each host stops after its current state. */
  stop?: AbortSignal;
  /** Aborted: each host's run is cut short. */
  abort?: AbortSignal;
}

export type PlanOptions = Partial<TargetOptions> & ConfirmOptions & { test?: boolean };

/**
 * Selects the job's hosts and checks that an untargeted job was meant (asked on a terminal, else
 * `all` is needed); warnings go to stderr; a usage or configuration error is thrown as a CliError.
 */
export async function planJob(
  ctx: CommandContext,
  ws: Workspace,
  opts: PlanOptions,
  sls: string[] | undefined,
  hooks: JobHooks = {},
): Promise<PlannedJob> {
  const sel = applyTargetOptions(rosterEntries(ws.roster), opts);
  for (const u of sel.unmatched) ctx.io.stderr(`warning: ${u} matches no host\n`);
  const { hosts, rejected } = jobHosts(ctx, ws, ws.roles!, sel.hosts);
  await confirmSelection(
    ctx,
    opts,
    hosts,
    sls ? `apply ${sls.join(', ')} on` : 'converge',
    sls ? 'halite sls' : 'halite highstate',
  );
  if (!hooks.runner) {
    const reached = hosts.filter((h) => !rejected.has(h.id));
    await askPassphrases(ctx, ws.config, reached);
    requireLoginKeys(ws.config, ws.roster, reached);
  }
  return { ws, hosts, rejected };
}

export type JobRunOptions = Pick<
  JobCliOptions,
  | 'test'
  | 'batch'
  | 'failhard'
  | 'bootstrap'
  | 'concurrency'
  | 'timeout'
  | 'level'
  | 'role'
  | 'host'
  | 'target'
  | 'pillar'
  | 'saltenv'
>;

/**
 * Runs a planned highstate (no `sls`) or SLS job to its end, recording it in `store`; the CLI and the
 * daemon share it.
 */
export async function executeJob(
  planned: PlannedJob,
  opts: JobRunOptions,
  sls: string[] | undefined,
  store: JobStore,
  hooks: JobHooks,
  starter: JobStarter,
  env: NodeJS.ProcessEnv = process.env,
): Promise<JobOutcome> {
  const { ws, hosts, rejected } = planned;
  const saltenv = checkSaltenv(ws, opts.saltenv);
  const concurrency = opts.concurrency ?? ws.config.concurrency;
  const transport = hooks.transport ?? jobTransportFor({ ...ws.config, concurrency }, env, starter.debug);
  if (!hooks.runner) transport.warm(hosts.filter((h) => !rejected.has(h.id)).map((h) => targetFor(h, ws.config)));
  try {
    const limits = { ...ws.config.hostLimits, ...(opts.timeout ? { timeout: opts.timeout } : {}) };
    const runnerEnv: RunnerEnv = {
      ws,
      transport,
      store,
      bootstrap: Boolean(opts.bootstrap),
      limits,
      ...(opts.pillar ? { pillarOverride: opts.pillar } : {}),
      ...(saltenv ? { saltenv } : {}),
      ...(starter.onAgentEvent ? { onAgentEvent: starter.onAgentEvent } : {}),
    };
    const run = await (hooks.runner ?? pushRunner)(runnerEnv);
    const args: Record<string, unknown> = { level: opts.level, role: opts.role, host: opts.host, target: opts.target };
    if (sls) args.sls = sls;
    if (opts.batch) args.batch = opts.batch;
    if (opts.failhard) args.failhard = true;
    if (saltenv) args.saltenv = saltenv;
    if (opts.timeout) args.timeout = opts.timeout;
    // the keys only: what an operator types on the command line may be as sensitive as pillar
    if (opts.pillar) args.pillar_override = Object.keys(opts.pillar);
    const job = await orchestrate({
      hosts,
      rejected,
      roles: ws.roles!.roles,
      run,
      kind: sls ? 'sls' : 'highstate',
      test: Boolean(opts.test),
      ...(sls ? { sls } : {}),
      failhard: Boolean(opts.failhard),
      concurrency,
      batch: opts.batch,
      store,
      args,
      origin: starter.origin,
      who: starter.who,
      ...(starter.jid ? { jid: starter.jid } : {}),
      onEvent: starter.onEvent,
      ...(starter.stop ? { stop: starter.stop } : {}),
      ...(starter.abort ? { abort: starter.abort } : {}),
    });
    store.prune(ws.config.jobs);
    return job;
  } finally {
    if (!hooks.transport) transport.close();
  }
}

/** The user running the command, as recorded with the jobs it starts. */
export const cliUser = (env: NodeJS.ProcessEnv): string => env.USER ?? env.LOGNAME ?? '';

/** Runs a highstate (no `sls`) or the named SLS on the selected hosts. */
export async function runJob(
  ctx: CommandContext,
  opts: JobCliOptions,
  sls: string[] | undefined,
  hooks: JobHooks,
): Promise<void> {
  const ws = openWorkspace({
    config: opts.config,
    env: ctx.io.env,
    cwd: ctx.io.cwd,
    allowRosterErrors: true,
    roles: true,
  });
  printWarnings(ctx, ws);
  printSha1Warning(ctx, ws.config);
  const planned = await planJob(ctx, ws, opts, sls, hooks);
  const store = JobStore.open(ws.config.jobsDb);
  const tty = hooks.tty ?? liveProgress(ctx.io);
  const progress = new Progress({
    tty,
    color: colorWanted(ctx.io, 'stderr', opts.color),
    write: (s) => ctx.io.stderr(s),
  });
  const debug = opts.debug ? (text: string) => ctx.io.stderr(`halite: debug: ${text}\n`) : undefined;
  const interrupt = onInterrupt((s) => ctx.io.stderr(s), hooks.signals);
  try {
    const who = cliUser(ctx.io.env);
    const tap = hooks.tap?.(sls ? 'sls' : 'highstate', { origin: 'cli', who });
    const starter: JobStarter = {
      origin: 'cli',
      who,
      onEvent: (e: JobEvent) => {
        progress.handle(e);
        tap?.onEvent(e);
      },
      ...(tap ? { onAgentEvent: tap.onAgentEvent } : {}),
      stop: interrupt.stop,
      abort: interrupt.abort,
      ...(debug ? { debug } : {}),
    };
    const job = await executeJob(planned, opts, sls, store, hooks, starter, ctx.io.env);
    progress.finish();
    printJob(
      ctx,
      job,
      { ...opts, color: colorWanted(ctx.io, 'stdout', opts.color) },
      planned.hosts.map((h) => h.id),
    );
    ctx.exitCode = interrupt.exitCode() ?? jobExitCode(job.results);
  } finally {
    interrupt.dispose();
    store.close();
  }
}
