// How much a host may send and how long it may take: the limits of one exchange (halite.yaml's
// host_timeout, host_idle_timeout, host_max_line, host_max_output; `--timeout` per command), and
// the line splitter that holds at most one line of a host's output in memory.

export interface HostLimits {
  /** Seconds a host's run may take in all (0: no limit). */
  timeout: number;
  /** Seconds a host may send nothing at all (0: no limit); the agent says it is alive every 15 s. */
  idleTimeout: number;
  /** Bytes of one line of the exchange. */
  maxLine: number;
  /** Bytes of output (stdout and stderr) of one host's run. */
  maxOutput: number;
}

export const MiB = 1 << 20;

/** An hour for a run; five minutes of silence (twenty missed heartbeats); 4 MiB a line; 64 MiB a run. */
export const DEFAULT_HOST_LIMITS: HostLimits = {
  timeout: 3600,
  idleTimeout: 300,
  maxLine: 4 * MiB,
  maxOutput: 64 * MiB,
};

const UNITS: Record<string, number> = { '': 1, B: 1, KiB: 1 << 10, MiB, GiB: 1 << 30 };

/** A size as halite.yaml gives it: a whole number of bytes, or `512KiB`, `4MiB`, `1GiB`; undefined when not one. */
export function parseSize(v: unknown): number | undefined {
  if (Number.isSafeInteger(v) && (v as number) > 0) return v as number;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)\s*(B|KiB|MiB|GiB)?$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * UNITS[m[2] ?? ''];
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** A size for messages: `4 MiB`, `512 KiB`, or bytes. */
export function formatSize(n: number): string {
  for (const unit of ['GiB', 'MiB', 'KiB'] as const)
    if (n >= UNITS[unit] && n % UNITS[unit] === 0) return `${n / UNITS[unit]} ${unit}`;
  return `${n} bytes`;
}

/**
 * Splits a byte stream into lines without ever holding more than `maxLine` bytes of an unfinished
 * line. A line is decoded only when it is complete, so a character split between chunks is whole.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly maxLine: number,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Feeds a chunk; false (and nothing more is read) when a line is longer than the limit. */
  push(chunk: Buffer): boolean {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      if (this.pendingBytes + nl - start > this.maxLine) return false;
      const piece = chunk.subarray(start, nl);
      const line = this.pendingBytes ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.pendingBytes = 0;
      start = nl + 1;
      this.onLine(line.toString('utf8'));
    }
    const rest = chunk.length - start;
    if (!rest) return true;
    if (this.pendingBytes + rest > this.maxLine) return false;
    this.pending.push(Buffer.from(chunk.subarray(start)));
    this.pendingBytes += rest;
    return true;
  }

  /** The last line when it had no newline. */
  flush(): void {
    if (!this.pendingBytes) return;
    const line = Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    this.onLine(line);
  }
}

/** The last `max` bytes of a stream, kept in a bounded buffer (for error messages). */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(Buffer.from(chunk));
    this.bytes += chunk.length;
    while (this.bytes - this.chunks[0].length >= this.max) this.bytes -= this.chunks.shift()!.length;
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.max)).toString('utf8');
  }
}

/**
 * Holds a command's output (stdout and stderr together) to `maxOutput` bytes and each of its lines
 * to `maxLine` bytes: `take` returns the part of a chunk within both, and once a limit is passed
 * says which in `exceeded` and lets nothing more through.
 */
export class OutputCap {
  private total = 0;
  private readonly lineBytes = { stdout: 0, stderr: 0 };
  /** What the output went over, for the host's error; undefined while within the limits. */
  exceeded?: string;

  constructor(private readonly limits: Pick<HostLimits, 'maxLine' | 'maxOutput'>) {}

  take(stream: 'stdout' | 'stderr', chunk: Buffer): Buffer {
    if (this.exceeded) return chunk.subarray(0, 0);
    let keep = chunk.length;
    let line = this.lineBytes[stream];
    for (let start = 0; ;) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (line + end - start > this.limits.maxLine) {
        keep = start + this.limits.maxLine - line;
        this.exceeded = `sent a line longer than ${formatSize(this.limits.maxLine)} (host_max_line)`;
        break;
      }
      if (nl < 0) {
        line += end - start;
        break;
      }
      line = 0;
      start = nl + 1;
    }
    this.lineBytes[stream] = line;
    if (this.total + keep > this.limits.maxOutput) {
      keep = this.limits.maxOutput - this.total;
      this.exceeded = `sent more than ${formatSize(this.limits.maxOutput)} of output (host_max_output)`;
    }
    this.total += keep;
    return keep === chunk.length ? chunk : chunk.subarray(0, keep);
  }
}
