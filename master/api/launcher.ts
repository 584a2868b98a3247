// Jobs started by the daemon: the same planning and execution as the command line's (commands/job.ts),
// the job id chosen first so the caller gets it at once, the events published on the bus.
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../output/cli-io.ts';
import { targeted } from '../commands/confirm.ts';
import { type JobHooks, type JobRunOptions, executeJob, planJob } from '../commands/job.ts';
import { EXIT } from '../exit-codes.ts';
import type { JobOrigin, JobStore } from '../jobs/store.ts';
import type { JobEvent } from '../push/orchestrate.ts';
import { formatError } from '../../agent/errors.ts';
import { openWorkspace } from '../config/workspace.ts';
import { requireLoginKeys, selectFleet } from '../commands/fleet.ts';
import { executeRun, heldRunAll } from '../commands/run.ts';
import type { TargetOptions } from '../commands/target-options.ts';
import { ApiError } from './errors.ts';
import type { ApiEvent, EventBus } from './events.ts';
import { formatWarnings } from '../output/errors.ts';
import type { AgentEvent } from '../../agent/protocol.ts';

export interface JobRequest extends JobRunOptions {
  kind: 'highstate' | 'sls';
  sls?: string[];
  /** Every host of the roster (a request that names no target must say so). */
  all?: boolean;
}

/** An ad-hoc command on the selected hosts (`halite run`). */
export interface RunRequest extends Partial<TargetOptions> {
  kind: 'run';
  command: string[];
  timeout?: number;
  all?: boolean;
}

export interface LaunchEnv {
  store: JobStore;
  bus: EventBus;
  /** halite.yaml to read for each job (undefined: $HALITE_CONFIG or ./halite.yaml of cwd). */
  configFile?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** How jobs reach their hosts (default: SSH). */
  jobHooks?: JobHooks;
  /** Where a job that failed outside its hosts is reported. */
  log?(message: string): void;
}

export interface Launched {
  jid: string;
  hosts: string[];
  warnings: string[];
  /** Why the job was not run (the reservation refused it). */
  skipped?: string;
}

/**
 * Called with the job id and its planned hosts just before the job runs: returns why it must not run
 * (then it is not started; the reservation has recorded it), or undefined to go on.
 */
export type Reserve = (jid: string, hosts: string[]) => string | undefined;

/** The job events the bus carries, from the orchestrator's. */
function toApiEvent(
  jid: string,
  kind: JobRequest['kind'],
  e: JobEvent,
  starter: { origin: JobOrigin; who: string },
): ApiEvent | undefined {
  switch (e.type) {
    case 'job-start':
      return { type: 'job-start', jid, kind, test: e.test, hosts: e.hosts, origin: starter.origin, who: starter.who };
    case 'host-start':
      return { type: 'host-start', jid, host: e.host };
    case 'host-blocked':
      return { type: 'host-blocked', jid, host: e.host, reason: e.reason };
    case 'host-done': {
      const r = e.result;
      const changed = r.results.filter((s) => Object.keys(s.changes ?? {}).length).length;
      const failed = r.results.filter((s) => s.result === false).length;
      return {
        type: 'host-done',
        jid,
        host: e.host,
        status: r.status,
        durationMs: r.durationMs,
        states: r.results.length,
        failed,
        changed,
        errors: r.errors.map((x) => formatError(x)),
      };
    }
    case 'job-done':
      return { type: 'job-done', jid, kind, status: e.status, durationMs: e.durationMs };
    default:
      return undefined;
  }
}

/**
 * The bus's view of a job run by the daemon, as JobHooks.tap wants it: its events and its states'
 * results published as they come (the job id from the job's start when not known before).
 */
export function busTap(bus: EventBus): NonNullable<JobHooks['tap']> {
  return (kind, starter, known) => {
    let jid = known ?? '';
    return {
      onEvent: (e: JobEvent) => {
        if (e.type === 'job-start') jid = e.jid;
        const ev = toApiEvent(jid, kind, e, starter);
        if (ev) bus.publish(ev);
      },
      onAgentEvent: (host: string, e: AgentEvent) => {
        if (e.type === 'result')
          bus.publish({
            type: 'state',
            jid,
            host,
            tag: e.tag,
            result: e.result,
            changes: e.changes ?? {},
            comment: e.comment ?? '',
            duration_ms: e.duration_ms ?? 0,
          });
      },
    };
  };
}

/**
 * Nobody is there to ask: as without a terminal, a job that changes hosts names its targets or sets
 * `all` (a dry run may go without); `all` with targets is contradictory.
 */
function requireTargets(req: Partial<TargetOptions> & { all?: boolean; test?: boolean }): void {
  if (req.all && targeted(req))
    throw new ApiError(
      400,
      'INVALID_TARGET',
      'all selects every host; it cannot be combined with level, role, host or target',
    );
  if (!req.all && !targeted(req) && !req.test) {
    throw new ApiError(
      400,
      'INVALID_TARGET',
      'no hosts targeted: give level, role, host or target, or all: true for every host of the roster',
    );
  }
}

/** A selection's usage error as INVALID_TARGET, a configuration's as CONFIG_INVALID. */
function apiError(err: unknown): unknown {
  if (err instanceof CliError && err.exitCode === EXIT.USAGE) return new ApiError(400, 'INVALID_TARGET', err.message);
  if (err instanceof CliError)
    return new ApiError(
      422,
      'CONFIG_INVALID',
      err.message,
      err.errors.map((e) => formatError(e)),
    );
  return err;
}

export class JobLauncher {
  /** Jobs started here and not finished yet, by job id. */
  readonly running = new Map<string, Promise<void>>();

  constructor(private readonly env: LaunchEnv) {}

  /**
   * Plans the job (a bad selection or configuration is thrown as an ApiError and starts nothing),
   * asks `reserve` whether it may run, then runs it in the background and returns its id.
   */
  async start(req: JobRequest, starter: { origin: JobOrigin; who: string }, reserve?: Reserve): Promise<Launched> {
    requireTargets(req);
    const warnings: string[] = [];
    const ctx = this.context(warnings);
    const { store, bus } = this.env;
    let planned;
    try {
      const ws = openWorkspace({
        config: this.env.configFile,
        env: this.env.env,
        cwd: this.env.cwd,
        allowRosterErrors: true,
        roles: true,
      });
      if (ws.roster.warnings.length) ctx.io.stderr(formatWarnings(ws.roster.warnings));
      planned = await planJob(ctx, ws, req, req.kind === 'sls' ? req.sls : undefined, this.env.jobHooks ?? {});
    } catch (err) {
      throw apiError(err);
    }
    const jid = store.newJid();
    const skipped = reserve?.(
      jid,
      planned.hosts.map((h) => h.id),
    );
    if (skipped !== undefined) {
      bus.publish({ type: 'job-done', jid, kind: req.kind, status: 'skipped', durationMs: 0 });
      return { jid, hosts: planned.hosts.map((h) => h.id), warnings, skipped };
    }
    const { onEvent: publish, onAgentEvent } = busTap(bus)(req.kind, starter, jid);
    const sls = req.kind === 'sls' ? req.sls : undefined;
    const job = executeJob(
      planned,
      req,
      sls,
      store,
      this.env.jobHooks ?? {},
      { ...starter, jid, onEvent: publish, onAgentEvent },
      this.env.env,
    )
      .then(() => undefined)
      .catch((err: unknown) => {
        this.env.log?.(`job ${jid}: ${err instanceof Error ? err.message : String(err)}`);
        // a job that failed before it was recorded is recorded now, so its id leads somewhere
        if (!store.job(jid))
          store.startJob({
            jid,
            kind: req.kind,
            args: { ...(sls ? { sls } : {}) },
            test: Boolean(req.test),
            ...starter,
          });
        if (store.job(jid)?.status === 'running') store.finishJob(jid, 'error');
        bus.publish({ type: 'job-done', jid, kind: req.kind, status: 'error', durationMs: 0 });
      })
      .finally(() => this.running.delete(jid));
    this.running.set(jid, job);
    return { jid, hosts: planned.hosts.map((h) => h.id), warnings };
  }

  /** Selects the hosts of an ad-hoc command (errors thrown as ApiErrors), then runs it in the background. */
  async startRun(req: RunRequest, starter: { origin: JobOrigin; who: string }): Promise<Launched> {
    requireTargets(req);
    const warnings: string[] = [];
    const ctx = this.context(warnings);
    const { store, bus } = this.env;
    let sel;
    try {
      sel = selectFleet(ctx, { config: this.env.configFile, ...req });
      requireLoginKeys(sel.config, sel.roster, sel.hosts);
    } catch (err) {
      throw apiError(err);
    }
    const jid = store.newJid();
    const started = Date.now();
    const held = heldRunAll(this.env.jobHooks?.transport);
    const job = executeRun(
      sel,
      req.command,
      req,
      store,
      {
        ...starter,
        jid,
        onStart: (_jid, hosts) => bus.publish({ type: 'job-start', jid, kind: 'run', test: false, hosts, ...starter }),
        // a command's output is not published nor kept: only how it ended
        onHostDone: (r) =>
          bus.publish({
            type: 'host-done',
            jid,
            host: r.host,
            status: r.status,
            durationMs: 0,
            states: 0,
            failed: 0,
            changed: 0,
            errors: r.error ? [r.error] : [],
          }),
      },
      held,
    );
    this.track(
      jid,
      job.then(() => undefined),
      () => {
        const j = store.job(jid);
        bus.publish({
          type: 'job-done',
          jid,
          kind: 'run',
          status: j?.status ?? 'error',
          durationMs: j?.durationMs ?? Date.now() - started,
        });
      },
    );
    return { jid, hosts: sel.hosts.map((h) => h.id), warnings };
  }

  private context(warnings: string[]): CommandContext {
    return {
      io: {
        stdout: () => undefined,
        stderr: (s) => void warnings.push(...s.trimEnd().split('\n')),
        env: this.env.env,
        cwd: this.env.cwd,
      },
      exitCode: EXIT.OK,
    };
  }

  private track(jid: string, job: Promise<void>, after?: () => void): void {
    const p = job
      .catch((err: unknown) => this.env.log?.(`job ${jid}: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.running.delete(jid);
        after?.();
      });
    this.running.set(jid, p);
  }

  /** Resolves when every job started here has finished. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()]);
  }
}
