// The `retry` keyword (Salt's verify_retry_data): attempts, interval, until, splay.

export interface RetrySpec {
  attempts: number;
  /** Seconds between attempts. */
  interval: number;
  /** The result that stops retrying. */
  until: boolean;
  /** Up to this many seconds added at random to each interval. */
  splay: number;
}

export const RETRY_DEFAULTS: RetrySpec = { attempts: 2, interval: 30, until: true, splay: 0 };

/** `retry: True`, `retry: False` or `retry: {attempts: 3, …}`; undefined when absent. Bad fields take the defaults. */
export function parseRetry(v: unknown): RetrySpec | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === true) return { ...RETRY_DEFAULTS };
  if (v === false) return { ...RETRY_DEFAULTS, attempts: 0 };
  if (typeof v !== 'object' || Array.isArray(v)) return { ...RETRY_DEFAULTS };
  const d = v as Record<string, unknown>;
  const int = (k: 'attempts' | 'interval' | 'splay'): number =>
    Number.isInteger(d[k]) ? (d[k] as number) : RETRY_DEFAULTS[k];
  return {
    attempts: int('attempts'),
    interval: int('interval'),
    splay: int('splay'),
    until: typeof d.until === 'boolean' ? d.until : RETRY_DEFAULTS.until,
  };
}

const py = (r: boolean | null): string => (r === null ? 'None' : r ? 'True' : 'False');

/** The comment line Salt adds for a finished attempt. */
export function attemptComment(n: number, result: boolean | null, comment: string): string {
  return `Attempt ${n}: Returned a result of "${py(result)}", with the following comment: "${comment}"`;
}

/** What test mode appends to the comment of a state with retry. */
export function retryTestNote(r: RetrySpec): string {
  return `The state would be retried every ${r.interval} seconds (with a splay of up to ${r.splay} seconds) a maximum of ${r.attempts} times or until a result of ${py(r.until)} is returned`;
}

/** Seconds to wait before the next attempt. */
export function retryDelay(r: RetrySpec, random: () => number = Math.random): number {
  return r.interval + (r.splay > 0 ? Math.floor(random() * (r.splay + 1)) : 0);
}
