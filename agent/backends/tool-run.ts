// Running a language package manager (pip, npm, gem, pecl) for a state: as another user through
// `runuser`, in a directory, with extra environment variables, and telling "the tool is not
// installed" apart from "the tool failed".
import type { RunResult } from '../process/run.ts';
import type { HostContext } from './context.ts';

export interface ToolRun {
  /** Run as this user (runuser -u USER --). */
  user?: string;
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

/** Installs may compile or download: allowed much longer than a query. */
export const INSTALL_TIMEOUT_MS = 1_800_000;

export function runTool(ctx: HostContext, argv: readonly string[], o: ToolRun = {}): Promise<RunResult> {
  const full = o.user ? ['runuser', '-u', o.user, '--', ...argv] : [...argv];
  return ctx.run(full, {
    cwd: o.cwd ?? '/',
    env: { LC_ALL: 'C', ...(o.env ?? {}) },
    input: o.input,
    timeoutMs: o.timeoutMs ?? 300_000,
  });
}

/** The program could not be started: not installed (or not on PATH). */
export function notFound(r: RunResult): boolean {
  return r.code === 127 && !r.stdout;
}

/** What a failed command said, on one line per line of output. */
export function failureOf(r: RunResult): string {
  return (r.stderr || r.stdout || r.error || `exit code ${r.code}`).trim();
}

/** A state's env/env_vars as environment strings: a mapping, or a list of one-key mappings (cmd.run's form). */
export function envStrings(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (o: Record<string, unknown>): void => {
    for (const [k, val] of Object.entries(o)) if (val !== undefined && val !== null) out[k] = String(val);
  };
  if (Array.isArray(v))
    for (const item of v) if (item && typeof item === 'object') add(item as Record<string, unknown>);
  if (v && typeof v === 'object' && !Array.isArray(v)) add(v as Record<string, unknown>);
  return out;
}
