// Options shared by several commands.
import { InvalidArgumentError, Option } from 'commander';
import { type GrainOverride, parseGrainOverride } from '../config/host-grains.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../output/format.ts';

export interface GlobalOptions {
  config?: string;
  debug?: boolean;
  /** False with `--no-color`. */
  color?: boolean;
}

export interface HostOptions extends GlobalOptions {
  host: string;
  grain: GrainOverride[];
  out: OutputFormat;
  /** `--saltenv`. */
  saltenv?: string;
}

export function saltenvOption(): Option {
  return new Option(
    '--saltenv <env>',
    "the saltenv (file_roots environment): the SLS are this environment's; a highstate applies only its top file's section for it",
  );
}

export function outOption(): Option {
  return new Option('--out <format>', 'output format').choices(OUTPUT_FORMATS).default('yaml');
}

export function hostOption(): Option {
  return new Option('--host <id>', 'host id from the roster').makeOptionMandatory();
}

function collectGrain(value: string, previous: GrainOverride[]): GrainOverride[] {
  try {
    return [...previous, parseGrainOverride(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function grainOption(): Option {
  return new Option(
    '--grain <key=value>',
    'set a grain for state rendering (repeatable; YAML value; nested keys with ":")',
  )
    .argParser(collectGrain)
    .default([]);
}
