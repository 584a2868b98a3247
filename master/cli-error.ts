// An error that ends a command with a given exit code and a message (or coded errors) for the user.
import type { ErrorData } from '../agent/errors.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** Coded errors to print, one per line, instead of the message. */
    readonly errors: readonly ErrorData[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT.USAGE);
}
