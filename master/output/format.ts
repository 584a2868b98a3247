// Serialization of command output: YAML for people (the default), JSON for programs.
import { stringify } from 'yaml';

export const OUTPUT_FORMATS = ['yaml', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The text of `value` in `format`, ending with a newline. Shared objects are written out, never aliased. */
export function serialize(value: unknown, format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(value, null, 2) + '\n';
  return stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 });
}
