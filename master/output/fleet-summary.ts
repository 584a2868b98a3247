// The end of a job's output: each host's highstate output (agent/output/highstate.ts), the errors
// of all hosts (each distinct error once, with its hosts), then one summary for the whole fleet —
// hosts by outcome, state totals, wall time.
import { type HighstateOutputOptions, formatHighstate } from '../../agent/output/highstate.ts';
import { formatError } from '../../agent/errors.ts';
import { changedState } from '../../agent/protocol.ts';
import { makeColors } from '../../agent/output/colors.ts';
import type { JobOutcome, PushResult } from '../push/orchestrate.ts';
import { formatGroup, groupErrors } from './errors.ts';
import { formatDuration } from './progress.ts';
import { safeHostResult } from './terminal-safe.ts';

export interface FleetCounts {
  hosts: number;
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  timeout: number;
  error: number;
  blocked: number;
  interrupted: number;
  states: { total: number; succeeded: number; changed: number; failed: number };
}

export function fleetCounts(job: Pick<JobOutcome, 'results' | 'blocked'>, test = false): FleetCounts {
  const c: FleetCounts = {
    hosts: job.results.length + job.blocked.length,
    ok: 0,
    changed: 0,
    failed: 0,
    unreachable: 0,
    timeout: 0,
    error: 0,
    blocked: job.blocked.length,
    interrupted: 0,
    states: { total: 0, succeeded: 0, changed: 0, failed: 0 },
  };
  for (const r of job.results) {
    c[r.status]++;
    for (const s of r.results) {
      c.states.total++;
      if (s.result === false) c.states.failed++;
      else c.states.succeeded++;
      if (changedState(s, test)) c.states.changed++;
    }
  }
  return c;
}

/** The errors of every host, each distinct error once with the hosts it concerns; '' when none. */
export function formatJobErrors(results: readonly PushResult[], opts: { color?: boolean } = {}): string {
  const c = makeColors(opts.color ?? false);
  const groups = groupErrors(results.map(safeHostResult).flatMap((r) => r.errors.map((e) => ({ ...e, host: r.host }))));
  if (!groups.length) return '';
  return [c.cyan('\nErrors'), c.cyan('-'.repeat(6)), ...groups.map((g) => c.red(formatGroup(g)))].join('\n') + '\n';
}

/** One host's block: its states (when it ran any), its errors and warnings, escaped for a terminal. */
export function formatHostOutput(result: PushResult, opts: HighstateOutputOptions = {}): string {
  const c = makeColors(opts.color ?? false);
  const r = safeHostResult(result);
  const parts: string[] = [];
  if (r.results.length || !r.errors.length) parts.push(formatHighstate(r.host, r.results, opts));
  else parts.push(c.red(`${r.host}:`));
  if (r.errors.length)
    parts.push(r.errors.map((e) => c.red(`    ${formatError({ ...e, host: undefined })}`)).join('\n'));
  if (r.warnings?.length)
    parts.push(r.warnings.map((w) => c.yellow(`    warning: ${formatError({ ...w, host: undefined })}`)).join('\n'));
  return parts.join('\n') + '\n';
}

export function formatFleetSummary(
  job: Pick<JobOutcome, 'jid' | 'results' | 'blocked' | 'durationMs'>,
  opts: { color?: boolean; test?: boolean } = {},
): string {
  const c = makeColors(opts.color ?? false);
  const n = fleetCounts(job, opts.test ?? false);
  const row = (label: string, value: number, paint: (s: string) => string = (s) => s) =>
    paint(`${label.padEnd(13)}${String(value).padStart(5)}`);
  const lines = [
    c.cyan(`\nFleet summary (job ${job.jid}${opts.test ? ', test' : ''})`),
    c.cyan('-'.repeat(18)),
    row('Hosts', n.hosts),
    row('  ok', n.ok, c.green),
    row('  changed', n.changed, n.changed ? c.cyan : undefined),
    row('  failed', n.failed + n.error, n.failed + n.error ? c.red : undefined),
    row('  unreachable', n.unreachable, n.unreachable ? c.lightRed : undefined),
    row('  timeout', n.timeout, n.timeout ? c.lightRed : undefined),
    row('  blocked', n.blocked, n.blocked ? c.lightRed : undefined),
    ...(n.interrupted ? [row('  interrupted', n.interrupted, c.lightRed)] : []),
    row('States', n.states.total),
    row('  succeeded', n.states.succeeded, c.green),
    row('  changed', n.states.changed, n.states.changed ? c.cyan : undefined),
    row('  failed', n.states.failed, n.states.failed ? c.red : undefined),
    c.cyan('-'.repeat(18)),
    `Wall time: ${formatDuration(job.durationMs)}`,
  ];
  for (const b of job.blocked) lines.push(c.lightRed(`blocked: ${b.reason}`));
  return lines.join('\n') + '\n';
}
