// What the OS backends may use of a state's context: the host's facts, commands and filesystem root.
import type { Grains, LowChunk } from '../protocol.ts';
import type { FactCache } from '../facts/cache.ts';
import type { RunOptions, RunResult } from '../process/run.ts';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** The part of a state's context a backend works with (states/types.ts StateContext extends it). */
export interface HostContext {
  grains: Grains;
  /** Per-run fact cache (stat, content, passwd…); states invalidate what they change. */
  facts: FactCache;
  /** Runs an argv; never throws for a failing command. */
  run(argv: string[], opts?: RunOptions): Promise<RunResult>;
  /** Filesystem root: '/' on a host. State paths ('/etc/x') live under it. */
  root: string;
  /** Masks secret values; modules apply it to diffs and comments built from file contents. */
  redact(text: string): string;
  log: Logger;
  /** The whole low state (read-only), for backends that look around. */
  chunks?: readonly LowChunk[];
}
