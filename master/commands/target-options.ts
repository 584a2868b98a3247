// Targeting options shared by the commands that work on several hosts (highstate, sls, run, ssh,
// hosts): --level, --role, --host (each repeatable or comma-separated), --target (compound), and
// --batch. Values of one option are alternatives; different options must all hold.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { usageError } from '../cli-error.ts';
import { type BatchSpec, parseBatch } from '../target/plan.ts';
import {
  type Selection,
  SelectionError,
  type TargetSpec,
  type Targetable,
  selectHosts,
  splitList,
} from '../target/select.ts';

export interface TargetOptions {
  level: string[];
  role: string[];
  host: string[];
  target: string[];
}

export const collectList = (value: string, previous: string[]): string[] => [...previous, ...splitList(value)];
const collectOne = (value: string, previous: string[]): string[] => {
  if (!value.trim()) throw new InvalidArgumentError('empty target expression');
  return [...previous, value];
};

/** Adds --level, --role, --host and --target to `cmd` (all repeatable; empty by default). */
export function addTargetOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--level <levels>', 'only hosts of these levels (repeatable or comma-separated)')
        .argParser(collectList)
        .default([]),
    )
    .addOption(
      new Option('--role <roles>', 'only hosts with one of these roles (repeatable or comma-separated)')
        .argParser(collectList)
        .default([]),
    )
    .addOption(
      new Option(
        '--host <globs>',
        'only hosts whose id matches one of these globs or ids (repeatable or comma-separated)',
      )
        .argParser(collectList)
        .default([]),
    )
    .addOption(
      new Option(
        '--target <expr>',
        "only hosts matching this compound expression over roster grains, e.g. 'G@roles:db and not db2*' (repeatable; all must match)",
      )
        .argParser(collectOne)
        .default([]),
    );
}

/** The option values as a TargetSpec. */
export function targetSpec(opts: Partial<TargetOptions>): TargetSpec {
  return { levels: opts.level ?? [], roles: opts.role ?? [], hosts: opts.host ?? [], targets: opts.target ?? [] };
}

/**
 * Selects roster hosts with the parsed options. An empty selection or a malformed expression is a
 * usage error (exit 64) listing each option that matched nothing.
 */
export function applyTargetOptions<H extends Targetable>(
  roster: readonly H[],
  opts: Partial<TargetOptions>,
): Selection<H> {
  try {
    return selectHosts(roster, targetSpec(opts));
  } catch (err) {
    if (err instanceof SelectionError) throw usageError(err.message);
    throw err;
  }
}

function collectBatch(value: string): BatchSpec {
  try {
    return parseBatch(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** `--batch N|P%`: run each wave N hosts (or P% of them) at a time. */
export function batchOption(): Option {
  return new Option('--batch <n|p%>', 'run each wave in batches of N hosts or P% of its hosts').argParser(collectBatch);
}
