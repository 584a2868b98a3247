// One `include` entry → the SLS (and saltenv) it names, as Salt's render_state resolves it:
//   - foo.bar            absolute
//   - .bar / ..bar       relative to the including SLS; for an init.sls the package itself is
//                        the first level (`.bar` in foo/init.sls is foo.bar, in foo.sls is bar)
//   - {saltenv: foo}     explicit saltenv; `_xenv` means the including SLS's saltenv
import { isDict, show } from './data.ts';

export interface IncludeFrom {
  sls: string;
  env: string;
  /** The including SLS is a package's init.sls. */
  isInit: boolean;
  /** Saltenvs that exist. */
  envs: ReadonlySet<string>;
}

export type IncludeTarget = { sls: string; env: string } | { problem: string };

export function resolveInclude(item: unknown, from: IncludeFrom): IncludeTarget {
  let env = from.env;
  let name: unknown = item;
  if (isDict(item)) {
    const keys = Object.keys(item);
    if (keys.length !== 1)
      return {
        problem: `include entry ${show(item)} in SLS '${from.sls}' must be an SLS name or a single '<saltenv>: <sls>' pair`,
      };
    name = item[keys[0]];
    if (keys[0] !== '_xenv') {
      if (!from.envs.has(keys[0]))
        return {
          problem: `nonexistent saltenv '${keys[0]}' in include of ${show(name)} in SLS '${from.env}:${from.sls}'`,
        };
      env = keys[0];
    }
  }
  if (typeof name !== 'string' || name === '') {
    return { problem: `include entry ${show(item)} in SLS '${from.sls}' is not an SLS name` };
  }
  if (!name.startsWith('.')) return { sls: name, env };
  const m = /^(\.+)(.*)$/.exec(name)!;
  const levels = m[1].length;
  const parts = from.sls.split('.');
  if (from.isInit) parts.push('init');
  if (levels > parts.length) {
    return { problem: `relative include '${name}' in SLS '${from.env}:${from.sls}' goes beyond the top-level package` };
  }
  const base = parts.slice(0, parts.length - levels);
  const sls = (m[2] ? [...base, m[2]] : base).join('.');
  if (!sls) return { problem: `relative include '${name}' in SLS '${from.env}:${from.sls}' names no SLS` };
  return { sls, env };
}
