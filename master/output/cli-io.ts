// What every command gets: where to write, the environment, and where to put its exit code.
import type { Readable, Writable } from 'node:stream';
import type { ExitCode } from '../exit-codes.ts';

/** Byte streams of a terminal (or pipes), for commands that pass a remote session through. */
export interface Terminal {
  stdin: Readable & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  stdout: Writable & {
    columns?: number;
    rows?: number;
    on(event: 'resize', fn: () => void): unknown;
    off?(event: 'resize', fn: () => void): unknown;
  };
  /** A remote command's standard error when it has no pty (default: stdout). */
  stderr?: Writable;
}

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The streams `halite ssh` passes through (default: the process's own). */
  terminal?: Terminal;
  /** Which of the two streams is a terminal (neither when left out: output captured or piped). */
  tty?: { stdout?: boolean; stderr?: boolean };
  /** An operator is at a terminal (stdin and stderr): questions may be asked. */
  interactive?: boolean;
  /** Asks a question on the terminal and resolves to the line typed (undefined at end of input). */
  prompt?(question: string): Promise<string | undefined>;
  /** Like prompt, for a secret: what is typed is not echoed (undefined at end of input or Ctrl-C). */
  promptSecret?(question: string): Promise<string | undefined>;
}

export interface CommandContext {
  io: CliIo;
  /**
   * Set by a command that finished with a non-zero status without throwing: one of halite's codes,
   * or a remote command's own status (`halite ssh HOST -- CMD`, 0 to 255).
   */
  exitCode: ExitCode | number;
}
