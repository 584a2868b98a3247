// A host's runs over time as an inline SVG's geometry, computed here so the page needs no script:
// the duration of each run as a line with points, the number of states it changed as bars, both
// against the run's start time (the time axis from the oldest to the newest run shown).
import { formatDuration } from './views.ts';

export interface PlotRun {
  jid: string;
  status: string;
  at: string;
  durationMs: number;
  changed: number;
}

export interface HostPlot {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  maxDuration: number;
  maxChanged: number;
  from: string;
  to: string;
  line: string;
  points: { x: number; y: number; status: string; title: string }[];
  bars: { x: number; y: number; w: number; h: number; status: string; title: string }[];
}

const W = 720,
  H = 220,
  L = 64,
  R = W - 72,
  T = 12,
  B = H - 28;
const round = (n: number): number => Math.round(n * 10) / 10;

/** The plot of `runs` (any order), or undefined when there is none. */
export function hostPlot(runs: readonly PlotRun[]): HostPlot | undefined {
  const rs = runs.filter((r) => Number.isFinite(Date.parse(r.at))).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (!rs.length) return undefined;
  const t0 = Date.parse(rs[0]!.at),
    t1 = Date.parse(rs.at(-1)!.at);
  const maxDuration = Math.max(1, ...rs.map((r) => r.durationMs));
  const maxChanged = Math.max(1, ...rs.map((r) => r.changed));
  const x = (at: string): number => (t1 === t0 ? (L + R) / 2 : L + ((Date.parse(at) - t0) / (t1 - t0)) * (R - L));
  const yDur = (ms: number): number => B - (ms / maxDuration) * (B - T);
  const barW = Math.max(2, Math.min(16, (R - L) / rs.length / 2));
  const points = rs.map((r) => ({
    x: round(x(r.at)),
    y: round(yDur(r.durationMs)),
    status: r.status,
    title: `${r.at}: ${r.status}, ${formatDuration(r.durationMs)}, ${r.changed} changed (job ${r.jid})`,
  }));
  return {
    width: W,
    height: H,
    left: L,
    right: R,
    top: T,
    bottom: B,
    maxDuration,
    maxChanged,
    from: rs[0]!.at.slice(0, 16).replace('T', ' '),
    to: rs.at(-1)!.at.slice(0, 16).replace('T', ' '),
    line: points.map((p) => `${p.x},${p.y}`).join(' '),
    points,
    bars: rs.map((r, i) => {
      const h = round((r.changed / maxChanged) * (B - T));
      return {
        x: round(points[i]!.x - barW / 2),
        y: round(B - h),
        w: round(barW),
        h,
        status: r.status,
        title: points[i]!.title,
      };
    }),
  };
}
