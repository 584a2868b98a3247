// Live progress of a job. On a terminal: one line per host (queued, running, ok, changed, failed,
// unreachable, blocked), redrawn in place as hosts finish. Elsewhere (a pipe, a log file): one plain
// line per event, nothing redrawn.
import { type Colors, makeColors } from '../../agent/output/colors.ts';
import type { JobEvent, PushResult } from '../push/orchestrate.ts';
import { safeLine } from './terminal-safe.ts';

export type HostPhase =
  'queued' | 'running' | 'ok' | 'changed' | 'failed' | 'unreachable' | 'timeout' | 'error' | 'blocked' | 'interrupted';

export interface HostLine {
  host: string;
  phase: HostPhase;
  /** `3 changed, 12 states, 1.2 s`, the first error, or why the host was blocked. */
  detail: string;
}

export interface ProgressOptions {
  /** Redraw in place (a terminal) or print one line per event. */
  tty: boolean;
  color?: boolean;
  write(text: string): void;
}

export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** What a finished host's line says after its phase (the host's own words escaped for a terminal). */
export function resultDetail(r: PushResult): string {
  if (r.status === 'unreachable' || r.status === 'error' || r.status === 'timeout') {
    const first = r.errors[0]?.message ?? '';
    return `${safeLine(first.split('\n')[0])}${r.errors.length > 1 ? ` (+${r.errors.length - 1} more)` : ''}`;
  }
  const failed = r.results.filter((s) => s.result === false).length;
  const changed = r.results.filter((s) => Object.keys(s.changes ?? {}).length > 0).length;
  const parts = [];
  if (failed) parts.push(`${failed} failed`);
  if (changed) parts.push(`${changed} changed`);
  parts.push(`${r.results.length} state${r.results.length === 1 ? '' : 's'}`);
  return `${parts.join(', ')}, ${formatDuration(r.durationMs)}`;
}

function paint(phase: HostPhase, c: Colors): (s: string) => string {
  switch (phase) {
    case 'ok':
      return c.green;
    case 'changed':
      return c.cyan;
    case 'failed':
    case 'error':
      return c.red;
    case 'unreachable':
    case 'timeout':
    case 'blocked':
    case 'interrupted':
      return c.lightRed;
    case 'running':
      return c.yellow;
    default:
      return (s) => s;
  }
}

/** The table a terminal shows: host ids padded to one width, phase, detail. */
export function renderLines(lines: readonly HostLine[], c: Colors = makeColors(false)): string[] {
  const width = Math.max(0, ...lines.map((l) => l.host.length));
  return lines.map((l) => {
    const text = `${l.host.padEnd(width)}  ${l.phase.padEnd(11)}${l.detail ? `  ${l.detail}` : ''}`.trimEnd();
    return paint(l.phase, c)(text);
  });
}

/** One plain line for an event, or null for events that plain output does not show. */
export function plainLine(e: JobEvent): string | null {
  switch (e.type) {
    case 'job-start':
      return `job ${e.jid}${e.test ? ' (test)' : ''}: ${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'} in ${e.waves.length} wave${e.waves.length === 1 ? '' : 's'}`;
    case 'wave-start':
      return `wave ${e.index + 1}${e.roles.length ? ` (${e.roles.join(', ')})` : ''}: ${e.hosts.join(', ')}`;
    case 'host-start':
      return `${e.host}: running`;
    case 'host-done':
      return `${e.host}: ${e.result.status} (${resultDetail(e.result)})`;
    case 'host-blocked':
      return `${e.host}: blocked (${e.reason})`;
    case 'job-done':
      return `job ${e.jid}: ${e.status} in ${formatDuration(e.durationMs)}`;
    default:
      return null;
  }
}

/** Follows a job's events and shows them; `finish()` leaves the final table on screen. */
export class Progress {
  private readonly lines: HostLine[] = [];
  private drawn = 0;
  private readonly colors: Colors;

  constructor(private readonly opts: ProgressOptions) {
    this.colors = makeColors(opts.color ?? false);
  }

  /** The current state of every host, in the order they were queued. */
  get hosts(): readonly HostLine[] {
    return this.lines;
  }

  private set(host: string, phase: HostPhase, detail = ''): void {
    const line = this.lines.find((l) => l.host === host);
    if (line) Object.assign(line, { phase, detail });
    else this.lines.push({ host, phase, detail });
  }

  handle(e: JobEvent): void {
    switch (e.type) {
      case 'host-queued':
        this.set(e.host, 'queued');
        break;
      case 'host-start':
        this.set(e.host, 'running');
        break;
      case 'host-done':
        this.set(e.host, e.result.status, resultDetail(e.result));
        break;
      case 'host-blocked':
        this.set(
          e.host,
          'blocked',
          e.reason.replace(new RegExp(`^${e.host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `), ''),
        );
        break;
      default:
        break;
    }
    if (!this.opts.tty) {
      const line = plainLine(e);
      if (line !== null) this.opts.write(line + '\n');
    } else if (e.type !== 'job-start' && e.type !== 'wave-start' && e.type !== 'job-done') {
      this.redraw();
    }
  }

  /** Moves the cursor back over the previous table and draws the current one. */
  private redraw(): void {
    const up = this.drawn ? `\x1b[${this.drawn}A` : '';
    const body = renderLines(this.lines, this.colors)
      .map((l) => `\r\x1b[2K${l}\n`)
      .join('');
    this.opts.write(up + body);
    this.drawn = this.lines.length;
  }

  finish(): void {
    this.drawn = 0;
  }
}
