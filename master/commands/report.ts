// Printing the outcome of a compile: redacted data on stdout, errors on stderr (or as JSON on stdout).
import type { ErrorData } from '../../agent/errors.ts';
import { exitCodeFor } from '../exit-codes.ts';
import { errorsDocument, formatErrors, formatWarnings } from '../output/errors.ts';
import { type OutputFormat, serialize } from '../output/format.ts';
import { redact } from '../pillar/redact.ts';
import type { Workspace } from '../config/workspace.ts';
import type { CommandContext } from '../output/cli-io.ts';

/** Roster warnings (ignored Salt fields) go to stderr. */
export function printWarnings(ctx: CommandContext, ws: Workspace): void {
  if (ws.roster.warnings.length) ctx.io.stderr(formatWarnings(ws.roster.warnings));
}

/**
 * Prints `errors` if there are any (and sets the exit code), or else `data` through `render`;
 * either is redacted with `secrets` first. Returns true when there were errors.
 */
export function printOutcome<T>(
  ctx: CommandContext,
  format: OutputFormat,
  errors: readonly ErrorData[],
  secrets: readonly unknown[],
  data: T,
  render: (data: T, format: OutputFormat) => string,
): boolean {
  if (errors.length) {
    const shown = redact([...errors], secrets);
    if (format === 'json') ctx.io.stdout(serialize(errorsDocument(shown), 'json'));
    else ctx.io.stderr(formatErrors(shown));
    ctx.exitCode = exitCodeFor(errors);
    return true;
  }
  ctx.io.stdout(render(redact(data, secrets), format));
  return false;
}
