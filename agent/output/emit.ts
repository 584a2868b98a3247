// The event stream on stdout: one JSON object per line (NDJSON); stderr carries the human log.
import { changedState, type AgentEvent, type RunSummary, type StateResult } from '../protocol.ts';
import type { ErrorData } from '../errors.ts';
import type { ReportedFacts } from '../facts/reported.ts';

/** One event as a line. */
export function formatEvent(e: AgentEvent): string {
  return `${JSON.stringify(e)}\n`;
}

const TYPES = new Set(['start', 'result', 'done', 'error']);

/** Parses one line of the stream; undefined for a line that is not an event. */
export function parseEvent(line: string): AgentEvent | undefined {
  const s = line.trim();
  if (!s.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(s) as { type?: unknown };
    return typeof v.type === 'string' && TYPES.has(v.type) ? (v as AgentEvent) : undefined;
  } catch {
    return undefined;
  }
}

/** Counts of a finished run; in a test run `changed` counts the states that would change. */
export function summarize(results: readonly StateResult[], test: boolean, stopped: boolean): RunSummary {
  let succeeded = 0,
    failed = 0,
    changed = 0,
    duration = 0;
  for (const r of results) {
    if (r.result === false) failed++;
    else succeeded++;
    if (changedState(r, test)) changed++;
    duration += r.duration_ms || 0;
  }
  return {
    succeeded,
    failed,
    changed,
    total: results.length,
    duration_ms: Math.round(duration * 1000) / 1000,
    test,
    stopped,
  };
}

export interface Emitter {
  start(chunks: number, test: boolean, facts?: ReportedFacts): void;
  result(r: StateResult): void;
  done(summary: RunSummary): void;
  error(error: ErrorData): void;
}

/** Writes the events of one run (job `jid` on `host`) with `write` (default: stdout). */
export function makeEmitter(
  jid: string,
  host: string,
  write: (line: string) => void = (l) => void process.stdout.write(l),
): Emitter {
  return {
    start: (chunks, test, facts) => write(formatEvent({ type: 'start', jid, host, chunks, test, ...(facts ?? {}) })),
    result: (r) => write(formatEvent({ type: 'result', ...r })),
    done: (summary) => write(formatEvent({ type: 'done', jid, host, summary })),
    error: (error) => write(formatEvent({ type: 'error', jid, host, error })),
  };
}
