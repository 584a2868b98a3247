// `halite hosts` LAST RUN column: each host's most recent highstate or SLS run from the job store.
import { existsSync } from 'node:fs';
import type { HaliteConfig } from '../config/halite-yaml.ts';
import { JobStore } from './store.ts';

export interface LastRun {
  /** ok, changed, failed, unreachable… */
  result: string;
  /** When the run finished (ISO 8601). */
  at: string;
  job?: string;
}

/** Looks up the last run of a host; undefined when it never ran. */
export type LastRunLookup = (id: string) => LastRun | undefined;

/** A lookup over the configured job store, or undefined when no job has been recorded yet. */
export function lastRunFromStore(config: HaliteConfig): LastRunLookup | undefined {
  if (!existsSync(config.jobsDb)) return undefined;
  const store = JobStore.open(config.jobsDb);
  const runs = new Map<string, ReturnType<JobStore['lastRun']>>();
  // read eagerly per host asked for, then let the process exit close the handle
  return (id) => {
    if (!runs.has(id)) runs.set(id, store.lastRun(id));
    const r = runs.get(id);
    return r && { result: r.status, at: (r.finishedAt ?? r.startedAt ?? '').replace(/\.\d+Z$/, 'Z'), job: r.jid };
  };
}
