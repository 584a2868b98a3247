// Which packages a pkg state is about: `name` (+ `version`), or `pkgs`, a list of names and
// one-key `{name: version}` dicts, as Salt reads them.
import { isDict, optString } from '../args.ts';
import { parseSpec, specText, type VersionSpec } from '../../backends/dpkg.ts';
import type { StateArgs } from '../types.ts';

export interface Target {
  name: string;
  spec?: VersionSpec;
}

export type Targets = { targets: Target[] } | { error: string };

export const BAD_PKGS = 'Invalidly formatted "pkgs" parameter. See minion log.';

const NAME = /^[A-Za-z0-9][A-Za-z0-9+.\-_:]*$/;

/** One `pkgs` entry: 'foo' or {foo: '1.2-3'} ({foo: null} means any version). */
function entry(item: unknown): Target | undefined {
  if (typeof item === 'string' || typeof item === 'number') {
    const name = String(item).trim();
    return NAME.test(name) ? { name } : undefined;
  }
  if (isDict(item) && Object.keys(item).length === 1) {
    const [name, v] = Object.entries(item)[0];
    if (!NAME.test(name)) return undefined;
    const spec = parseSpec(optString(v));
    return spec ? { name, spec } : { name };
  }
  return undefined;
}

/** The targets of a call; a later duplicate replaces an earlier one (last wins, as in Salt). */
export function readTargets(args: StateArgs, withVersion = true): Targets {
  const out = new Map<string, Target>();
  if (args.pkgs !== undefined && args.pkgs !== null) {
    if (!Array.isArray(args.pkgs)) return { error: BAD_PKGS };
    for (const item of args.pkgs) {
      const t = entry(item);
      if (!t) return { error: BAD_PKGS };
      out.set(t.name, withVersion ? t : { name: t.name });
    }
    return { targets: [...out.values()] };
  }
  const name = args.name.trim();
  if (!NAME.test(name)) return { error: `Invalid package name '${args.name}'` };
  const spec = withVersion ? parseSpec(optString(args.version)) : undefined;
  return { targets: [spec ? { name, spec } : { name }] };
}

/** `name`, `name=1.0` or `name>=1.0`, as Salt's comments show a desired package. */
export function desiredText(t: Target): string {
  return `${t.name}${specText(t.spec)}`;
}
