// The daemon's event bus: the job runner publishes each job's events here, and the API's
// server-sent events and metrics read them. Everything published is already redacted.
import type { PushStatus } from '../push/host.ts';
import type { JobKind, JobStatus } from '../jobs/store.ts';

export type ApiEvent =
  | { type: 'job-start'; jid: string; kind: JobKind; test: boolean; hosts: string[]; origin: string; who: string }
  | { type: 'host-start'; jid: string; host: string }
  | {
      type: 'state';
      jid: string;
      host: string;
      tag: string;
      result: boolean | null;
      changes: Record<string, unknown>;
      comment: string;
      duration_ms: number;
    }
  | {
      type: 'host-done';
      jid: string;
      host: string;
      status: PushStatus | 'timeout';
      durationMs: number;
      states: number;
      failed: number;
      changed: number;
      errors: string[];
    }
  | { type: 'host-blocked'; jid: string; host: string; reason: string }
  | { type: 'job-done'; jid: string; kind: JobKind; status: JobStatus; durationMs: number };

export type Listener = (e: ApiEvent) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();
  private readonly started = new Set<string>();

  /** Whether a job whose start was published has not ended yet: its events come on this bus. */
  running(jid: string): boolean {
    return this.started.has(jid);
  }

  publish(e: ApiEvent): void {
    if (e.type === 'job-start') this.started.add(e.jid);
    else if (e.type === 'job-done') this.started.delete(e.jid);
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // a listener's fault (a closed stream) never stops a job
      }
    }
  }

  /** Calls `l` with every event from now on; returns the function that stops it. */
  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  }

  get size(): number {
    return this.listeners.size;
  }
}
