// The record of the agent's last run on this host: the events it sent for the job, as sent
// (secrets already redacted), in a root-only file. When the link to the master is lost, or the
// master stops, during a run, the agent finishes the run and the master's next contact fetches
// this record (the envelope's `recover`), so that the job store can say what really happened.
// One job is kept; the file is bounded (results beyond the limit are left out, the end is kept).
import { closeSync, constants, fchmodSync, openSync, readFileSync, writeSync } from 'node:fs';

export const DEFAULT_LAST_JOB = '/var/lib/halite/last-job.ndjson';
/** Bytes of events kept; the run's last line (done or error) is always kept. */
export const LAST_JOB_MAX_BYTES = 8 * 1024 * 1024;
const END_SLACK = 64 * 1024;

export interface LastJob {
  jid: string;
  /** The event lines as sent (without their newline). */
  events: string[];
}

/** The kept record, or undefined when there is none (or it is unreadable). */
export function readLastJob(file: string): LastJob | undefined {
  let text: string;
  try {
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  let head: unknown;
  try {
    head = JSON.parse(lines[0] ?? '');
  } catch {
    return undefined;
  }
  const jid = (head as { jid?: unknown } | null)?.jid;
  if (typeof jid !== 'string') return undefined;
  // a line cut by a crash is not an event
  const events = lines.slice(1).filter((l) => l.trim() && l.endsWith('}'));
  return { jid, events };
}

/** Writes the record of a run as its events are sent. */
export class LastJobWriter {
  private fd: number | undefined;
  private bytes = 0;

  constructor(
    file: string,
    jid: string,
    private readonly maxBytes = LAST_JOB_MAX_BYTES,
  ) {
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    fchmodSync(fd, 0o600);
    this.fd = fd;
    this.put(`${JSON.stringify({ jid })}\n`);
  }

  private put(text: string): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, text);
      this.bytes += Buffer.byteLength(text);
    } catch {
      // a full disk must not stop the run: the record is a convenience
      this.close();
    }
  }

  /** One event line as sent (with its newline). */
  line(text: string): void {
    const size = Buffer.byteLength(text);
    const end = /^\{"type":"(done|error)"/.test(text);
    if (this.bytes + size > this.maxBytes + (end ? END_SLACK : 0)) return;
    this.put(text);
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }
}
