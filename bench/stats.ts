// Medians of repeated samples.
import type { Sample } from './measure.ts';

export interface Summary {
  runs: number;
  wallSec: number;
  masterCpuSec: number;
  fleetCpuSec: number;
  masterPeakMb?: number;
  /** The fastest and slowest run's wall time: the run-to-run spread. */
  wallMinSec: number;
  wallMaxSec: number;
  /** The lowest and highest 1-minute load average at the start of a run. */
  loadMin: number;
  loadMax: number;
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarize(samples: readonly Sample[]): Summary {
  const peaks = samples.flatMap((s) => (s.masterPeakMb === undefined ? [] : [s.masterPeakMb]));
  return {
    runs: samples.length,
    wallSec: median(samples.map((s) => s.wallSec)),
    masterCpuSec: median(samples.map((s) => s.masterCpuSec)),
    fleetCpuSec: median(samples.map((s) => s.fleetCpuSec)),
    ...(peaks.length ? { masterPeakMb: Math.max(...peaks) } : {}),
    wallMinSec: Math.min(...samples.map((s) => s.wallSec)),
    wallMaxSec: Math.max(...samples.map((s) => s.wallSec)),
    loadMin: Math.min(...samples.map((s) => s.load1)),
    loadMax: Math.max(...samples.map((s) => s.load1)),
  };
}
