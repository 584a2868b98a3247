// Completing a host's run from the record its agent kept: when the link to a host was lost, or the
// master stopped, while the agent was running a job, the agent finished (or stopped) the run on its
// own and kept its events (agent/runtime/last-job.ts). The next job on that host asks for them, and the
// job store's row for the earlier run is rewritten with what really happened there.
import type { ErrorData } from '../../agent/errors.ts';
import type { AgentEvent, RunSummary, StateResult } from '../../agent/protocol.ts';
import type { HostRunStatus, JobStore } from '../jobs/store.ts';
import { statusOf } from './host.ts';

export interface RecoveredRun {
  status: HostRunStatus;
  results: StateResult[];
  errors: ErrorData[];
  summary?: RunSummary;
}

/** The run an agent's kept events describe; `stopAsked` when the master had asked it to stop. */
export function recoveredRun(host: string, events: readonly AgentEvent[], stopAsked: boolean): RecoveredRun {
  const results: StateResult[] = [];
  const errors: ErrorData[] = [];
  let summary: RunSummary | undefined;
  for (const e of events) {
    if (e.type === 'result') {
      const { type: _t, ...r } = e;
      results.push(r);
    } else if (e.type === 'done') summary = e.summary;
    else if (e.type === 'error') errors.push({ ...e.error, host });
  }
  if (!summary && !errors.length) {
    errors.push({
      code: 'INTERNAL',
      host,
      message: `${host}: the agent's record ends after ${results.length} states without the end of the run (the agent was stopped or killed)`,
    });
  }
  return { status: statusOf(errors, summary, results, stopAsked), results, errors, ...(summary ? { summary } : {}) };
}

/** Rewrites `jid`'s run on `host` with the agent's record; false when the store has no such unresolved run. */
export function recordRecovered(
  store: JobStore,
  host: string,
  jid: string,
  events: readonly AgentEvent[],
  at: Date = new Date(),
): boolean {
  const before = store.hostRun(jid, host);
  if (!before?.unresolved) return false;
  const run = recoveredRun(host, events, before.status === 'interrupted');
  const durationMs = run.summary?.duration_ms ?? run.results.reduce((n, r) => n + (r.duration_ms || 0), 0);
  store.recordHostRun(jid, {
    host,
    status: run.status,
    results: run.results,
    errors: run.errors,
    durationMs,
    ...(before.finishedAt ? { finishedAt: new Date(before.finishedAt) } : {}),
    recoveredAt: at,
  });
  return true;
}
