// `halite jobs [list]`, `halite jobs show JID`, `halite jobs prune`: the job history kept in the
// job store (Salt's jobs.list_jobs and jobs.lookup_jid). What is shown was redacted before it was stored.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliError, usageError } from '../cli-error.ts';
import { EXIT } from '../exit-codes.ts';
import { storedJob } from '../output/job-outcome.ts';
import { parseSince } from '../jobs/since.ts';
import { type JobRecord, type JobStatus, JobStore } from '../jobs/store.ts';
import { loadConfig } from '../config/halite-yaml.ts';
import { formatDuration } from '../output/progress.ts';
import { formatTable } from '../output/table.ts';
import type { CommandContext } from '../output/cli-io.ts';
import { JOB_OUT, STATE_OUTPUTS, type JobCliOptions, printJob } from './job.ts';
import type { GlobalOptions } from './options.ts';

export const JOB_STATUSES: readonly JobStatus[] = [
  'running',
  'ok',
  'changed',
  'failed',
  'unreachable',
  'timeout',
  'error',
  'interrupted',
  'skipped',
];

interface ListOptions extends GlobalOptions {
  host?: string;
  status?: JobStatus;
  since?: Date;
  limit: number;
  out: 'table' | 'json';
}

interface ShowOptions extends GlobalOptions, Pick<JobCliOptions, 'out' | 'stateOutput'> {
  host?: string;
}

function sinceArg(value: string): Date {
  const at = parseSince(value);
  if (!at)
    throw new InvalidArgumentError(
      `expected an age (30m, 6h, 2d, 1w) or a date (2026-12-01, 2026-12-01T08:00:00Z), not '${value}'`,
    );
  return at;
}

function limitArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, not '${value}'`);
  return n;
}

/** The configured job store, or undefined when none has been written yet. */
function openStore(
  ctx: CommandContext,
  opts: GlobalOptions,
): { store: JobStore; keep: { keepDays: number; keepCount: number | null } } {
  const { config, errors } = loadConfig(opts.config, ctx.io.env, ctx.io.cwd);
  if (errors.length) throw new CliError('invalid configuration', EXIT.CONFIG_ERROR, errors);
  return { store: JobStore.open(config.jobsDb), keep: config.jobs };
}

/** Who started a job, as `cli:alice`, `schedule:nightly`, `api:deploy-bot`. */
export const startedBy = (j: Pick<JobRecord, 'origin' | 'who'>): string => (j.who ? `${j.origin}:${j.who}` : j.origin);

function targetOf(j: JobRecord): string {
  const a = j.args;
  const parts: string[] = [];
  if (Array.isArray(a.sls) && a.sls.length) parts.push(`sls=${a.sls.join(',')}`);
  if (Array.isArray(a.command)) parts.push(`cmd=${a.command.join(' ')}`);
  for (const k of ['level', 'role', 'host', 'target']) {
    const v = a[k];
    if (Array.isArray(v) && v.length) parts.push(`${k}=${v.join(',')}`);
  }
  return parts.join(' ') || 'all';
}

export function formatJobsTable(jobs: readonly JobRecord[], hostCount: (jid: string) => number): string {
  const cells = jobs.map((j) => [
    j.jid,
    j.startedAt.replace(/\.\d+Z$/, 'Z'),
    j.kind + (j.test ? ' (test)' : ''),
    j.status,
    String(hostCount(j.jid)),
    j.durationMs === null ? '-' : formatDuration(j.durationMs),
    startedBy(j),
    targetOf(j),
  ]);
  return formatTable(['JID', 'STARTED', 'KIND', 'STATUS', 'HOSTS', 'TIME', 'BY', 'TARGET'], cells);
}

function listJobs(ctx: CommandContext, opts: ListOptions): void {
  const { store } = openStore(ctx, opts);
  try {
    const jobs = store.jobs({ host: opts.host, status: opts.status, since: opts.since, limit: opts.limit });
    if (opts.out === 'json') {
      const doc = jobs.map((j) => ({
        ...j,
        hosts: store.hostRuns(j.jid).map((r) => ({ host: r.host, status: r.status })),
      }));
      ctx.io.stdout(JSON.stringify(doc, null, 2) + '\n');
    } else if (!jobs.length) ctx.io.stderr('no jobs recorded match\n');
    else ctx.io.stdout(formatJobsTable(jobs, (jid) => store.hostRuns(jid).length));
  } finally {
    store.close();
  }
}

function showJob(ctx: CommandContext, jid: string, opts: ShowOptions): void {
  const { store } = openStore(ctx, opts);
  try {
    const found = storedJob(store, jid, opts.host);
    if (!found) throw new CliError(`no job ${jid} in the job history`, EXIT.USAGE);
    if (opts.host !== undefined && !found.order.length)
      throw usageError(`host ${opts.host} did not take part in job ${jid}`);
    const { job, outcome, order } = found;
    if (job.status === 'running') ctx.io.stderr(`job ${jid} is still running: the hosts that finished so far\n`);
    if (job.reason) ctx.io.stderr(`job ${jid} was not run: ${job.reason}\n`);
    if (job.kind === 'run' && opts.out !== 'json') {
      // an ad-hoc command's output is not kept, only how it ended on each host
      const runs = store.hostRuns(jid).filter((r) => opts.host === undefined || r.host === opts.host);
      ctx.io.stdout(
        runs.map((r) => `${r.host}:\n    ${r.status}${r.errors.map((e) => `: ${e.message}`).join('')}\n`).join(''),
      );
      return;
    }
    printJob(ctx, outcome, { out: opts.out, stateOutput: opts.stateOutput, test: job.test }, order);
  } finally {
    store.close();
  }
}

export function registerJobs(program: Command, ctx: CommandContext): void {
  const jobs = program.command('jobs').description('the job history: list jobs, reprint a job, prune old jobs');
  const list = (cmd: Command) =>
    cmd
      .option('--host <id>', 'only jobs that ran on this host')
      .addOption(new Option('--status <status>', 'only jobs that ended so').choices(JOB_STATUSES))
      .addOption(
        new Option(
          '--since <age|date>',
          'only jobs started since: an age (30m, 6h, 2d, 1w) or a date (2026-12-01[T08:00:00Z])',
        ).argParser(sinceArg),
      )
      .addOption(new Option('--limit <n>', 'at most this many jobs, most recent first').argParser(limitArg).default(50))
      .addOption(new Option('--out <format>', 'output format').choices(['table', 'json']).default('table'))
      .action((_o, c: Command) => listJobs(ctx, c.optsWithGlobals<ListOptions>()));
  list(jobs);
  list(jobs.command('list', { isDefault: false }).description('list recorded jobs, most recent first'));
  jobs
    .command('show')
    .description("reprint a job's output as it was printed (Salt's jobs.lookup_jid)")
    .argument('<jid>', 'the job id')
    .option('--host <id>', "only this host's output")
    .addOption(new Option('--out <format>', 'output format').choices(JOB_OUT).default('highstate'))
    .addOption(new Option('--state-output <mode>', 'how each state is shown').choices(STATE_OUTPUTS).default('full'))
    .action((jid: string, _o, c: Command) => showJob(ctx, jid, c.optsWithGlobals<ShowOptions>()));
  jobs
    .command('prune')
    .description('delete the finished jobs older than jobs.keep_days, and beyond the jobs.keep_count most recent')
    .action((_o, c: Command) => {
      const { store, keep } = openStore(ctx, c.optsWithGlobals<GlobalOptions>());
      try {
        const n = store.prune(keep);
        ctx.io.stdout(
          `${n} job${n === 1 ? '' : 's'} deleted (keeping ${keep.keepDays} days${keep.keepCount ? `, at most ${keep.keepCount} jobs` : ''})\n`,
        );
      } finally {
        store.close();
      }
    });
}
