// Salt's keyword arguments on the job commands: `halite highstate pillar='{"k": "v"}' test=True`,
// `halite sls memcached pillar='{…}'`, as `salt '*' state.apply … pillar=… test=True` takes them.
// An SLS name never holds '=', so every argument with one is a keyword argument.
import { parse } from 'yaml';
import { usageError } from '../cli-error.ts';

export interface JobKwargs {
  /** The arguments that are not keyword arguments (SLS names). */
  names: string[];
  /** `pillar=`: merged over each host's compiled pillar, last. */
  pillar?: Record<string, unknown>;
  test?: boolean;
  /** `saltenv=`: the SLS are this saltenv's; a highstate applies only its top file's section for it. */
  saltenv?: string;
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** A pillar override given as YAML or JSON text (Salt reads it as YAML): it must be a mapping. */
export function pillarOverride(text: string, what = 'pillar'): Record<string, unknown> {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    throw usageError(`${what}: not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw usageError(`${what}: a mapping is expected, such as '{"memcached": {"size": 128}}'`);
  }
  return value as Record<string, unknown>;
}

export function jobKwargs(args: readonly string[]): JobKwargs {
  const out: JobKwargs = { names: [] };
  for (const arg of args) {
    const at = arg.indexOf('=');
    if (at < 0) {
      out.names.push(arg);
      continue;
    }
    const key = arg.slice(0, at);
    const value = arg.slice(at + 1);
    if (key === 'pillar') out.pillar = pillarOverride(value, 'pillar=');
    else if (key === 'test') {
      const v = value.toLowerCase();
      if (!TRUE.has(v) && !FALSE.has(v)) throw usageError(`test=: True or False, not '${value}'`);
      out.test = TRUE.has(v);
    } else if (key === 'saltenv') {
      if (!value) throw usageError('saltenv=: name a saltenv');
      out.saltenv = value;
    } else throw usageError(`unsupported keyword argument '${key}=' (halite takes pillar=, test= and saltenv=)`);
  }
  return out;
}
