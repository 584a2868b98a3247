// A recorded job read back as the outcome the job printed from: each host's results and errors in
// the job's host order, the hosts that were not run with the reason, the wall time.
import type { BlockedHost, JobOutcome, PushResult } from '../push/orchestrate.ts';
import type { JobRecord, JobStore } from '../jobs/store.ts';

export interface StoredJob {
  job: JobRecord;
  outcome: JobOutcome;
  /** Host ids in the job's order. */
  order: string[];
}

/** The job `jid` as recorded (only `host` when given); undefined when there is no such job. */
export function storedJob(store: JobStore, jid: string, host?: string): StoredJob | undefined {
  const job = store.job(jid);
  if (!job) return undefined;
  // a host of a job still running has no outcome yet: only the hosts that finished are shown
  const runs = store.hostRuns(jid).filter((r) => (host === undefined || r.host === host) && r.status !== 'running');
  const results: PushResult[] = [];
  const blocked: BlockedHost[] = [];
  for (const r of runs) {
    if (r.status === 'running') continue;
    if (r.status === 'blocked') blocked.push({ host: r.host, reason: r.reason || `${r.host}: not run` });
    else
      results.push({
        host: r.host,
        status: r.status,
        results: store.stateResults(jid, r.host),
        errors: r.errors,
        durationMs: r.durationMs,
        ...(r.warnings.length ? { warnings: r.warnings } : {}),
      });
  }
  const durationMs = job.durationMs ?? (job.finishedAt ? Date.parse(job.finishedAt) - Date.parse(job.startedAt) : 0);
  return {
    job,
    outcome: { jid, waves: [], results, blocked, status: job.status, durationMs },
    order: runs.map((r) => r.host),
  };
}
