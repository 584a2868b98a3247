// Coded errors as printed to people (one line each) and to programs (JSON).
import { type ErrorData, errorData, formatError } from '../../agent/errors.ts';

/** One formatted line per error, each ending with a newline. */
export function formatErrors(errors: readonly ErrorData[]): string {
  return errors.map((e) => formatError(e) + '\n').join('');
}

/** Warnings, one per line, prefixed `warning: `. */
export function formatWarnings(warnings: readonly ErrorData[]): string {
  return warnings.map((w) => `warning: ${formatError(w)}\n`).join('');
}

/** `{errors: [...]}` for --out json. */
export function errorsDocument(errors: readonly ErrorData[]): { errors: ErrorData[] } {
  return { errors: errors.map(errorData) };
}
