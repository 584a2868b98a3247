// Errors of the test fleet. Every failure names the step, the host (when there is one), the
// command that failed and what it printed, so a broken fleet explains itself.

export interface FleetErrorDetails {
  /** What the fleet was doing: "network", "boot", "build base", "down"… */
  step: string;
  host?: string;
  command?: readonly string[];
  exitCode?: number | null;
  signal?: string | null;
  stdout?: string;
  stderr?: string;
  /** Extra context printed after the message, e.g. the tail of a host's console log. */
  detail?: string;
}

export class FleetError extends Error {
  readonly step: string;
  readonly host?: string;
  readonly command?: readonly string[];
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly detail?: string;

  constructor(message: string, details: FleetErrorDetails) {
    super(formatFleetError(message, details));
    this.name = 'FleetError';
    this.step = details.step;
    this.host = details.host;
    this.command = details.command;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stdout = details.stdout;
    this.stderr = details.stderr;
    this.detail = details.detail;
  }
}

/** Shell-like rendering of an argv for messages only (never executed). */
export function showCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function tail(text: string, lines = 30): string {
  const all = text.trimEnd().split('\n');
  const kept = all.slice(-lines);
  return (all.length > lines ? [`… (${all.length - lines} earlier lines)`, ...kept] : kept).join('\n    ');
}

export function formatFleetError(message: string, d: FleetErrorDetails): string {
  const where = d.host ? `fleet ${d.step} [${d.host}]` : `fleet ${d.step}`;
  const out = [`${where}: ${message}`];
  if (d.command) out.push(`  command: ${showCommand(d.command)}`);
  if (d.signal) out.push(`  killed by: ${d.signal}`);
  else if (d.exitCode !== undefined && d.exitCode !== null) out.push(`  exit code: ${d.exitCode}`);
  if (d.stderr?.trim()) out.push(`  stderr:\n    ${tail(d.stderr)}`);
  else if (d.stdout?.trim()) out.push(`  stdout:\n    ${tail(d.stdout)}`);
  if (d.detail?.trim()) out.push(`  ${d.detail.trimEnd().split('\n').join('\n  ')}`);
  return out.join('\n');
}
