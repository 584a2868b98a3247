// Salt's highstate outputter: one block (or line) per state, then a summary per host.
import type { StateResult } from '../protocol.ts';
import { type Colors, makeColors } from './colors.ts';
import { nested } from './nested.ts';

export type StateOutput = 'full' | 'terse' | 'mixed' | 'changes';

export interface HighstateOutputOptions {
  stateOutput?: StateOutput;
  color?: boolean;
  /** Show states that succeeded without changes (Salt's state_verbose, default true). */
  verbose?: boolean;
}

const hasChanges = (r: StateResult): boolean => Object.keys(r.changes ?? {}).length > 0;

function pyResult(r: StateResult['result']): string {
  return r === null ? 'None' : r ? 'True' : 'False';
}

/** Duration as Salt prints it: milliseconds with three decimals. */
export function formatMs(ms: number): string {
  return `${Number(ms.toFixed(3))} ms`;
}

function colorFor(r: StateResult, c: Colors): (s: string) => string {
  if (r.result === false) return c.red;
  if (r.result === null) return c.yellow;
  return hasChanges(r) ? c.cyan : c.green;
}

function terse(r: StateResult, color: (s: string) => string): string {
  const word = r.result === false ? 'Failed' : r.result === null ? 'Differs' : hasChanges(r) ? 'Changed' : 'Clean';
  const [state, , , fun] = r.tag.split('_|-');
  const warn = r.warnings?.length ? `Warnings:\n${r.warnings.join('\n')}\n` : '';
  return color(
    `${warn}  Name: ${r.name} - Function: ${state}.${fun} - Result: ${word} Started: - ${r.start_time} Duration: ${formatMs(r.duration_ms)}`,
  );
}

function full(r: StateResult, color: (s: string) => string, c: Colors): string[] {
  const [state, , , fun] = r.tag.split('_|-');
  const comment = String(r.comment ?? '')
    .trim()
    .replace(/\n/g, `\n${' '.repeat(14)}`);
  const lines = [color('----------'), color(`          ID: ${r.id}`), color(`    Function: ${state}.${fun}`)];
  if (r.id !== r.name) lines.push(color(`        Name: ${r.name}`));
  lines.push(
    color(`      Result: ${pyResult(r.result)}`),
    color(`     Comment: ${comment}`),
    color(`     Started: ${r.start_time}`),
    color(`    Duration: ${formatMs(r.duration_ms)}`),
  );
  const changes = hasChanges(r) ? `\n${nested(r.changes, 14, c).join('\n')}` : '';
  lines.push(`${color('     Changes:   ')}${changes}`);
  if (r.warnings?.length) lines.push(c.lightRed(`    Warnings: ${r.warnings.join(`\n${' '.repeat(14)}`)}`));
  return lines;
}

function pick(mode: StateOutput, r: StateResult): 'full' | 'terse' {
  if (mode === 'terse') return 'terse';
  if (mode === 'mixed') return r.result === false ? 'full' : 'terse';
  if (mode === 'changes') return r.result === true && !hasChanges(r) ? 'terse' : 'full';
  return 'full';
}

/** Summary counts for one host's results (Salt counts a test-mode `None` as succeeded, unchanged). */
export function summarize(results: StateResult[]): {
  succeeded: number;
  changed: number;
  unchanged: number;
  failed: number;
  warnings: number;
  total: number;
  durationMs: number;
} {
  let succeeded = 0,
    changed = 0,
    unchanged = 0,
    failed = 0,
    warnings = 0,
    durationMs = 0;
  for (const r of results) {
    if (r.result === false) failed++;
    else succeeded++;
    if (r.result === null) unchanged++;
    if (hasChanges(r)) changed++;
    if (r.warnings?.length) warnings++;
    durationMs += r.duration_ms || 0;
  }
  return { succeeded, changed, unchanged, failed, warnings, total: results.length, durationMs };
}

/** Formats one host's results; results are printed in run order. */
export function formatHighstate(host: string, results: StateResult[], opts: HighstateOutputOptions = {}): string {
  const c = makeColors(opts.color ?? false);
  const mode = opts.stateOutput ?? 'full';
  const sorted = [...results].sort((a, b) => a.run_num - b.run_num);
  const s = summarize(sorted);
  const out: string[] = [];
  for (const r of sorted) {
    if (opts.verbose === false && r.result === true && !hasChanges(r)) continue;
    const color = colorFor(r, c);
    if (pick(mode, r) === 'terse') out.push(terse(r, color));
    else out.push(...full(r, color, c));
  }
  const counts = [s.succeeded, s.failed, s.warnings, s.total].map((n) => String(n).length);
  const width = Math.max(...counts) + 'Succeeded'.length + 2;
  const count = (label: string, n: number): string => `${label}: ${String(n).padStart(width - label.length - 2)}`;
  const stats = [
    s.unchanged ? c.yellow(`unchanged=${s.unchanged}`) : '',
    s.changed ? c.green(`changed=${s.changed}`) : '',
  ].filter(Boolean);
  out.push(c.cyan(`\nSummary for ${host}\n${'-'.repeat(width)}`));
  out.push(c.green(count('Succeeded', s.succeeded)) + (stats.length ? ` (${stats.join(', ')})` : ''));
  out.push((s.failed ? c.red : c.cyan)(count('Failed', s.failed)));
  if (s.warnings) out.push(c.lightRed(count('Warnings', s.warnings)));
  out.push(c.cyan(`${'-'.repeat(width)}\nTotal states run: ${String(s.total).padStart(width - 7)}`));
  const secs = s.durationMs > 999;
  const dur = (secs ? s.durationMs / 1000 : s.durationMs).toFixed(3);
  out.push(c.cyan(`Total run time: ${dur.padStart(width - 5)} ${secs ? 's' : 'ms'}`));
  const hostColor = s.failed ? c.red : c.green;
  return [hostColor(`${host}:`), ...out].join('\n');
}
