// `file_roots` in halite.yaml, Salt's shape: saltenv → list of state directories, searched in order
// (the first directory that has a file wins). Without it the single `states` directory is base.
import type { FieldCheck } from './field-check.ts';
import { isSafeToken } from './names.ts';
import { isPlainMap } from './yaml-source.ts';

/** saltenv → absolute directories, in search order; environments in the order written. */
export type FileRoots = Record<string, string[]>;

/** Reads `file_roots`; undefined when it is absent or invalid (the check then holds why). */
export function readFileRoots(
  check: FieldCheck,
  v: unknown,
  resolvePath: (p: string) => string,
  statesGiven: boolean,
): FileRoots | undefined {
  if (v === undefined) return undefined;
  if (!isPlainMap(v) || !Object.keys(v).length) {
    check.expected(['file_roots'], 'a map of saltenv to a list of state directories', v);
    return undefined;
  }
  if (statesGiven) check.error(['file_roots'], 'file_roots and states cannot both be set: file_roots names base too');
  const roots: FileRoots = {};
  let ok = !statesGiven;
  for (const [env, dirs] of Object.entries(v)) {
    if (!isSafeToken(env)) {
      check.error(['file_roots', env], `saltenv name '${env}' must be a safe token (letters, digits, '.', '_', '-')`);
      ok = false;
    } else if (!Array.isArray(dirs) || !dirs.length || !dirs.every((d) => typeof d === 'string' && d.length > 0)) {
      check.expected(['file_roots', env], 'a list of state directories', dirs);
      ok = false;
    } else roots[env] = dirs.map((d: string) => resolvePath(d));
  }
  return ok ? roots : undefined;
}
