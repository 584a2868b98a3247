// Running a job over a selection of hosts: waves in role-dependency order (plan.ts), the hosts of a
// wave in parallel up to the concurrency limit (and in batches with --batch), roles whose
// dependencies failed are not run (plan.ts `blocked`), a host that cannot be reached does not stop
// the others. Every host's outcome is recorded in the job store and announced as an event.
// Stopping a job (`stop`: Ctrl-C) starts no further host and asks the running agents to stop after
// the state they are running; `abort` (a second Ctrl-C) stops waiting for them.
import pLimit from 'p-limit';
import { type ErrorData, HaliteError, errorData } from '../../agent/errors.ts';
import { EXIT, type ExitCode, exitCodeFor, worstExitCode } from '../../agent/exit-codes.ts';
import type { PushResult, PushStatus } from './host.ts';
import type { JobKind, JobOrigin, JobStatus, JobStore } from '../jobs/store.ts';
import { type BatchSpec, type HostOutcome, type Wave, blocked, partitionBlocked, plan } from '../target/plan.ts';
import type { Role } from '../config/roles.ts';
import type { RosterHost } from '../config/roster.ts';

export type { PushResult, PushStatus } from './host.ts';

export interface RunOptions {
  jid: string;
  test: boolean;
  /** Named SLS (state.sls); absent for a highstate. */
  sls?: string[];
  failhard?: boolean;
  /** Aborts when the job is being stopped: the agent finishes its current state, then stops. */
  stop?: AbortSignal;
  /** Aborts when the job must end now: the exchange is cut (the agent's record is fetched later). */
  abort?: AbortSignal;
  /** The index of the host's wave: hosts of later waves see what hosts of earlier waves reported. */
  wave?: number;
}

/** Runs the job on one host. */
export type HostRunner = (host: RosterHost, opts: RunOptions) => Promise<PushResult>;

export type JobEvent =
  | { type: 'job-start'; jid: string; hosts: string[]; waves: { roles: string[]; hosts: string[] }[]; test: boolean }
  | { type: 'wave-start'; index: number; roles: string[]; hosts: string[] }
  | { type: 'host-queued'; host: string }
  | { type: 'host-start'; host: string }
  | { type: 'host-done'; host: string; result: PushResult }
  | { type: 'host-blocked'; host: string; reason: string }
  | { type: 'job-done'; jid: string; status: JobStatus; durationMs: number };

export interface OrchestrateOptions {
  hosts: readonly RosterHost[];
  roles: ReadonlyMap<string, Role>;
  run: HostRunner;
  kind?: JobKind;
  test?: boolean;
  sls?: string[];
  failhard?: boolean;
  /** Hosts worked on at the same time (default 8). */
  concurrency?: number;
  batch?: BatchSpec;
  store?: JobStore;
  /** Recorded with the job: the command line's options. */
  args?: Record<string, unknown>;
  /** What started the job (default cli) and who: the user, schedule or token name. */
  origin?: JobOrigin;
  who?: string;
  jid?: string;
  /** Hosts whose roster entry has errors: they are never run, their result is these errors. */
  rejected?: ReadonlyMap<string, readonly ErrorData[]>;
  onEvent?(e: JobEvent): void;
  now?(): number;
  /** Stops the job: no further host starts, running ones finish their current state (Ctrl-C). */
  stop?: AbortSignal;
  /** Ends the job at once (a second Ctrl-C). */
  abort?: AbortSignal;
}

export interface BlockedHost {
  host: string;
  reason: string;
}

export interface JobOutcome {
  jid: string;
  waves: Wave[];
  /** Results of the hosts that ran, in the order they finished. */
  results: PushResult[];
  blocked: BlockedHost[];
  status: JobStatus;
  durationMs: number;
}

const roleOutcome = (s: PushStatus): HostOutcome =>
  s === 'error' || s === 'timeout' || s === 'interrupted' ? 'failed' : s;

/**
 * The job's status: interrupted when it was stopped, else the worst host status (error, unreachable,
 * timeout, failed, changed, ok).
 */
export function jobStatus(
  results: readonly Pick<PushResult, 'status'>[],
  blockedCount = 0,
  interrupted = false,
): Exclude<JobStatus, 'running'> {
  const has = (s: PushStatus) => results.some((r) => r.status === s);
  if (interrupted || has('interrupted')) return 'interrupted';
  if (has('error')) return 'error';
  if (has('unreachable')) return 'unreachable';
  if (has('timeout')) return 'timeout';
  if (has('failed') || blockedCount > 0) return 'failed';
  if (has('changed')) return 'changed';
  return 'ok';
}

/**
 * The exit code of a job (docs/exit-codes.md): failed states 2, unreachable 4, compile 1, render 3,
 * timeout 7, broken protocol 8.
 */
export function jobExitCode(results: readonly PushResult[]): ExitCode {
  const codes: ExitCode[] = [];
  for (const r of results) {
    if (r.status === 'failed') codes.push(EXIT.STATE_FAILURE);
    else if (r.status === 'interrupted') codes.push(EXIT.INTERRUPTED);
    else if (r.status === 'unreachable') codes.push(EXIT.UNREACHABLE);
    else if (r.status === 'timeout') codes.push(EXIT.TIMEOUT);
    else if (r.status === 'error') codes.push(r.errors.length ? exitCodeFor(r.errors) : EXIT.INTERNAL);
    // errors beside results (e.g. a failed agent after some states) still count
    if (r.status !== 'error' && r.status !== 'timeout' && r.status !== 'interrupted' && r.errors.length)
      codes.push(exitCodeFor(r.errors));
  }
  return worstExitCode(codes);
}

/** A runner that threw: unreachable for transport faults, error otherwise. */
function thrown(host: string, err: unknown, durationMs: number): PushResult {
  const data: ErrorData =
    err instanceof HaliteError
      ? errorData(err)
      : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
  if (!data.host) data.host = host;
  return { host, status: data.code === 'TRANSPORT' ? 'unreachable' : 'error', results: [], errors: [data], durationMs };
}

export async function orchestrate(opts: OrchestrateOptions): Promise<JobOutcome> {
  const now = opts.now ?? Date.now;
  const started = now();
  const test = Boolean(opts.test);
  const emit = (e: JobEvent) => opts.onEvent?.(e);
  const waves = plan(opts.hosts, opts.roles, { batch: opts.batch });
  const store = opts.store;
  const jid = opts.jid ?? store?.newJid() ?? `${started}`;
  store?.startJob({
    jid,
    kind: opts.kind ?? (opts.sls ? 'sls' : 'highstate'),
    args: opts.args ?? {},
    test,
    origin: opts.origin ?? 'cli',
    who: opts.who ?? '',
    hosts: opts.hosts.map((h) => h.id),
  });
  const position = new Map(opts.hosts.map((h, i) => [h.id, i]));

  const outcomes: Record<string, Record<string, HostOutcome>> = {};
  const results: PushResult[] = [];
  const blockedHosts: BlockedHost[] = [];
  const limit = pLimit(Math.max(1, opts.concurrency ?? 8));
  let stopped = false;

  emit({
    type: 'job-start',
    jid,
    hosts: waves.flatMap((w) => w.hosts.map((h) => h.id)),
    waves: waves.map((w) => ({ roles: w.roles, hosts: w.hosts.map((h) => h.id) })),
    test,
  });
  for (const h of waves.flatMap((w) => w.hosts)) emit({ type: 'host-queued', host: h.id });

  const skip = (host: RosterHost, reason: string) => {
    blockedHosts.push({ host: host.id, reason });
    store?.recordHostRun(jid, { host: host.id, status: 'blocked', position: position.get(host.id) ?? 0, reason });
    emit({ type: 'host-blocked', host: host.id, reason });
  };

  const interrupted = (): boolean => Boolean(opts.stop?.aborted || opts.abort?.aborted);
  const runOne = async (host: RosterHost, wave: number): Promise<void> => {
    if (interrupted()) return skip(host, `${host.id}: not run because the job was interrupted`);
    if (stopped) return skip(host, `${host.id}: not run because an earlier host failed (--failhard)`);
    const rejected = opts.rejected?.get(host.id);
    let result: PushResult;
    if (rejected) result = { host: host.id, status: 'error', results: [], errors: [...rejected], durationMs: 0 };
    else {
      emit({ type: 'host-start', host: host.id });
      store?.startHostRun(jid, host.id, new Date(), position.get(host.id) ?? 0);
      const t0 = now();
      try {
        result = await opts.run(host, {
          jid,
          test,
          wave,
          ...(opts.sls ? { sls: opts.sls } : {}),
          ...(opts.failhard ? { failhard: true } : {}),
          ...(opts.stop ? { stop: opts.stop } : {}),
          ...(opts.abort ? { abort: opts.abort } : {}),
        });
      } catch (err) {
        result = thrown(host.id, err, now() - t0);
      }
    }
    results.push(result);
    for (const r of host.roles) (outcomes[r] ??= {})[host.id] = roleOutcome(result.status);
    store?.recordHostRun(jid, {
      host: host.id,
      status: result.status,
      results: result.results,
      errors: result.errors,
      durationMs: result.durationMs,
      position: position.get(host.id) ?? 0,
      ...(result.warnings?.length ? { warnings: result.warnings } : {}),
      ...(result.unresolved ? { unresolved: true } : {}),
    });
    if (store && (result.addresses || result.grains))
      store.updateInventory(host.id, result.addresses ?? [], result.grains ?? {});
    if (
      opts.failhard &&
      (result.status === 'failed' ||
        result.status === 'error' ||
        result.status === 'unreachable' ||
        result.status === 'timeout')
    )
      stopped = true;
    emit({ type: 'host-done', host: host.id, result });
  };

  // one wall time for the record, the event and the printed summary, so a reprint matches
  let status: JobStatus;
  let durationMs: number;
  try {
    for (const [index, wave] of waves.entries()) {
      emit({ type: 'wave-start', index, roles: wave.roles, hosts: wave.hosts.map((h) => h.id) });
      for (const batch of wave.batches) {
        if (interrupted()) {
          for (const h of batch) skip(h, `${h.id}: not run because the job was interrupted`);
          continue;
        }
        const pending = new Set(batch.flatMap((h) => h.roles));
        const stop = blocked(outcomes, opts.roles, pending);
        const { run, skip: skipped } = partitionBlocked(batch, stop);
        for (const h of skipped) {
          const reasons = stop.filter((b) => h.roles.includes(b.role)).map((b) => b.reason);
          skip(h, `${h.id}: ${reasons.join('; ')}`);
        }
        await Promise.all(run.map((h) => limit(() => runOne(h, index))));
      }
    }
  } finally {
    const finished = jobStatus(results, blockedHosts.length, interrupted());
    status = finished;
    durationMs = now() - started;
    store?.finishJob(jid, finished, new Date(), durationMs);
    emit({ type: 'job-done', jid, status: finished, durationMs });
  }
  return { jid, waves, results, blocked: blockedHosts, status, durationMs };
}
