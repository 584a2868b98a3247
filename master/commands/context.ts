// What every command gets: where to write, the environment, and where to put its exit code.
import type { ExitCode } from '../exit-codes.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface CommandContext {
  io: CliIo;
  /** Set by a command that finished with a non-zero status without throwing. */
  exitCode: ExitCode;
}
