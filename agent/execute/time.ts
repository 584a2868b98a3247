// Clock functions: Salt's start_time (local time of day with microseconds) and durations in ms.
import { performance } from 'node:perf_hooks';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Milliseconds since the epoch, with sub-millisecond precision. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** `HH:MM:SS.ffffff` in local time, as Salt's start_time. */
export function startTime(epochMs: number): string {
  const d = new Date(Math.floor(epochMs));
  const micros = Math.floor((epochMs - Math.floor(epochMs / 1000) * 1000) * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(Math.min(micros, 999999), 6)}`;
}

/** A duration in milliseconds rounded to microseconds. */
export function durationMs(fromMs: number, toMs: number): number {
  return Math.round((toMs - fromMs) * 1000) / 1000;
}
